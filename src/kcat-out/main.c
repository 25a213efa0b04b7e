/*
 * kout: NDJSON from stdin to a Kafka topic, one line one message, nothing
 * lost without a word: the exit status says whether every line arrived.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>
#include <librdkafka/rdkafka.h>

#include "envelope.h"
#include "eos.h"
#include "eventtime.h"
#include "jqexpr.h"
#include "jsonscan.h"
#include "kconf.h"
#include "kp.h"
#include "lineio.h"
#include "opt.h"
#include "rejects.h"
#include "retry.h"
#include "signals.h"
#include "timeparse.h"
#include "topicname.h"
#include "xalloc.h"

/* Line numbers of failed deliveries named in the final summary. */
#define FAILED_SHOWN	10
/* How long input is still read after SIGINT/SIGTERM, to take what upstream flushed. */
#define STOP_GRACE_MS	2000
#define TOPIC_CACHE	64
/* Plain lines to one topic are handed to librdkafka this many at a time. */
#define BATCH_MAX	1024
/* --eos: room for the values of a batch, copied out of their lines. */
#define BATCH_BYTES	(1 << 18)
/* The partition a batch goes to changes this often (sticky partitioning). */
#define STICKY_MS	10
/* How often the topic's partitions and their leaders are looked up again. */
#define PARTS_REFRESH_MS 5000

enum {
	OPT_CONNECT_TIMEOUT = 256, OPT_EOS, OPT_REJECTS, OPT_TS_UNIT,
	OPT_TXN_ID
};

static const struct option longopts[] = {
	KCONF_LONGOPTS,
	{ "key",             required_argument, NULL, 'k' },
	{ "topic-expr",      required_argument, NULL, 'T' },
	{ "envelope",        no_argument,       NULL, 'E' },
	{ "partition",       required_argument, NULL, 'P' },
	{ "compression",     required_argument, NULL, 'z' },
	{ "rejects",         required_argument, NULL, OPT_REJECTS },
	{ "strict",          no_argument,       NULL, 'S' },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "eos",             no_argument,       NULL, OPT_EOS },
	{ "txn-id",          required_argument, NULL, OPT_TXN_ID },
	{ "ts",              required_argument, NULL, 't' },
	{ "ts-unit",         required_argument, NULL, OPT_TS_UNIT },
	OPT_LONGOPTS_HELP_VERSION,
	{ NULL, 0, NULL, 0 }
};

struct kout {
	rd_kafka_t		*rk;
	struct jqexpr		*key_expr, *topic_expr;
	const char		*topic;		/* the TOPIC operand, or NULL */
	int			 envelope;
	int			 eos_mode;
	int			 partial_line;	/* --eos: an unterminated last line */
	struct eos		 eos;
	int32_t			 partition;
	int			 stamping;	/* -t: CreateTime from the line */
	struct eventtime	 ts;
	struct rejects		 rejects;
	struct {
		char		*name;
		rd_kafka_topic_t *rkt;
	}			 topics[TOPIC_CACHE];
	int			 ntopics;
	/* Delivery accounting: refused lines are also in rejects. */
	unsigned long		 accepted, delivered, failed, refused;
	unsigned long		 failed_lines[FAILED_SHOWN];
	/* Refused with their batch, to be produced again (retry.h). */
	struct retry_list	 retry;
	int			 alone;		/* one message in flight */
	int			 stop_seen;	/* signals before the wait */
	/*
	 * Plain mode (one topic, no key, no envelope, no -t), with --eos or
	 * not: lines go to librdkafka in batches, to one partition at a
	 * time, chosen here. Each message's line is kept beside it for the
	 * rejects file: under --eos the message is the line without its
	 * _kp_src, copied into batch_bytes.
	 */
	int			 batching;
	rd_kafka_message_t	 batch[BATCH_MAX];
	struct {
		const char	*line;
		size_t		 len;
	}			 batch_line[BATCH_MAX];
	int			 nbatch;
	char			*batch_bytes;
	size_t			 batch_used;
	int32_t			*parts;		/* partitions with a leader */
	int			 nparts, part_next;
	int32_t			 part_now;
	int64_t			 parts_at, sticky_at;
	unsigned long		 sticky_txn;	/* --eos: the transaction part_now is for */
	int			 queue_max;	/* queue.buffering.max.messages */
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: kout [-EhSV] [-b brokers] [-F file] [-k expr] [-P partition]\n"
	    "            [-T expr] [-t path] [-X key=value] [-z codec]\n"
	    "            [--connect-timeout dur] [--eos] [--rejects file]\n"
	    "            [--ts-unit unit] [--txn-id id] [topic]\n");
}

/*
 * The Kafka timestamp of a line under -t: its event time, truncated to the
 * millisecond. Returns 0, or -1 with the reason in why.
 */
static int
line_timestamp(const struct kout *ko, const char *line, size_t len,
    int64_t *ms, char why[EVENTTIME_WHY_MAX])
{
	int64_t us;

	if (eventtime_read(&ko->ts, line, len, &us, why) != 0)
		return -1;
	/* librdkafka reads 0 as "now", and Kafka has no time before 1970. */
	if (us < 1000) {
		snprintf(why, EVENTTIME_WHY_MAX, "%s is before "
		    "1970-01-01T00:00:00.001Z, the first Kafka timestamp",
		    ko->ts.path.text);
		return -1;
	}
	*ms = us / 1000;
	return 0;
}

