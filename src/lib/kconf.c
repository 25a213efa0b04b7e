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

	if (rd_kafka_conf_set(conf, key, val, errstr, sizeof(errstr)) !=
	    RD_KAFKA_CONF_OK)
		errx(KP_EXIT_USAGE, "%s", errstr);
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

/* Sets a "key=value" pair given by the user. */
static void
kconf_set_pair(struct kconf *kc, const char *pair, const char *where)
{
	char *key, *val;

	if ((key = strdup(pair)) == NULL)
		err(KP_EXIT_FAIL, NULL);
	if ((val = strchr(key, '=')) == NULL)
		errx(KP_EXIT_USAGE, "%s: expected key=value: %s", where, pair);
	*val++ = '\0';
	kconf_set(kc->conf, key, val);
	if (kc->nuser_keys < (int)(sizeof(kc->user_keys) / sizeof(kc->user_keys[0])))
		kc->user_keys[kc->nuser_keys++] = strdup(key);
	if (strcmp(key, "bootstrap.servers") == 0 ||
	    strcmp(key, "metadata.broker.list") == 0)
		kc->brokers_set = 1;
	free(key);
}

static void
kconf_read_file(struct kconf *kc, const char *path)
{
	FILE *fp;
	char *line = NULL, *p, *end, where[1024];
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
		kconf_set_pair(kc, p, where);
	}
	if (ferror(fp))
		err(KP_EXIT_USAGE, "%s", path);
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

/* librdkafka's log lines, with the program's name in front like every message. */
static void
kconf_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	(void)level;
	warnx("kafka: %s: %s", fac, buf);
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
kconf_wait_for_brokers(rd_kafka_t *rk, int64_t timeout_ms)
{
	const struct rd_kafka_metadata *md;
	int64_t deadline = mono_ms() + timeout_ms;
	rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR__TIMED_OUT;

	while (!kp_stop_signal && mono_ms() < deadline) {
		int64_t left = deadline - mono_ms();

		e = rd_kafka_metadata(rk, 0, NULL, &md,
		    (int)(left < 1000 ? (left > 0 ? left : 1) : 1000));
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
			rd_kafka_metadata_destroy(md);
			return 0;
		}
	}
	if (kp_stop_signal)
		return 1;
	warnx("no broker answered within %" PRId64 " ms: %s", timeout_ms,
	    rd_kafka_err2str(e));
	return -1;
}
