/* Unit tests for reading envelopes, and for topic names. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "envelope.h"
#include "tap.h"
#include "topicname.h"

/* An envelope line, and the start of the reason it is refused (NULL: taken). */
static const struct {
	const char	*line;
	const char	*why;
} lines[] = {
	{ "{\"value\":1}", NULL },
	{ "{\"headers\":null,\"key\":null,\"partition\":null,\"offset\":null,"
	    "\"timestamp\":null,\"topic\":null}", NULL },
	{ "{\"timestamp\":-1,\"partition\":2147483647,"
	    "\"offset\":9007199254740992}", NULL },
	{ "{\"timestamp\":1e300}", "envelope: timestamp" },
	{ "{\"timestamp\":-1e300}", "envelope: timestamp" },
	{ "{\"timestamp\":\"yesterday\"}", "envelope: timestamp" },
	{ "{\"timestamp\":0}", "envelope: timestamp" },
	{ "{\"timestamp\":-2}", "envelope: timestamp" },
	{ "{\"timestamp\":1.5}", "envelope: timestamp" },
	{ "{\"timestamp\":18014398509481984}", "envelope: timestamp" },
	{ "{\"partition\":1e10}", "envelope: partition" },
	{ "{\"partition\":2147483648}", "envelope: partition" },
	{ "{\"partition\":-1}", "envelope: partition" },
	{ "{\"partition\":\"0\"}", "envelope: partition" },
	{ "{\"offset\":9.5}", "envelope: offset" },
	{ "{\"offset\":1e300}", "envelope: offset" },
	{ "{\"key\":5}", "envelope: key is not" },
	{ "{\"key\":[]}", "envelope: key is not" },
	{ "{\"key\":\"a\",\"key_base64\":\"YQ==\"}", "envelope: both" },
	{ "{\"key_base64\":5}", "envelope: key_base64 is not a string" },
	{ "{\"key_base64\":\"%%%\"}", "envelope: key_base64 is not base64" },
	{ "{\"topic\":5}", "envelope: topic is not a string" },
	{ "{\"topic\":\"a b\"}", "envelope: topic is not a topic name" },
	{ "{\"topic\":\"a\\u0000b\"}", "envelope: topic is not a topic name" },
	{ "{\"headers\":{}}", "envelope: headers is not an array" },
	{ "{\"headers\":[[\"a\"]]}", "envelope: a header" },
	{ "{\"headers\":[[1,\"a\"]]}", "envelope: a header" },
	{ "{\"headers\":[[\"a\",1]]}", "envelope: a header" },
	{ "{\"value_text\":5}", "envelope: value_text is not a string" },
	{ "{\"value_base64\":5}", "envelope: value_base64 is not a string" },
	{ "{\"value_base64\":\"%%%\"}", "envelope: value_base64 is not base64" },
	{ "{\"value\":1,\"value_base64\":\"YQ==\"}", "envelope: more than one" },
	{ "{\"value_text\":\"a\",\"value_base64\":\"YQ==\"}",
	    "envelope: more than one" },
	{ "[1]", "envelope: not a JSON object" },
};

static const struct {
	const char	*name;
	int		 ok;
} names[] = {
	{ "orders", 1 }, { "a.b_c-D9", 1 }, { "...", 1 }, { ".a", 1 },
	{ "", 0 }, { ".", 0 }, { "..", 0 }, { "a b", 0 }, { "a/b", 0 },
	{ "a:b", 0 }, { "\xc3\xa9", 0 }, { "a\tb", 0 },
};

int
main(void)
{
	struct envelope env;
	const char *why, *full;
	char what[256], long_name[300], tw[TOPIC_WHY_MAX];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		why = NULL;
		rc = envelope_parse(lines[i].line, strlen(lines[i].line), &env,
		    &why);
		snprintf(what, sizeof(what), "%s %s", lines[i].line,
		    lines[i].why == NULL ? "taken" : lines[i].why);
		if (lines[i].why == NULL)
			tap_ok(rc == 0, what);
		else if (!tap_ok(rc == -1 && why != NULL && strncmp(why,
		    lines[i].why, strlen(lines[i].why)) == 0, what))
			printf("# got %d: %s\n", rc, why != NULL ? why : "");
		if (rc == 0)
			envelope_free(&env);
	}
	full = "{\"topic\":\"T\",\"partition\":3,\"offset\":7,"
	    "\"timestamp\":1795000000000,\"key\":\"k\",\"headers\":[[\"h\","
	    "\"v\"],[\"n\",null],[\"b\",{\"base64\":\"AP8=\"}]],"
	    "\"value\":{\"a\": 1}}";
	rc = envelope_parse(full, strlen(full), &env, &why);
	tap_ok(rc == 0 && strcmp(env.topic, "T") == 0 && env.partition == 3 &&
	    env.timestamp == INT64_C(1795000000000) && env.key_len == 1 &&
	    memcmp(env.key, "k", 1) == 0 && env.headers != NULL &&
	    rd_kafka_header_cnt(env.headers) == 3 &&
	    env.value_len == 8 && memcmp(env.value, "{\"a\": 1}", 8) == 0,
	    "every member read");
	if (rc == 0)
		envelope_free(&env);
	rc = envelope_parse("{\"key\":null}", 12, &env, &why);
	tap_ok(rc == 0 && env.key == NULL && env.value == NULL &&
	    env.headers == NULL && env.partition == -1 && env.timestamp == -1 &&
	    env.topic == NULL, "absent is not given: no key, a tombstone");
	if (rc == 0)
		envelope_free(&env);

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(what, sizeof(what), "topic name \"%s\": %s",
		    names[i].name, names[i].ok ? "yes" : "no");
		tap_ok((topic_name_why(names[i].name, strlen(names[i].name)) ==
		    NULL) == names[i].ok, what);
	}
	memset(long_name, 'a', sizeof(long_name));
	tap_ok(topic_name_why(long_name, 249) == NULL &&
	    topic_name_why(long_name, 250) != NULL, "at most 249 characters");
	tap_ok(topic_name_why("a\0b", 3) != NULL, "no NUL inside");
	tap_ok(topic_name_check("a b\"\x01", 5, tw) == -1 &&
	    strcmp(tw, "\"a b\\x22\\x01\": not a topic name (1 to 249 of "
	    "a-z A-Z 0-9 . _ -)") == 0, "the name shown, escaped");
	tap_ok(topic_name_check(long_name, 300, tw) == -1 &&
	    strstr(tw, "\"...: not a topic name (more than 249") != NULL &&
	    strlen(tw) < 150, "a long name shown in part");
	tap_ok(topic_name_check("ok", 2, tw) == 0, "a name passes");
	return tap_done();
}