/*
 * A line the broker refused for what it holds: a bad line. The broker's
 * own words are not to be had (librdkafka 2.12 frees them before the
 * delivery report), so the reason is its error and the line's timestamp.
 */
static int
batch_refusal(rd_kafka_resp_err_t e)
{
	return e == RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP ||
	    e == RD_KAFKA_RESP_ERR__INVALID_DIFFERENT_RECORD ||
	    e == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
	    e == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE;
}

static void
refused(struct kout *ko, const rd_kafka_message_t *m, unsigned long lineno)
{
	char reason[256], why[EVENTTIME_WHY_MAX], iso[64];
	int64_t ms;

	if (ko->stamping && line_timestamp(ko, m->payload, m->len, &ms,
	    why) == 0) {
		format_iso8601_ms(ms, iso);
		snprintf(reason, sizeof(reason), "refused by the broker (%s), "
		    "timestamp %s", rd_kafka_err2str(m->err), iso);
	} else {
		snprintf(reason, sizeof(reason), "refused by the broker (%s)",
		    rd_kafka_err2str(m->err));
	}
	rejects_add(&ko->rejects, "<stdin>", lineno, m->payload, m->len,
	    reason);
	ko->refused++;
}

/*
 * -E: the envelope line of a message in flight, its opaque, for the
 * rejects file should it not be delivered (the message holds only what
 * the envelope decoded to).
 */
struct envelope_line {
	unsigned long	 lineno;
	size_t		 len;
	char		 line[];
};

static struct envelope_line *
envelope_line_new(unsigned long lineno, const char *line, size_t len)
{
	struct envelope_line *el;

	el = xmalloc(sizeof(*el) + len);
	el->lineno = lineno;
	el->len = len;
	memcpy(el->line, line, len);
	return el;
}

/*
 * A line that was not delivered: named on stderr (the first 100), counted
 * as failed, and kept in the --rejects file with its reason, so that it
 * can be produced again.
 */
static void
not_delivered(struct kout *ko, unsigned long lineno, const char *line,
    size_t len, const char *what, const char *topic, rd_kafka_resp_err_t e)
{
	char reason[512];

	snprintf(reason, sizeof(reason), "%s %s: %s", what, topic,
	    rd_kafka_err2str(e));
	if (ko->failed < FAILED_SHOWN)
		ko->failed_lines[ko->failed] = lineno;
	ko->failed++;
	if (ko->failed <= 100)
		warnx("<stdin>:%lu: %s", lineno, reason);
	if (line != NULL)
		rejects_keep(&ko->rejects, "<stdin>", lineno, line, len,
		    reason);
}

static void
on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct kout *ko = opaque;
	struct envelope_line *el = ko->envelope ? m->_private : NULL;
	unsigned long lineno = el != NULL ? el->lineno :
	    (unsigned long)(uintptr_t)m->_private;
	/* Outside -E and --eos, a message is its line, and can be set aside. */
	int is_line = !ko->envelope && !ko->eos_mode;

	(void)rk;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		ko->delivered++;
		free(el);
		return;
	}
	/* Not allowed to write (authorisation): read no more, exit 2. */
	if (kconf_refusal(m->err))
		kp_stop_signal = -1;
	/*
	 * The broker refused the line itself: alone in its batch, or named
	 * among several refused (INVALID_RECORD). Otherwise the batch is to
	 * blame and the line goes again (retry.h). A batch too large for
	 * the topic's max.message.bytes is refused whole as well, good lines
	 * and all; halves of it get through.
	 */
	if (is_line && (m->err == RD_KAFKA_RESP_ERR_INVALID_RECORD ||
	    (ko->alone && batch_refusal(m->err)))) {
		refused(ko, m, lineno);
		return;
	}
	if (is_line && batch_refusal(m->err) &&
	    rd_kafka_message_status(m) == RD_KAFKA_MSG_STATUS_NOT_PERSISTED) {
		retry_keep(&ko->retry, m);
		ko->accepted--;		/* until it is produced again */
		return;
	}
	if (is_line) {
		not_delivered(ko, lineno, m->payload, m->len, "not delivered to",
		    rd_kafka_topic_name(m->rkt), m->err);
	} else if (el != NULL) {
		not_delivered(ko, lineno, el->line, el->len, "not delivered to",
		    rd_kafka_topic_name(m->rkt), m->err);
		free(el);
	} else {
		/*
		 * --eos: its transaction cannot commit; it aborts, and the
		 * line is read again from the offsets committed before.
		 */
		not_delivered(ko, lineno, NULL, 0, "not delivered to",
		    rd_kafka_topic_name(m->rkt), m->err);
	}
}

static void
on_error(rd_kafka_t *rk, int code, const char *reason, void *opaque)
{
	(void)opaque;
	/* Refused: read no more; what was read is still reported on. */
	if (kconf_error(rk, code, reason))
		kp_stop_signal = -1;
}

