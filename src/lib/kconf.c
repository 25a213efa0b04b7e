#include <sys/stat.h>

#include <err.h>
#include <inttypes.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconf.h"
#include "kp.h"
#include "signals.h"
#include "timeparse.h"
#include "xalloc.h"

/* Secrets (or their pieces) shorter than this are not looked for. */
#define REDACT_MIN	4

/*
 * The secret values set by -X and -F, kept to hide them in messages, with
 * the pieces of them librdkafka may quote: from a word on to the end ("...
 * sasl.oauthbearer.config beginning at: %s"), a word, what follows its '='.
 * Longest first, so that a whole value is hidden before its pieces.
 */
static char	**secrets;
static size_t	  nsecrets;
static int	  refused;

int
kconf_secret_key(const char *key)
{
	static const char *const parts[] = {
		"password", "secret", "passphrase", "private.key"
	};
	size_t i;

	if (strncasecmp(key, "ssl.key.", 8) == 0 ||
	    strcasecmp(key, "sasl.oauthbearer.config") == 0)
		return 1;
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strcasestr(key, parts[i]) != NULL)
			return 1;
	return 0;
}

static void
secret_add(const char *val, size_t len)
{
	size_t i, at;

	if (len < REDACT_MIN)
		return;
	for (i = 0; i < nsecrets; i++)
		if (strlen(secrets[i]) == len && memcmp(secrets[i], val, len) == 0)
			return;
	secrets = xreallocarray(secrets, nsecrets + 1, sizeof(*secrets));
	for (at = nsecrets++; at > 0 && strlen(secrets[at - 1]) < len; at--)
		secrets[at] = secrets[at - 1];
	secrets[at] = xstrndup(val, len);
}

void
kconf_add_secret(const char *val)
{
	const char *p, *word, *eq;
	size_t n;

	secret_add(val, strlen(val));
	for (p = val; *p != '\0'; p += n) {
		p += strspn(p, " \t\n");
		word = p;
		n = strcspn(p, " \t\n");
		if (n == 0)
			break;
		if (word != val)
			secret_add(word, strlen(word));
		secret_add(word, n);
		if ((eq = memchr(word, '=', n)) != NULL)
			secret_add(eq + 1, n - (size_t)(eq + 1 - word));
	}
}

void
kconf_redact(char *msg, size_t size)
{
	static const char mask[] = "***";
	size_t k, len;
	char *at;

	if (size == 0)
		return;
	for (k = 0; k < nsecrets; k++) {
		len = strlen(secrets[k]);
		/* The mask is never longer than what it replaces. */
		while ((at = strstr(msg, secrets[k])) != NULL) {
			memcpy(at, mask, sizeof(mask) - 1);
			memmove(at + sizeof(mask) - 1, at + len,
			    strlen(at + len) + 1);
		}
	}
}

void
kconf_init(struct kconf *kc)
{
	const char *env;

	kc->conf = rd_kafka_conf_new();
	env = getenv("KAFKA_BROKERS");
	kc->brokers = env != NULL && *env != '\0' ? env : "localhost:9092";
	kc->brokers_set = 0;
	kc->nuser_keys = 0;
}

void
kconf_free(struct kconf *kc)
{
	while (kc->nuser_keys > 0)
		free(kc->user_keys[--kc->nuser_keys]);
	if (kc->conf != NULL)
		rd_kafka_conf_destroy(kc->conf);
	kc->conf = NULL;
}

void
kconf_set(rd_kafka_conf_t *conf, const char *key, const char *val)
{
	char errstr[512];

	if (kconf_secret_key(key))
		kconf_add_secret(val);
	if (rd_kafka_conf_set(conf, key, val, errstr, sizeof(errstr)) !=
	    RD_KAFKA_CONF_OK) {
		kconf_redact(errstr, sizeof(errstr));
		errx(KP_EXIT_USAGE, "%s", errstr);
	}
}

void
kconf_default(struct kconf *kc, const char *key, const char *val)
{
	int i;

	for (i = 0; i < kc->nuser_keys; i++)
		if (strcmp(kc->user_keys[i], key) == 0)
			return;
	kconf_set(kc->conf, key, val);
}

/*
 * Sets a "key=value" pair given by the user. Returns whether the key's
 * value is a secret.
 */
static int
kconf_set_pair(struct kconf *kc, const char *pair, const char *where)
{
	char *key, *val;
	int secret;

	if (strchr(pair, '=') == NULL) {
		size_t n = strcspn(pair, ": \t");

		/* "sasl.password: xyz": the key is shown, never what follows. */
		if (kconf_secret_key(pair))
			errx(KP_EXIT_USAGE, "%s: expected key=value, not "
			    "\"%.*s***\"", where, (int)(n + strspn(pair + n,
			    ": \t")), pair);
		errx(KP_EXIT_USAGE, "%s: expected key=value: %s", where, pair);
	}
	key = xstrdup(pair);
	val = strchr(key, '=');
	*val++ = '\0';
	kconf_set(kc->conf, key, val);
	if (kc->nuser_keys < (int)(sizeof(kc->user_keys) / sizeof(kc->user_keys[0])))
		kc->user_keys[kc->nuser_keys++] = xstrdup(key);
	if (strcmp(key, "bootstrap.servers") == 0 ||
	    strcmp(key, "metadata.broker.list") == 0)
		kc->brokers_set = 1;
	secret = kconf_secret_key(key);
	free(key);
	return secret;
}

