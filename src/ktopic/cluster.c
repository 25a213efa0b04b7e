/*
 * The connection to the cluster, held to one deadline for the whole
 * command, and the questions every command asks it.
 */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kp.h"
#include "ktopic.h"
#include "timeparse.h"
#include "topicname.h"
#include "xalloc.h"

/*
 * Keeps the client's errors for our own messages ("Connection refused"
 * says more than "timed out") instead of logging them as they happen.
 */
static void
on_error(rd_kafka_t *rk, int code, const char *reason, void *opaque)
{
	struct ktopic *kt = opaque;

	/* Refused: said at once, and the exit status is 2. */
	if (kconf_refusal(code)) {
		kconf_error(rk, code, reason);
		return;
	}
	/* "1/1 brokers are down" says less than the error before it. */
	if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN &&
	    kt->last_error[0] != '\0')
		return;
	snprintf(kt->last_error, sizeof(kt->last_error), "%s", reason);
	kconf_redact(kt->last_error, sizeof(kt->last_error));
}

void
ktopic_connect(struct ktopic *kt, rd_kafka_type_t type, const char *group)
{
	rd_kafka_conf_t *conf;
	char errstr[512];
	size_t size;

	/* Our messages carry the client's errors; its own log would repeat them. */
	kconf_default(&kt->kconf, "log_level", "2");
	if (group != NULL) {
		kconf_set(kt->kconf.conf, "group.id", group);
		kconf_default(&kt->kconf, "enable.auto.commit", "false");
	}
	conf = kconf_finish(&kt->kconf);
	size = sizeof(kt->brokers);
	if (rd_kafka_conf_get(conf, "bootstrap.servers", kt->brokers, &size) !=
	    RD_KAFKA_CONF_OK)
		snprintf(kt->brokers, sizeof(kt->brokers), "the brokers");
	rd_kafka_conf_set_error_cb(conf, on_error);
	rd_kafka_conf_set_opaque(conf, kt);
	if ((kt->rk = rd_kafka_new(type, conf, errstr, sizeof(errstr))) == NULL)
		errx(KP_EXIT_USAGE, "%s", errstr);
	kt->deadline = mono_ms() + kt->timeout_ms;
}

void
ktopic_disconnect(struct ktopic *kt)
{
	if (kt->rk == NULL)
		return;
	/* A consumer that never subscribed has no group to leave. */
	if (rd_kafka_type(kt->rk) == RD_KAFKA_CONSUMER)
		rd_kafka_consumer_close(kt->rk);
	rd_kafka_destroy(kt->rk);
	kt->rk = NULL;
}

int
ktopic_left_ms(const struct ktopic *kt)
{
	int64_t left = kt->deadline - mono_ms();

	return left > 0 ? (int)left : 0;
}

void
ktopic_warn(struct ktopic *kt, rd_kafka_resp_err_t e, const char *fmt, ...)
{
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	kconf_refusal(e);
	/* Serve the error callback so last_error is current. */
	if (kt->rk != NULL)
		rd_kafka_poll(kt->rk, 0);
	if ((e == RD_KAFKA_RESP_ERR__TRANSPORT ||
	    e == RD_KAFKA_RESP_ERR__TIMED_OUT ||
	    e == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) && kt->last_error[0] != '\0')
		warnx("%s: %s (%s)", what, rd_kafka_err2str(e), kt->last_error);
	else
		warnx("%s: %s", what, rd_kafka_err2str(e));
}

const struct rd_kafka_metadata *
cluster_metadata(struct ktopic *kt)
{
	const struct rd_kafka_metadata *md;
	rd_kafka_resp_err_t e;
	int ask = 250, left;

	/*
	 * All topics, never a named one: asking for a topic by name makes a
	 * broker with auto-creation (the mock always) create it. Short asks
	 * at first, and the error callback served between them, so that a
	 * refusal of the credentials ends the wait at once.
	 */
	for (;;) {
		left = ktopic_left_ms(kt);
		e = rd_kafka_metadata(kt->rk, 1, NULL, &md,
		    left < ask ? (left > 0 ? left : 1) : ask);
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
			return md;
		rd_kafka_poll(kt->rk, 0);
		if (kconf_refused())
			return NULL;
		/* No broker answered within the ask: ask again. */
		if ((e != RD_KAFKA_RESP_ERR__TRANSPORT &&
		    e != RD_KAFKA_RESP_ERR__TIMED_OUT) || ktopic_left_ms(kt) == 0)
			break;
		if (ask < 2000)
			ask *= 2;
	}
	ktopic_warn(kt, e, "%s: no metadata within %gs", kt->brokers,
	    kt->timeout_ms / 1000.0);
	return NULL;
}