static rd_kafka_topic_t *
topic_handle(struct kout *ko, const char *name)
{
	int i;

	for (i = 0; i < ko->ntopics; i++)
		if (strcmp(ko->topics[i].name, name) == 0)
			return ko->topics[i].rkt;
	if (ko->ntopics == TOPIC_CACHE) {
		/* Many topics: drop the oldest handle; librdkafka keeps the topic. */
		free(ko->topics[0].name);
		rd_kafka_topic_destroy(ko->topics[0].rkt);
		memmove(&ko->topics[0], &ko->topics[1],
		    sizeof(ko->topics[0]) * (TOPIC_CACHE - 1));
		ko->ntopics--;
	}
	i = ko->ntopics++;
	ko->topics[i].name = xstrdup(name);
	ko->topics[i].rkt = rd_kafka_topic_new(ko->rk, name, NULL);
	return ko->topics[i].rkt;
}

/* A jq expression's result as bytes: strings as they are, others as JSON. */
static char *
expr_bytes(jv v, size_t *len)
{
	char *out;

	if (jv_get_kind(v) != JV_KIND_STRING)
		v = jv_dump_string(v, 0);
	*len = (size_t)jv_string_length_bytes(jv_copy(v));
	out = xmalloc(*len + 1);
	memcpy(out, jv_string_value(v), *len + 1);
	jv_free(v);
	return out;
}

/* The reason for a line the -k or -T expression cannot take. */
static jv
expr_failed(jv result, const char *option, const char *what)
{
	jv msg = jv_invalid_get_msg(result);

	if (jv_get_kind(msg) == JV_KIND_STRING)
		return msg;
	jv_free(msg);
	return jv_string_fmt("%s: %s", option, what);
}

/*
 * Runs -T and -k on the record: the line, or under -E and --eos the value
 * it carries, which need not be JSON (value_text, base64, _kp_text; NULL
 * for none). A topic from -T goes to *topic (else NULL), a key from -k to
 * *key, replacing the envelope's (NULL for a null key). Returns 0, or -1
 * with the reason in *why. Only text json_validate accepted goes to jq.
 */
static int
record_exprs(struct kout *ko, const void *value, size_t value_len,
    char **topic, size_t *topic_len, char **key, size_t *key_len, jv *why)
{
	const char *option = ko->key_expr == NULL ? "-T" :
	    ko->topic_expr == NULL ? "-k" : "-k and -T", *reason;
	jv rec, t, k;

	*topic = NULL;
	if (value == NULL) {
		rec = jv_null();
	} else if (json_validate(value, value_len, &reason) != 0) {
		*why = jv_string_fmt("%s: the record's value is not JSON (%s)",
		    option, reason);
		return -1;
	} else if (!jv_is_valid(rec = jqexpr_parse(value, value_len))) {
		*why = expr_failed(rec, option, "jq cannot read the record");
		return -1;
	}
	if (ko->topic_expr != NULL) {
		t = jqexpr_first(ko->topic_expr, jv_copy(rec));
		if (!jv_is_valid(t)) {
			*why = expr_failed(t, "-T", "the expression failed");
			jv_free(rec);
			return -1;
		}
		if (jv_get_kind(t) != JV_KIND_STRING) {
			*why = jv_string_fmt("-T: the expression gave %s, not a "
			    "string", jv_kind_name(jv_get_kind(t)));
			jv_free(t);
			jv_free(rec);
			return -1;
		}
		*topic = expr_bytes(t, topic_len);
	}
	if (ko->key_expr != NULL) {
		k = jqexpr_first(ko->key_expr, jv_copy(rec));
		if (!jv_is_valid(k)) {
			*why = expr_failed(k, "-k", "the expression failed");
			jv_free(rec);
			free(*topic);
			*topic = NULL;
			return -1;
		}
		free(*key);
		*key = NULL;
		*key_len = 0;
		if (jv_get_kind(k) == JV_KIND_NULL)
			jv_free(k);
		else
			*key = expr_bytes(k, key_len);
	}
	jv_free(rec);
	return 0;
}

/* One failure to enqueue: reported, counted as failed, the line kept. */
static void
enqueue_failed(struct kout *ko, unsigned long lineno, const char *line,
    size_t len, const char *topic, rd_kafka_resp_err_t e)
{
	not_delivered(ko, lineno, line, len, "not produced to", topic, e);
	/* Not allowed to write (authorisation): read no more, exit 2. */
	if (kconf_refusal(e))
		kp_stop_signal = -1;
}

/*
 * Produces one message, waiting while librdkafka's queue is full: input is
 * held back, never dropped. Returns 0, or -1 after reporting the line,
 * line[0..len), which goes to the rejects file.
 */