static void
kconf_read_file(struct kconf *kc, const char *path)
{
	FILE *fp;
	struct stat st;
	char *line = NULL, *p, *end, where[1024], secret_key[128] = "";
	size_t cap = 0;
	unsigned long lineno = 0;

	if ((fp = fopen(path, "r")) == NULL)
		err(KP_EXIT_USAGE, "%s", path);
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		end = p + strlen(p);
		while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
		    end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%lu", path, lineno);
		if (kconf_set_pair(kc, p, where) && secret_key[0] == '\0')
			snprintf(secret_key, sizeof(secret_key), "%.*s",
			    (int)strcspn(p, "="), p);
	}
	if (ferror(fp))
		err(KP_EXIT_USAGE, "%s", path);
	/* Anyone who can read the file has the secret: say so. */
	if (secret_key[0] != '\0' && fstat(fileno(fp), &st) == 0 &&
	    (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		warnx("%s holds a secret (%s) and can be read by %s (mode %04o): "
		    "chmod go-rwx %s", path, secret_key,
		    st.st_mode & S_IROTH ? "every user" : "its group",
		    (unsigned)(st.st_mode & 07777), path);
	free(line);
	fclose(fp);
}

int
kconf_option(struct kconf *kc, int opt, const char *arg)
{
	switch (opt) {
	case 'b':
		kc->brokers = arg;
		kc->brokers_set = 2;
		return 1;
	case 'X':
		kconf_set_pair(kc, arg, "-X");
		return 1;
	case 'F':
		kconf_read_file(kc, arg);
		return 1;
	}
	return 0;
}

/*
 * librdkafka's log lines, with the program's name in front like every
 * message, and secrets hidden.
 */
static void
kconf_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	char msg[2048];

	(void)rk;
	(void)level;
	snprintf(msg, sizeof(msg), "%s", buf);
	kconf_redact(msg, sizeof(msg));
	warnx("kafka: %s: %s", fac, msg);
}

rd_kafka_conf_t *
kconf_finish(struct kconf *kc)
{
	rd_kafka_conf_t *conf = kc->conf;

	/* -b wins over a file; a file or -X wins over the environment. */
	if (kc->brokers_set != 1)
		kconf_set(conf, "bootstrap.servers", kc->brokers);
	rd_kafka_conf_set_log_cb(conf, kconf_log);
	kc->conf = NULL;
	kconf_free(kc);
	return conf;
}

int
kconf_refusal(rd_kafka_resp_err_t e)
{
	switch (e) {
	case RD_KAFKA_RESP_ERR__AUTHENTICATION:
	case RD_KAFKA_RESP_ERR__SSL:
	case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
	case RD_KAFKA_RESP_ERR_UNSUPPORTED_SASL_MECHANISM:
	case RD_KAFKA_RESP_ERR_ILLEGAL_SASL_STATE:
	case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
	case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
	case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
	case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
	case RD_KAFKA_RESP_ERR_DELEGATION_TOKEN_AUTHORIZATION_FAILED:
		refused = 1;
		return 1;
	default:
		return 0;
	}
}

int
kconf_refused(void)
{
	return refused;
}

int
kconf_error(rd_kafka_t *rk, int code, const char *reason)
{
	static int said;
	rd_kafka_resp_err_t e = code;
	char msg[1024];

	if (code == RD_KAFKA_RESP_ERR__FATAL)
		e = rd_kafka_fatal_error(rk, msg, sizeof(msg));
	else
		snprintf(msg, sizeof(msg), "%s", reason);
	kconf_redact(msg, sizeof(msg));
	if (kconf_refusal(e)) {
		/* librdkafka says it again at every reconnection: once is enough. */
		if (!said++)
			warnx("refused: %s", msg);
		return 1;
	}
	if (code == RD_KAFKA_RESP_ERR__FATAL)
		warnx("fatal: %s", msg);
	else if (code != RD_KAFKA_RESP_ERR__TRANSPORT &&
	    code != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
		warnx("kafka: %s", msg);
	return 0;
}

/*
 * Serves the client's callbacks, so that a refusal reaches the error
 * callback; a consumer's come through its consumer queue, where nothing
 * else can be before it is assigned partitions.
 */
static void
kconf_serve(rd_kafka_t *rk)
{
	rd_kafka_message_t *m;

	if (rd_kafka_type(rk) != RD_KAFKA_CONSUMER) {
		rd_kafka_poll(rk, 0);
		return;
	}
	if ((m = rd_kafka_consumer_poll(rk, 0)) == NULL)
		return;
	if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR)
		kconf_error(rk, m->err, rd_kafka_message_errstr(m));
	rd_kafka_message_destroy(m);
}

int
kconf_wait_for_brokers(rd_kafka_t *rk, int64_t timeout_ms)
{
	const struct rd_kafka_metadata *md;
	int64_t deadline = mono_ms() + timeout_ms;
	int64_t ask = 250;
	rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR__TIMED_OUT;

	while (!kp_stop_signal && !refused && mono_ms() < deadline) {
		int64_t left = deadline - mono_ms();

		/*
		 * Short asks at first, so that a refusal (within a few hundred
		 * ms) is seen at once; longer ones then, for a slow broker.
		 */
		e = rd_kafka_metadata(rk, 0, NULL, &md,
		    (int)(left < ask ? (left > 0 ? left : 1) : ask));
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
			rd_kafka_metadata_destroy(md);
			return 0;
		}
		kconf_serve(rk);
		if (ask < 2000)
			ask *= 2;
	}
	if (refused)
		return -2;
	if (kp_stop_signal)
		return 1;
	warnx("no broker answered within %" PRId64 " ms: %s", timeout_ms,
	    rd_kafka_err2str(e));
	return -1;
}