const rd_kafka_metadata_topic_t *
metadata_topic(const struct rd_kafka_metadata *md, const char *name)
{
	int i;

	for (i = 0; i < md->topic_cnt; i++)
		if (strcmp(md->topics[i].topic, name) == 0 &&
		    md->topics[i].err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
			return &md->topics[i];
	return NULL;
}

int
cluster_has_controller(struct ktopic *kt, const struct rd_kafka_metadata *md,
    int32_t *id)
{
	int i;

	*id = rd_kafka_controllerid(kt->rk, ktopic_left_ms(kt));
	for (i = 0; i < md->broker_cnt; i++)
		if (md->brokers[i].id == *id)
			return 1;
	return 0;
}

rd_kafka_AdminOptions_t *
admin_options(struct ktopic *kt, rd_kafka_admin_op_t op)
{
	rd_kafka_AdminOptions_t *options;
	char errstr[512];
	int left = ktopic_left_ms(kt);

	options = rd_kafka_AdminOptions_new(kt->rk, op);
	if (left < 1)
		left = 1;
	if (rd_kafka_AdminOptions_set_request_timeout(options, left, errstr,
	    sizeof(errstr)) != RD_KAFKA_RESP_ERR_NO_ERROR)
		errx(KP_EXIT_FAIL, "%s", errstr);
	/* The broker answers once the operation is done, not just begun. */
	if ((op == RD_KAFKA_ADMIN_OP_CREATETOPICS ||
	    op == RD_KAFKA_ADMIN_OP_DELETETOPICS) &&
	    rd_kafka_AdminOptions_set_operation_timeout(options, left, errstr,
	    sizeof(errstr)) != RD_KAFKA_RESP_ERR_NO_ERROR)
		errx(KP_EXIT_FAIL, "%s", errstr);
	return options;
}

rd_kafka_event_t *
admin_wait(struct ktopic *kt, rd_kafka_queue_t *queue, const char *what)
{
	rd_kafka_event_t *ev;
	rd_kafka_resp_err_t e;

	/*
	 * The request timeout should end the wait, but a broker that never
	 * answers must not hang us: a second past the deadline is the limit.
	 */
	if ((ev = rd_kafka_queue_poll(queue, ktopic_left_ms(kt) + 1000)) == NULL) {
		warnx("%s: no answer from %s within %gs", what, kt->brokers,
		    kt->timeout_ms / 1000.0);
		return NULL;
	}
	if ((e = rd_kafka_event_error(ev)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		ktopic_warn(kt, e, "%s", what);
		rd_kafka_event_destroy(ev);
		return NULL;
	}
	return ev;
}

int
topic_operands_check(int argc, char *argv[])
{
	char why[TOPIC_WHY_MAX];
	int i;

	for (i = 0; i < argc; i++) {
		if (topic_name_check(argv[i], strlen(argv[i]), why) != 0) {
			warnx("%s", why);
			return -1;
		}
	}
	return 0;
}

static int
partition_cmp(const void *a, const void *b)
{
	const rd_kafka_metadata_partition_t *pa, *pb;

	pa = *(const rd_kafka_metadata_partition_t *const *)a;
	pb = *(const rd_kafka_metadata_partition_t *const *)b;
	return (pa->id > pb->id) - (pa->id < pb->id);
}

const rd_kafka_metadata_partition_t **
sorted_partitions(const rd_kafka_metadata_topic_t *t)
{
	const rd_kafka_metadata_partition_t **parts;
	int i;

	parts = xcalloc((size_t)t->partition_cnt + 1, sizeof(*parts));
	for (i = 0; i < t->partition_cnt; i++)
		parts[i] = &t->partitions[i];
	qsort(parts, (size_t)t->partition_cnt, sizeof(*parts), partition_cmp);
	return parts;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
sort_names(const char **names, int n)
{
	if (n > 1)
		qsort(names, (size_t)n, sizeof(*names), name_cmp);
}