static int
produce(struct kout *ko, unsigned long lineno, const char *line, size_t len,
    const char *topic,
    int32_t partition, const void *value, size_t value_len, const void *key,
    size_t key_len, rd_kafka_headers_t **headers, int64_t timestamp)
{
	rd_kafka_topic_t *rkt = topic_handle(ko, topic);
	rd_kafka_resp_err_t e;
	void *opaque = (void *)(uintptr_t)lineno;

	if (ko->envelope)
		opaque = envelope_line_new(lineno, line, len);
	for (;;) {
		e = rd_kafka_producev(ko->rk,
		    RD_KAFKA_V_RKT(rkt),
		    RD_KAFKA_V_PARTITION(partition),
		    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		    RD_KAFKA_V_VALUE((void *)value, value_len),
		    RD_KAFKA_V_KEY(key, key_len),
		    RD_KAFKA_V_HEADERS(*headers),
		    RD_KAFKA_V_TIMESTAMP(timestamp > 0 ? timestamp : 0),
		    RD_KAFKA_V_OPAQUE(opaque),
		    RD_KAFKA_V_END);
		if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
			break;
		rd_kafka_poll(ko->rk, 50);
	}
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		/* Never accepted: reported here, counted as failed. */
		enqueue_failed(ko, lineno, line, len, topic, e);
		if (ko->envelope)
			free(opaque);
		ko->accepted++;
		return -1;
	}
	*headers = NULL;	/* librdkafka owns them now */
	ko->accepted++;
	return 0;
}

/*
 * Waits until every message has its delivery report. Returns 0, or -1 if
 * a second stop signal gave up on the rest (then purged, and failed).
 */
static int
settle(struct kout *ko)
{
	while (rd_kafka_outq_len(ko->rk) > 0) {
		rd_kafka_flush(ko->rk, 100);
		if (kp_stop_count > ko->stop_seen && kp_stop_count > 1) {
			warnx("second signal: giving up on %d undelivered messages",
			    rd_kafka_outq_len(ko->rk) + (int)ko->retry.n);
			rd_kafka_purge(ko->rk, RD_KAFKA_PURGE_F_QUEUE |
			    RD_KAFKA_PURGE_F_INFLIGHT);
			rd_kafka_flush(ko->rk, 1000);
			return -1;
		}
	}
	return 0;
}

/*
 * Produces lines of a refused batch again, these alone in flight, and
 * keeps in out those refused again. Returns -1 if settle gave up.
 */
static int
retry_group(struct kout *ko, struct retry_line *lines, size_t n,
    struct retry_list *out)
{
	char why[EVENTTIME_WHY_MAX];
	int64_t timestamp;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		struct retry_line *r = &lines[i];

		/* Read once already, before the line was first produced. */
		if (!ko->stamping || line_timestamp(ko, r->value, r->value_len,
		    &timestamp, why) != 0)
			timestamp = 0;
		ko->alone = n == 1;
		produce(ko, r->lineno, r->value, r->value_len, r->topic,
		    r->partition, r->value, r->value_len, r->key, r->key_len,
		    &r->headers, timestamp);
	}
	rc = settle(ko);
	ko->alone = 0;
	retry_take(out, &ko->retry);
	return rc;
}

/*
 * Finds which lines of a refused batch the broker refused: each half is
 * produced on its own, and a half refused again is halved in turn, until
 * a refused group is one line, whose refusal is its own. A batch with one
 * bad line of n costs about 2 log2(n) round trips; the others are
 * delivered on the way, in their order. Returns -1 if settle gave up;
 * the lines not produced again are then back in ko->retry.
 */
static int
retry_halves(struct kout *ko, struct retry_line *lines, size_t n)
{
	struct retry_list again = { NULL, 0, 0 };
	size_t start[2] = { 0, n / 2 }, len[2] = { n / 2, n - n / 2 };
	int part, rc = 0;

	for (part = 0; part < 2; part++) {
		if (len[part] == 0)
			continue;
		if (rc != 0) {
			retry_move(&ko->retry, lines + start[part], len[part]);
			continue;
		}
		rc = retry_group(ko, lines + start[part], len[part], &again);
		if (rc == 0 && again.n > 0 && len[part] > 1)
			rc = retry_halves(ko, again.lines, again.n);
		else
			retry_take(&ko->retry, &again);
		retry_list_free(&again);
	}
	return rc;
}

/*
 * Settles what is in flight, then sorts out the refused batches kept by
 * on_delivery. Returns -1 if a second signal gave up: what is left in
 * ko->retry is then counted as failed by the caller.
 */
static int
retry_refused(struct kout *ko)
{
	struct retry_list todo = { NULL, 0, 0 };
	int rc = 0;

	while (rc == 0 && ko->retry.n > 0) {
		if ((rc = settle(ko)) != 0)
			break;
		retry_take(&todo, &ko->retry);
		rc = retry_halves(ko, todo.lines, todo.n);
		retry_list_free(&todo);
	}
	return rc;
}

/*
 * The topic's partitions that have a leader, looked up now and then; none
 * known (no such topic yet, no broker): nparts is 0 and lines go one at a
 * time through librdkafka's own partitioner.
 */
static void
parts_refresh(struct kout *ko)
{
	const struct rd_kafka_metadata *md;
	rd_kafka_topic_t *rkt = topic_handle(ko, ko->topic);
	int i, n = 0;

	ko->parts_at = mono_ms();
	if (rd_kafka_metadata(ko->rk, 0, rkt, &md, 2000) !=
	    RD_KAFKA_RESP_ERR_NO_ERROR)
		return;		/* keep what we knew */
	if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		const rd_kafka_metadata_topic_t *t = &md->topics[0];
		int32_t *parts = xreallocarray(NULL,
		    (size_t)t->partition_cnt + 1, sizeof(*parts));

		for (i = 0; i < t->partition_cnt; i++)
			if (t->partitions[i].leader >= 0)
				parts[n++] = t->partitions[i].id;
		free(ko->parts);
		ko->parts = parts;
		ko->nparts = n;
	} else {
		ko->nparts = 0;
	}
	rd_kafka_metadata_destroy(md);
}

