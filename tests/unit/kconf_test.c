/*
 * kconf: which keys hold secrets, how their values are hidden in messages,
 * and which Kafka errors are refusals (exit 2, not retried).
 */
#include <stdio.h>
#include <string.h>

#include "kconf.h"
#include "tap.h"

static const struct {
	const char	*key;
	int		 secret;
} keys[] = {
	{ "sasl.password", 1 },
	{ "SASL.PASSWORD", 1 },
	{ "ssl.key.password", 1 },
	{ "ssl.keystore.password", 1 },
	{ "ssl.key.pem", 1 },
	{ "ssl.key.location", 1 },
	{ "sasl.oauthbearer.config", 1 },
	{ "sasl.oauthbearer.client.secret", 1 },
	{ "sasl.oauthbearer.assertion.private.key.pem", 1 },
	{ "sasl.oauthbearer.assertion.private.key.passphrase", 1 },
	{ "sasl.password: alice-secret", 1 },	/* a line that is not key=value */
	{ "sasl.username", 0 },
	{ "sasl.mechanisms", 0 },
	{ "security.protocol", 0 },
	{ "ssl.ca.location", 0 },
	{ "ssl.certificate.location", 0 },
	{ "bootstrap.servers", 0 },
	{ "ssl.keystore.location", 0 },
};

/* kconf_redact with the secrets below remembered. */
static const struct {
	const char	*msg;
	const char	*want;
} redactions[] = {
	/* Whole, several times, at either end. */
	{ "alice-secret-42", "***" },
	{ "bad value \"alice-secret-42\" for x", "bad value \"***\" for x" },
	{ "alice-secret-42 and alice-secret-42", "*** and ***" },
	/* Words that are also in it are not the secret. */
	{ "Invalid username or password", "Invalid username or password" },
	{ "alice sent a secret", "alice sent a secret" },
	{ "", "" },
	/* librdkafka quotes a config from a word on, or a word's value. */
	{ "Unrecognized sasl.oauthbearer.config beginning at: extension_k=tok-9f3e lifeSeconds=x",
	  "Unrecognized sasl.oauthbearer.config beginning at: ***" },
	{ "non-integral 'lifeSeconds=': x", "non-integral 'lifeSeconds=': x" },
	{ "bad extension value: tok-9f3e", "bad extension value: ***" },
	{ "principal=alice-admin", "***" },
	/* Short words of it are left: they would hide letters everywhere. */
	{ "a key=x", "a key=x" },
};

int
main(void)
{
	char buf[256], what[512];
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(what, sizeof(what), "%s %s a secret", keys[i].key,
		    keys[i].secret ? "is" : "is not");
		tap_ok(kconf_secret_key(keys[i].key) == keys[i].secret, what);
	}

	kconf_add_secret("alice-secret-42");
	kconf_add_secret("wrong-password");
	kconf_add_secret("principal=alice-admin extension_k=tok-9f3e lifeSeconds=x");
	for (i = 0; i < sizeof(redactions) / sizeof(redactions[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", redactions[i].msg);
		kconf_redact(buf, sizeof(buf));
		snprintf(what, sizeof(what), "redacted \"%s\"", redactions[i].msg);
		if (!tap_ok(strcmp(buf, redactions[i].want) == 0, what))
			printf("# got \"%s\", want \"%s\"\n", buf,
			    redactions[i].want);
	}

	/* Shorter than 4: not looked for, or every letter would go. */
	kconf_add_secret("abc");
	snprintf(buf, sizeof(buf), "%s", "abc");
	kconf_redact(buf, sizeof(buf));
	tap_ok(strcmp(buf, "abc") == 0, "a secret shorter than 4 is not looked for");

	tap_ok(!kconf_refused(), "nothing refused yet");
	tap_ok(!kconf_refusal(RD_KAFKA_RESP_ERR__TRANSPORT),
	    "a transport error is not a refusal");
	tap_ok(!kconf_refusal(RD_KAFKA_RESP_ERR__TIMED_OUT),
	    "a time-out is not a refusal");
	tap_ok(!kconf_refusal(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART),
	    "an unknown topic is not a refusal");
	tap_ok(!kconf_refused(), "still nothing refused");
	tap_ok(kconf_refusal(RD_KAFKA_RESP_ERR__AUTHENTICATION),
	    "a failed SASL authentication is a refusal");
	tap_ok(kconf_refusal(RD_KAFKA_RESP_ERR__SSL),
	    "a failed SSL handshake is a refusal");
	tap_ok(kconf_refusal(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED),
	    "a topic's ACL is a refusal");
	tap_ok(kconf_refusal(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED),
	    "a group's ACL is a refusal");
	tap_ok(kconf_refusal(RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED),
	    "the cluster's ACL is a refusal");
	tap_ok(kconf_refused(), "a refusal is remembered");
	return tap_done();
}