/*
 * The batch's partition: -P's, or the sticky one, changed every STICKY_MS,
 * or under --eos with each transaction: a partition a transaction writes to
 * costs a round trip before its first message (AddPartitionsToTxn) and a
 * commit marker, and the broker's work grows with them.
 */
static int32_t
batch_partition(struct kout *ko, int64_t now)
{
	if (ko->partition != RD_KAFKA_PARTITION_UA)
		return ko->partition;
	if (ko->parts_at == 0 || now - ko->parts_at >= PARTS_REFRESH_MS)
		parts_refresh(ko);
	if (ko->nparts == 0)
		return RD_KAFKA_PARTITION_UA;
	if (ko->eos_mode) {
		if (ko->sticky_txn != ko->eos.txns || ko->sticky_at == 0) {
			ko->part_now = ko->parts[ko->part_next++ % ko->nparts];
			ko->sticky_txn = ko->eos.txns;
			ko->sticky_at = now;
		}
		return ko->part_now;
	}
	if (ko->sticky_at == 0 || now - ko->sticky_at >= STICKY_MS) {
		ko->part_now = ko->parts[ko->part_next++ % ko->nparts];
		ko->sticky_at = now;
	}
	return ko->part_now;
}

/* The batch's message i on its own (no key, no headers), waiting for room. */
static void
produce_one(struct kout *ko, int i, int32_t partition)
{
	const rd_kafka_message_t *m = &ko->batch[i];
	rd_kafka_headers_t *headers = NULL;

	produce(ko, (unsigned long)(uintptr_t)m->_private,
	    ko->batch_line[i].line, ko->batch_line[i].len, ko->topic, partition,
	    m->payload, m->len, NULL, 0, &headers, 0);
}

/*
 * Hands the batch to librdkafka (rd_kafka_produce_batch: one lock and one
 * clock reading for the lot, where rd_kafka_producev takes them for each
 * message). Waits first until librdkafka's queue has room for all of it.
 * Should some still be refused as QUEUE_FULL (a queue smaller than a batch,
 * in messages or bytes), they are the batch's tail: delivery reports, which
 * free room, are only served by this thread, so once full the queue stays
 * full for the rest of the call. The tail then goes one line at a time,
 * waiting for room, and the lines keep their order.
 */
static void
batch_flush(struct kout *ko)
{
	rd_kafka_topic_t *rkt;
	int32_t partition;
	int i, n = ko->nbatch, done;

	if (n == 0)
		return;
	ko->nbatch = 0;
	ko->batch_used = 0;	/* free again once this call returns */
	partition = batch_partition(ko, mono_ms());
	if (partition == RD_KAFKA_PARTITION_UA) {
		/* No partitions known: librdkafka's partitioner, line by line. */
		for (i = 0; i < n; i++)
			produce_one(ko, i, partition);
		return;
	}
	while (rd_kafka_outq_len(ko->rk) > 0 &&
	    rd_kafka_outq_len(ko->rk) + n > ko->queue_max)
		rd_kafka_poll(ko->rk, 10);
	rkt = topic_handle(ko, ko->topic);
	done = rd_kafka_produce_batch(rkt, partition, RD_KAFKA_MSG_F_COPY,
	    ko->batch, n);
	ko->accepted += (unsigned long)n;
	if (done == n)
		return;
	for (i = 0; i < n; i++) {
		rd_kafka_message_t *m = &ko->batch[i];

		if (m->err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			/* The tail (see above): waits for room in produce(). */
			ko->accepted--;
			produce_one(ko, i, partition);
		} else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			enqueue_failed(ko, (unsigned long)(uintptr_t)m->_private,
			    ko->batch_line[i].line, ko->batch_line[i].len,
			    ko->topic, m->err);
		}
	}
}

/*
 * Adds a message to the batch: value[0..value_len) of line[0..len), both
 * valid until the next read, which the batch is flushed before.
 */
static void
batch_add(struct kout *ko, const char *line, size_t len, const char *value,
    size_t value_len, unsigned long lineno)
{
	rd_kafka_message_t *m = &ko->batch[ko->nbatch];

	m->payload = (void *)value;
	m->len = value_len;
	m->_private = (void *)(uintptr_t)lineno;
	ko->batch_line[ko->nbatch].line = line;
	ko->batch_line[ko->nbatch].len = len;
	if (++ko->nbatch == BATCH_MAX)
		batch_flush(ko);
}

/*
 * --eos: adds a record's value to the batch, copied, since the next line's
 * value takes its place. Returns -1 if it is larger than the room there is.
 */
static int
batch_add_copy(struct kout *ko, const char *line, size_t len,
    const char *value, size_t value_len, unsigned long lineno)
{
	char *copy;

	if (value_len > BATCH_BYTES)
		return -1;
	if (ko->batch_used + value_len > BATCH_BYTES)
		batch_flush(ko);
	copy = ko->batch_bytes + ko->batch_used;
	memcpy(copy, value, value_len);
	ko->batch_used += value_len;
	batch_add(ko, line, len, copy, value_len, lineno);
	return 0;
}

/* eos.h's flush: the transaction commits the batch's lines with the rest. */
static void
eos_flush(void *arg)
{
	batch_flush(arg);
}

static void
handle_line(struct kout *ko, char *line, size_t len, unsigned long lineno)
{
	struct envelope env;
	const char *why, *topic = ko->topic;
	char *key = NULL, *topic_buf = NULL, why_topic[TOPIC_WHY_MAX];
	size_t key_len = 0, tlen;
	const void *value = line;
	size_t value_len = len;
	int32_t partition = ko->partition;
	rd_kafka_headers_t *headers = NULL;
	int64_t timestamp = 0;
	jv expr_why;

	memset(&env, 0, sizeof(env));
	/* Under --eos, eos_take validates it in its pass over the members. */
	if (!ko->eos_mode && json_validate(line, len, &why) != 0) {
		rejects_add(&ko->rejects, "<stdin>", lineno, line, len, why);
		return;
	}
	if (ko->batching && !ko->eos_mode) {
		batch_add(ko, line, len, line, len, lineno);
		return;
	}
	if (ko->eos_mode) {
		struct eos_record rec;

		if (eos_take(&ko->eos, line, len, &rec, &why) != 0) {
			rejects_add(&ko->rejects, "<stdin>", lineno, line, len,
			    why);
			return;
		}
		if (rec.position_only)
			return;
		if (ko->batching && rec.value != NULL &&
		    batch_add_copy(ko, line, len, rec.value, rec.value_len,
		    lineno) == 0) {
			free(rec.owned);
			return;
		}
		/* A tombstone or a large value: after the batch, in order. */
		batch_flush(ko);
		value = rec.value;
		value_len = rec.value_len;
		env.value = rec.owned;	/* freed with the envelope */
	} else if (ko->envelope) {
		if (envelope_parse(line, len, &env, &why) != 0) {
			rejects_add(&ko->rejects, "<stdin>", lineno, line, len,
			    why);
			return;
		}
		if (topic == NULL && ko->topic_expr == NULL)
			topic = env.topic;
		value = env.value;
		value_len = env.value_len;
		key = env.key;
		key_len = env.key_len;
		env.key = NULL;
		headers = env.headers;
		env.headers = NULL;
		timestamp = env.timestamp;
	}
	if (ko->stamping) {
		char why_ts[EVENTTIME_WHY_MAX];

		/* -E is refused with -t, so the line holds the record's time. */
		if (line_timestamp(ko, line, len, &timestamp, why_ts) != 0) {
			rejects_add(&ko->rejects, "<stdin>", lineno, line, len,
			    why_ts);
			goto done;
		}
	}
	if (ko->key_expr != NULL || ko->topic_expr != NULL) {
		if (record_exprs(ko, value, value_len, &topic_buf, &tlen, &key,
		    &key_len, &expr_why) != 0) {
			rejects_add(&ko->rejects, "<stdin>", lineno, line, len,
			    jv_string_value(expr_why));
			jv_free(expr_why);
			goto done;
		}
		if (topic_buf != NULL)
			topic = topic_buf;
	}
	if (topic == NULL) {
		rejects_add(&ko->rejects, "<stdin>", lineno, line, len,
		    "no topic for this line (give TOPIC, -T or an envelope topic)");
		goto done;
	}
	/*
	 * A name -T computed or an envelope gave (TOPIC was checked at
	 * start): a bad one is this line's fault, not a usage error.
	 */
	if (topic != ko->topic && topic_name_check(topic, topic == topic_buf ?
	    tlen : strlen(topic), why_topic) != 0) {
		rejects_add(&ko->rejects, "<stdin>", lineno, line, len,
		    why_topic);
		goto done;
	}
	produce(ko, lineno, line, len, topic, partition, value, value_len, key,
	    key_len, &headers, timestamp);
done:
	if (headers != NULL)
		rd_kafka_headers_destroy(headers);
	free(key);
	free(topic_buf);
	envelope_free(&env);
}

/* Reads stdin and produces until EOF, or a stop signal and its grace. */
static void
pump(struct kout *ko)
{
	struct line_reader lr;
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	char *line;
	size_t len;
	int r = 0;
	int64_t stop_deadline = 0;

	line_reader_init(&lr, STDIN_FILENO, "<stdin>");
	for (;;) {
		while (!ko->rejects.stopped &&
		    (r = line_reader_next(&lr, &line, &len)) == 1) {
			if (ko->eos_mode && lr.unterminated) {
				/* Cut off by a dying upstream: read again after a restart. */
				warnx("<stdin>:%lu: last line has no newline: not "
				    "produced, its offset not committed",
				    lr.lineno);
				ko->partial_line = 1;
				continue;
			}
			handle_line(ko, line, len, lr.lineno);
			if (ko->eos_mode && lr.lineno % EOS_CLOCK_LINES == 0 &&
			    eos_commit_wait(&ko->eos, mono_ms()) == 0)
				eos_commit(&ko->eos);
		}
		/* Before the buffer the lines point into is read into again. */
		batch_flush(ko);
		if (ko->eos_mode && eos_commit_wait(&ko->eos, mono_ms()) == 0)
			eos_commit(&ko->eos);
		if (r == -1)
			break;
		if (ko->rejects.stopped) {
			warnx("stopped at the first bad line (--strict)");
			break;
		}
		if (kp_stop_signal) {
			if (stop_deadline == 0)
				stop_deadline = mono_ms() + STOP_GRACE_MS;
			if (kp_stop_count > 1 || kconf_refused() ||
			    mono_ms() >= stop_deadline) {
				if (lr.end > lr.start)
					warnx("<stdin>:%lu: stopped with a partial line unread",
					    lr.lineno + 1);
				break;
			}
		}
		rd_kafka_poll(ko->rk, 0);
		if (ko->retry.n > 0 && !kp_stop_signal)
			retry_refused(ko);
		if (poll(&pfd, 1, ko->eos_mode ? eos_commit_wait(&ko->eos,
		    mono_ms()) : 100) < 0 && errno != EINTR)
			err(KP_EXIT_FAIL, "poll");
		if (pfd.revents == 0)
			continue;
		if (line_reader_fill(&lr) < 0 && errno != EINTR &&
		    errno != EAGAIN)
			err(KP_EXIT_FAIL, "stdin");
	}
	line_reader_free(&lr);
}

/*
 * Waits for every delivery report, with refused batches sorted out; a
 * signal during the wait (the second) gives up on the rest.
 */
static void
drain(struct kout *ko)
{
	size_t i;

	ko->stop_seen = kp_stop_count;
	if (settle(ko) == 0)
		retry_refused(ko);
	rd_kafka_poll(ko->rk, 0);
	/* Given up on: counted as accepted and failed, and named. */
	for (i = 0; i < ko->retry.n; i++) {
		ko->accepted++;
		enqueue_failed(ko, ko->retry.lines[i].lineno,
		    ko->retry.lines[i].value, ko->retry.lines[i].value_len,
		    ko->retry.lines[i].topic, RD_KAFKA_RESP_ERR__PURGE_QUEUE);
	}
	retry_list_free(&ko->retry);
}

/*
 * Connected: produces stdin to its end (or a stop), waits for every
 * delivery report and says what did not arrive. Returns the exit status.
 */
static int
produce_input(struct kout *ko, int64_t timeout_ms)
{
	char lines[256] = "";
	size_t off = 0;
	int i, status = KP_EXIT_OK;

	if (ko->eos_mode) {
		eos_init(&ko->eos, ko->rk, timeout_ms);
		ko->eos.flush = eos_flush;
		ko->eos.flush_arg = ko;
	}
	pump(ko);
	if (ko->eos_mode)
		eos_finish(&ko->eos);
	drain(ko);
	if (ko->partial_line)
		status = KP_EXIT_FAIL;

	if (ko->accepted != ko->delivered + ko->failed + ko->refused) {
		unsigned long lost = ko->accepted - ko->delivered - ko->failed -
		    ko->refused;

		warnx("%lu messages without a delivery report", lost);
		ko->failed += lost;
	}
	if (ko->failed > 0) {
		for (i = 0; i < FAILED_SHOWN && (unsigned long)i < ko->failed &&
		    off < sizeof(lines); i++)
			off += (size_t)snprintf(lines + off, sizeof(lines) - off,
			    "%s%lu", i > 0 ? ", " : "", ko->failed_lines[i]);
		warnx("%lu of %lu lines not delivered (lines %s%s)", ko->failed,
		    ko->accepted, lines, ko->failed > FAILED_SHOWN ? ", ..." : "");
		status = KP_EXIT_FAIL;
	}
	if (rejects_summary(&ko->rejects) != 0)
		status = KP_EXIT_FAIL;
	return status;
}

int
main(int argc, char *argv[])
{
	struct kout ko;
	struct kconf kc;
	rd_kafka_conf_t *conf;
	char errstr[512];
	const char *rejects_path = NULL, *key_prog = NULL, *topic_prog = NULL;
	const char *txn_id = NULL, *ts_path = NULL, *ts_unit = NULL;
	char txn_buf[512], why_topic[TOPIC_WHY_MAX];
	int ch, strict = 0, i, status = KP_EXIT_OK;
	int64_t connect_timeout = 30000;

	memset(&ko, 0, sizeof(ko));
	ko.partition = RD_KAFKA_PARTITION_UA;
	kconf_init(&kc);
	while ((ch = getopt_long(argc, argv, KCONF_OPTSTRING "Ehk:P:SVt:T:z:",
	    longopts, NULL)) != -1) {
		if (kconf_option(&kc, ch, optarg))
			continue;
		switch (ch) {
		case 'E':
			ko.envelope = 1;
			break;
		case 'k':
			key_prog = optarg;
			break;
		case 'T':
			topic_prog = optarg;
			break;
		case 't':
			ts_path = optarg;
			break;
		case OPT_TS_UNIT:
			ts_unit = optarg;
			if (eventtime_unit_us(ts_unit) < 0)
				errx(KP_EXIT_USAGE, "--ts-unit %s: not s, ms or us",
				    ts_unit);
			break;
		case 'P':
			ko.partition = (int32_t)opt_whole("-P", optarg, 0,
			    INT32_MAX);
			break;
		case 'z':
			kconf_set(kc.conf, "compression.codec", optarg);
			break;
		case OPT_REJECTS:
			rejects_path = optarg;
			break;
		case 'S':
			strict = 1;
			break;
		case OPT_CONNECT_TIMEOUT:
			connect_timeout = opt_duration_ms("--connect-timeout",
			    optarg);
			break;
		case OPT_EOS:
			ko.eos_mode = 1;
			break;
		case OPT_TXN_ID:
			txn_id = optarg;
			break;
		default:
			opt_default(ch, usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (ko.eos_mode && ko.envelope)
		errx(KP_EXIT_USAGE, "--eos and -E do not go together");
	if (txn_id != NULL && !ko.eos_mode)
		errx(KP_EXIT_USAGE, "--txn-id goes with --eos");
	if (ts_path != NULL && ko.envelope)
		errx(KP_EXIT_USAGE, "-t and -E do not go together: the envelope "
		    "has the timestamp");
	if (ts_unit != NULL && ts_path == NULL)
		errx(KP_EXIT_USAGE, "--ts-unit goes with -t");
	if (ts_path != NULL) {
		if (eventtime_init(&ko.ts, ts_path, ts_unit) != 0)
			errx(KP_EXIT_USAGE, "-t %s: not a path like .ts or .a.b",
			    ts_path);
		ko.stamping = 1;
	}
	if (argc > 1 || (argc == 1 && topic_prog != NULL) ||
	    (argc == 0 && topic_prog == NULL && !ko.envelope)) {
		usage(stderr);
		if (ko.stamping)
			eventtime_free(&ko.ts);
		kconf_free(&kc);
		return KP_EXIT_USAGE;
	}
	if (argc == 1) {
		ko.topic = argv[0];
		if (topic_name_check(ko.topic, strlen(ko.topic), why_topic) != 0)
			errx(KP_EXIT_USAGE, "%s", why_topic);
	}
	if (key_prog != NULL)
		ko.key_expr = jqexpr_compile(key_prog, "-k");
	if (topic_prog != NULL)
		ko.topic_expr = jqexpr_compile(topic_prog, "-T");

	/* Idempotent, acks=all: no duplicates from retries, nothing half-acked. */
	kconf_default(&kc, "enable.idempotence", "true");
	kconf_default(&kc, "acks", "all");
	kconf_default(&kc, "linger.ms", "5");
	if (ko.eos_mode) {
		/*
		 * A stable id: the same command restarted fences the old
		 * producer and aborts what it left open.
		 */
		if (txn_id == NULL) {
			snprintf(txn_buf, sizeof(txn_buf), "kpipes-kout:%s",
			    argc == 1 ? argv[0] : topic_prog);
			txn_id = txn_buf;
		}
		kconf_set(kc.conf, "transactional.id", txn_id);
	}
	conf = kconf_finish(&kc);
	/*
	 * rd_kafka_produce_batch stamps its messages with the producer's
	 * clock: -t goes message by message.
	 */
	ko.batching = !ko.envelope && !ko.stamping &&
	    ko.key_expr == NULL && ko.topic_expr == NULL && ko.topic != NULL;
	if (ko.batching && ko.eos_mode)
		ko.batch_bytes = xmalloc(BATCH_BYTES);
	{
		char v[32];
		size_t vlen = sizeof(v);

		ko.queue_max = 100000;
		if (rd_kafka_conf_get(conf, "queue.buffering.max.messages", v,
		    &vlen) == RD_KAFKA_CONF_OK && atoi(v) > 0)
			ko.queue_max = atoi(v);
	}
	rd_kafka_conf_set_opaque(conf, &ko);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_error_cb(conf, on_error);
	if ((ko.rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
	    sizeof(errstr))) == NULL)
		errx(KP_EXIT_USAGE, "%s", errstr);

	kp_signals_install();
	rejects_open(&ko.rejects, rejects_path, strict);
	ko.rejects.defer_exit = 1;
	switch (kconf_wait_for_brokers(ko.rk, connect_timeout)) {
	case 0:
		status = produce_input(&ko, connect_timeout);
		break;
	case -1:
		status = KP_EXIT_FAIL;
		break;
	case -2:
		status = KP_EXIT_USAGE;
		break;
	}
	if (rejects_close(&ko.rejects) != 0)
		status = KP_EXIT_FAIL;
	if (kconf_refused())
		status = KP_EXIT_USAGE;
	for (i = 0; i < ko.ntopics; i++) {
		free(ko.topics[i].name);
		rd_kafka_topic_destroy(ko.topics[i].rkt);
	}
	if (ko.eos_mode)
		eos_free(&ko.eos);
	jqexpr_free(ko.key_expr);
	jqexpr_free(ko.topic_expr);
	if (ko.stamping)
		eventtime_free(&ko.ts);
	retry_list_free(&ko.retry);
	free(ko.parts);
	free(ko.batch_bytes);
	rd_kafka_destroy(ko.rk);
	return status;
}
