/*
 * kin: Kafka topics to NDJSON on stdout, one message one line. With a
 * consumer group, an offset is committed only after its line was read
 * from the pipe by the next program (taken.h).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "eos.h"
#include "eventtime.h"
#include "group.h"
#include "kconf.h"
#include "kin.h"
#include "kp.h"
#include "lineio.h"
#include "message.h"
#include "opt.h"
#include "order.h"
#include "parts.h"
#include "signals.h"
#include "taken.h"
#include "timeparse.h"
#include "topicname.h"
#include "xalloc.h"

/* Under load stdout is flushed, and offsets stored, at least this often. */
#define FLUSH_INTERVAL_MS	100
/* librdkafka 2.4 made the fetch queue's back-off a setting (kin(1)). */
#define KIN_FETCH_BACKOFF_VERSION	0x02040000
#define KIN_FETCH_BACKOFF_MS		"10"
#define KIN_QUEUED_MIN			"20000"
#define KIN_METADATA_REFRESH_MS		"1000"
/* --order time: how long a partition with unread records may hold the rest. */
#define KIN_MAX_HOLD_MS		5000
/*
 * --order time: a fetch that finds nothing new is held by the broker this
 * long, not librdkafka's 500 ms; a partition emptied while such a fetch
 * was out waits for it (kin(1), Order).
 */
#define KIN_FETCH_WAIT_MS	"50"
/*
 * A group's session: a member that stops without a word is given up after
 * this long, not librdkafka's 45 s (6 s is the least a Kafka broker takes
 * by default), and the embedded broker makes a member joining after
 * another left wait 1 s less than it (kin(1), Joining and leaving).
 */
#define KIN_SESSION_TIMEOUT_MS	"6000"
#define KIN_HEARTBEAT_MS	"1000"

enum {
	OPT_CONNECT_TIMEOUT = 256, OPT_DRAIN_TIMEOUT, OPT_EOS, OPT_MAX_HOLD,
	OPT_ORDER, OPT_TS_UNIT
};

static const struct option longopts[] = {
	KCONF_LONGOPTS,
	{ "group",           required_argument, NULL, 'g' },
	{ "offset",          required_argument, NULL, 'o' },
	{ "exit",            no_argument,       NULL, 'e' },
	{ "count",           required_argument, NULL, 'c' },
	{ "partition",       required_argument, NULL, 'p' },
	{ "envelope",        no_argument,       NULL, 'E' },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "eos",             no_argument,       NULL, OPT_EOS },
	{ "drain-timeout",   required_argument, NULL, OPT_DRAIN_TIMEOUT },
	{ "max-hold",        required_argument, NULL, OPT_MAX_HOLD },
	{ "order",           required_argument, NULL, OPT_ORDER },
	{ "ts",              required_argument, NULL, 't' },
	{ "ts-unit",         required_argument, NULL, OPT_TS_UNIT },
	OPT_LONGOPTS_HELP_VERSION,
	{ NULL, 0, NULL, 0 }
};


static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: kin [-EehV] [-b brokers] [-c count] [-F file] [-g group]\n"
	    "           [-o offset] [-p partitions] [-t path] [-X key=value]\n"
	    "           [--connect-timeout dur] [--drain-timeout dur] [--eos]\n"
	    "           [--max-hold dur] [--order time | fetch] [--ts-unit unit]\n"
	    "           topic ...\n");
}

static void
parse_offset(struct kin *ki, const char *s)
{
	uint64_t v;
	int tail = s[0] == '-';

	if (strcmp(s, "beginning") == 0) {
		ki->offset_kind = OFS_BEGINNING;
		return;
	}
	if (strcmp(s, "end") == 0) {
		ki->offset_kind = OFS_END;
		return;
	}
	if (strcmp(s, "stored") == 0) {
		ki->offset_kind = OFS_STORED;
		return;
	}
	if (*s == '@') {
		if (parse_time_ms(s + 1, &ki->offset_value) != 0)
			errx(KP_EXIT_USAGE, "-o %s: not a time", s);
		ki->offset_kind = OFS_TIME;
		return;
	}
	if (parse_whole(s + tail, 0, INT64_MAX, &v) != 0)
		errx(KP_EXIT_USAGE, "-o %s: not an offset: beginning, end, "
		    "stored, n, -n or @time", s);
	ki->offset_kind = tail ? OFS_TAIL : OFS_ABS;
	ki->offset_value = (int64_t)v;
}

/* Parses "0,2,5-7". */
static void
parse_partitions(struct kin *ki, const char *s)
{
	char *copy, *tok, *dash, *save = NULL;
	uint64_t lo, hi;

	copy = xstrdup(s);
	ki->only_parts = xcalloc(MAX_PARTITIONS, sizeof(int32_t));
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((dash = strchr(tok, '-')) != NULL)
			*dash++ = '\0';
		if (parse_whole(tok, 0, MAX_PARTITIONS - 1, &lo) != 0 ||
		    parse_whole(dash != NULL ? dash : tok, lo,
		    MAX_PARTITIONS - 1, &hi) != 0 ||
		    ki->nonly_parts + (hi - lo + 1) > MAX_PARTITIONS)
			break;
		for (; lo <= hi; lo++)
			ki->only_parts[ki->nonly_parts++] = (int32_t)lo;
	}
	if (tok != NULL || ki->nonly_parts == 0)
		errx(KP_EXIT_USAGE, "-p %s: not a partition list like 0,2,5-7 "
		    "(partitions 0 to %d)", s, MAX_PARTITIONS - 1);
	free(copy);
}

static int
wanted_partition(const struct kin *ki, int32_t p)
{
	int i;

	if (ki->only_parts == NULL)
		return 1;
	for (i = 0; i < ki->nonly_parts; i++)
		if (ki->only_parts[i] == p)
			return 1;
	return 0;
}

static void
on_error(rd_kafka_t *rk, int code, const char *reason, void *opaque)
{
	struct kin *ki = opaque;

	/* A refusal (exit 2) or a fatal error: stop. */
	if (kconf_error(rk, code, reason) || code == RD_KAFKA_RESP_ERR__FATAL) {
		ki->failed = 1;
		kp_stop_signal = -1;
	}
}

/* A setting's value, or "" if this librdkafka has no such setting. */
static const char *
conf_value(rd_kafka_conf_t *conf, const char *key, char *buf, size_t size)
{
	return rd_kafka_conf_get(conf, key, buf, &size) == RD_KAFKA_CONF_OK ?
	    buf : "";
}

/* Without a group: assign every (or each -p) partition of the topics. */
static void
assign_topics(struct kin *ki, char **topics, int ntopics, int64_t timeout_ms)
{
	rd_kafka_topic_partition_list_t *list;
	rd_kafka_resp_err_t e;
	int t, i;

	list = rd_kafka_topic_partition_list_new(16);
	for (t = 0; t < ntopics; t++) {
		const struct rd_kafka_metadata *md;
		rd_kafka_topic_t *rkt = rd_kafka_topic_new(ki->rk, topics[t], NULL);

		e = rd_kafka_metadata(ki->rk, 0, rkt, &md, (int)timeout_ms);
		rd_kafka_topic_destroy(rkt);
		if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
			errx(KP_EXIT_FAIL, "%s: %s", topics[t], rd_kafka_err2str(e));
		if (md->topic_cnt != 1 || md->topics[0].err !=
		    RD_KAFKA_RESP_ERR_NO_ERROR || md->topics[0].partition_cnt == 0)
			errx(md->topic_cnt == 1 &&
			    kconf_refusal(md->topics[0].err) ? KP_EXIT_USAGE :
			    KP_EXIT_FAIL, "%s: %s", topics[t], md->topic_cnt == 1 &&
			    md->topics[0].err ? rd_kafka_err2str(md->topics[0].err) :
			    "no such topic");
		for (i = 0; i < md->topics[0].partition_cnt; i++) {
			int32_t p = md->topics[0].partitions[i].id;

			if (wanted_partition(ki, p))
				rd_kafka_topic_partition_list_add(list,
				    topics[t], p);
		}
		rd_kafka_metadata_destroy(md);
	}
	if (list->cnt == 0)
		errx(KP_EXIT_USAGE, "-p: no such partition");
	apply_offsets(ki, list);
	parts_set(ki, list);
	if ((e = rd_kafka_assign(ki->rk, list)) != RD_KAFKA_RESP_ERR_NO_ERROR)
		errx(KP_EXIT_FAIL, "cannot assign partitions: %s",
		    rd_kafka_err2str(e));
	rd_kafka_topic_partition_list_destroy(list);
}


/*
 * Takes messages in batches of up to KIN_BATCH (one call, one look at the
 * clock for each batch rather than each message); each batch is written
 * whole unless told to stop, and what was not written is not stored.
 */
static void
consume(struct kin *ki)
{
	rd_kafka_message_t *batch[KIN_BATCH];
	rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(ki->rk);
	ssize_t i, n;
	int stop = 0;

	if (q == NULL)
		errx(KP_EXIT_FAIL, "no consumer queue");
	ki->last_flush = mono_ms();
	while (!stop && !kp_stop_signal && !ki->stdout_gone) {
		/*
		 * What is there now; nothing there: flush, then wait for the
		 * first message alone (a batch call would wait out its whole
		 * time-out to fill up: latency) and take the rest with it.
		 */
		n = rd_kafka_consume_batch_queue(q, 0, batch, KIN_BATCH);
		if (n <= 0 && ki->dirty) {
			flush_and_store(ki);
			continue;
		}
		if (n <= 0) {
			join_note(ki);
			if ((batch[0] = rd_kafka_consumer_poll(ki->rk,
			    100)) == NULL) {
				store_idle(ki);
				continue;
			}
			n = rd_kafka_consume_batch_queue(q, 0, batch + 1,
			    KIN_BATCH - 1);
			n = n < 0 ? 1 : n + 1;
		}
		for (i = 0; i < n; i++) {
			unsigned long before = ki->written;

			if (!stop)
				stop = take_message(ki, batch[i]);
			/* Taken, not written (a stop): not done. */
			if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR &&
			    ki->written == before)
				ki->dropped = 1;
			rd_kafka_message_destroy(batch[i]);
		}
		if (mono_ms() - ki->last_flush >= FLUSH_INTERVAL_MS)
			flush_and_store(ki);
	}
	flush_and_store(ki);
	rd_kafka_queue_destroy(q);
}


/*
 * --order time: the events of the consumer's own queue (rebalances,
 * errors) are served between steps; the messages come from each
 * partition's queue, merged. Waiting is on the wake pipe, which each
 * queue writes to when it gets something.
 */
static void
consume_merged(struct kin *ki)
{
	rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(ki->rk);
	rd_kafka_message_t *m;
	struct pollfd pfd;
	char drain[64];
	int64_t wait_ms;
	int rc = 0;

	if (q == NULL)
		errx(KP_EXIT_FAIL, "no consumer queue");
	rd_kafka_queue_io_event_enable(q, ki->wake[1], "1", 1);
	ki->last_flush = mono_ms();
	while (rc >= 0 && !kp_stop_signal && !ki->stdout_gone) {
		while (rc >= 0 && (m = rd_kafka_consumer_poll(ki->rk, 0)) != NULL) {
			/* Errors; a message only before its queue was set. */
			if (take_message(ki, m))
				rc = -1;
			rd_kafka_message_destroy(m);
		}
		if (rc < 0 || (ki->exit_at_end && all_at_end(ki)))
			break;
		if ((rc = merge_step(ki, &wait_ms)) > 0) {
			if (mono_ms() - ki->last_flush >= FLUSH_INTERVAL_MS)
				flush_and_store(ki);
			continue;
		}
		if (rc < 0)
			break;
		if (ki->dirty)
			flush_and_store(ki);
		else
			store_idle(ki);
		join_note(ki);
		pfd.fd = ki->wake[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, wait_ms >= 0 && wait_ms < 100 ?
		    (int)wait_ms + 1 : 100) > 0)
			while (read(ki->wake[0], drain, sizeof(drain)) > 0)
				;
	}
	flush_and_store(ki);
	rd_kafka_queue_io_event_enable(q, -1, NULL, 0);
	rd_kafka_queue_destroy(q);
}


/*
 * Connected: reads the topics, in a group or from the partitions assigned
 * here, until the end (-e, -c), a signal or a closed pipe; hands what was
 * read over and leaves. Returns 0, or -1 if the leave had no answer.
 */
static int
read_topics(struct kin *ki, char **topics, int ntopics, int64_t timeout_ms)
{
	rd_kafka_topic_partition_list_t *subs;
	int i, rc;

	if (ki->group != NULL) {
		subs = rd_kafka_topic_partition_list_new(ntopics);
		for (i = 0; i < ntopics; i++)
			rd_kafka_topic_partition_list_add(subs, topics[i],
			    RD_KAFKA_PARTITION_UA);
		if (rd_kafka_subscribe(ki->rk, subs) != RD_KAFKA_RESP_ERR_NO_ERROR)
			errx(KP_EXIT_FAIL, "cannot subscribe");
		rd_kafka_topic_partition_list_destroy(subs);
		ki->joining_since = mono_ms();
	} else {
		assign_topics(ki, topics, ntopics, timeout_ms);
	}

	if (ki->merge)
		consume_merged(ki);
	else
		consume(ki);

	if (ki->eos_mode) {
		/*
		 * consume() flushed what it wrote. Drain while still a member:
		 * the consumer cannot fetch offsets once closing.
		 */
		kin_eos_drain(ki);
		ki->closing = 1;
	}
	if (ki->tracking) {
		/* What the next program read, also after it closed the pipe. */
		wait_read(ki);
		commit_now(ki);
		ki->closing = 1;
	}
	rc = consumer_close(ki);
	if (ki->replaced > 0)
		warnx("%lu value%s rewritten to fit on one line, %lu with bytes "
		    "that are not UTF-8 replaced by U+FFFD: kin -E keeps every "
		    "byte", ki->rewritten, ki->rewritten == 1 ? "" : "s",
		    ki->replaced);
	else if (ki->rewritten > 0)
		warnx("%lu value%s rewritten to fit on one line: kin -E keeps "
		    "every byte", ki->rewritten, ki->rewritten == 1 ? "" : "s");
	if (ki->untimed > 1)
		warnx("%lu records whose %s is no time merged at their Kafka "
		    "timestamps", ki->untimed, ki->ts.path.text);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct kin ki;
	struct kconf kc;
	rd_kafka_conf_t *conf;
	char errstr[512], why_topic[TOPIC_WHY_MAX], val[256];
	int ch, i, closed, status = KP_EXIT_OK;
	int64_t connect_timeout = 30000;
	const char *ts_path = EVENTTIME_DEFAULT_PATH, *ts_unit = NULL;

	memset(&ki, 0, sizeof(ki));
	ki.drain_ms = 10000;
	ki.merge = 1;
	ki.max_hold_ms = KIN_MAX_HOLD_MS;
	kconf_init(&kc);
	while ((ch = getopt_long(argc, argv, KCONF_OPTSTRING "c:Eeg:ho:p:t:V",
	    longopts, NULL)) != -1) {
		if (kconf_option(&kc, ch, optarg))
			continue;
		switch (ch) {
		case 'c':
			ki.count_limit = opt_whole("-c", optarg, 1, UINT64_MAX);
			break;
		case 'E':
			ki.envelope = 1;
			break;
		case 'e':
			ki.exit_at_end = 1;
			break;
		case 'g':
			ki.group = optarg;
			break;
		case 'o':
			parse_offset(&ki, optarg);
			break;
		case 'p':
			parse_partitions(&ki, optarg);
			break;
		case OPT_CONNECT_TIMEOUT:
			connect_timeout = opt_duration_ms("--connect-timeout",
			    optarg);
			break;
		case OPT_EOS:
			ki.eos_mode = 1;
			break;
		case OPT_DRAIN_TIMEOUT:
			ki.drain_ms = opt_duration_ms("--drain-timeout", optarg);
			break;
		case 't':
			ts_path = optarg;
			break;
		case OPT_TS_UNIT:
			ts_unit = optarg;
			break;
		case OPT_ORDER:
			if (strcmp(optarg, "time") == 0)
				ki.merge = 1;
			else if (strcmp(optarg, "fetch") == 0)
				ki.merge = 0;
			else
				errx(KP_EXIT_USAGE, "--order %s: not time or fetch",
				    optarg);
			break;
		case OPT_MAX_HOLD:
			ki.max_hold_ms = opt_duration_ms("--max-hold", optarg);
			break;
		default:
			opt_default(ch, usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (eventtime_unit_us(ts_unit) < 0)
		errx(KP_EXIT_USAGE, "--ts-unit %s: not s, ms or us", ts_unit);
	if (eventtime_init(&ki.ts, ts_path, ts_unit) != 0)
		errx(KP_EXIT_USAGE, "-t %s: not a path like .ts or .a.b", ts_path);
	if (argc < 1) {
		usage(stderr);
		eventtime_free(&ki.ts);
		kconf_free(&kc);
		return KP_EXIT_USAGE;
	}
	for (i = 0; i < argc; i++)
		if (topic_name_check(argv[i], strlen(argv[i]), why_topic) != 0)
			errx(KP_EXIT_USAGE, "%s", why_topic);
	if (ki.group != NULL && ki.only_parts != NULL)
		errx(KP_EXIT_USAGE, "-p and -g: a group assigns partitions itself");
	if (ki.group == NULL && ki.offset_kind == OFS_STORED)
		errx(KP_EXIT_USAGE, "-o stored needs a group (-g)");
	if (ki.eos_mode && (ki.group == NULL || ki.envelope ||
	    (ki.offset_kind != OFS_DEFAULT && ki.offset_kind != OFS_BEGINNING &&
	    ki.offset_kind != OFS_END)))
		errx(KP_EXIT_USAGE, "--eos needs -g, and takes neither -E nor "
		    "-o other than beginning or end");

	/* The merge learns from a partition's end that it is caught up. */
	if (ki.merge)
		kconf_set(kc.conf, "enable.partition.eof", "true");
	else
		kconf_default(&kc, "enable.partition.eof", ki.exit_at_end ?
		    "true" : "false");
	if (ki.merge) {
		/*
		 * Not with --eos: kin --eos -e of a join's faster input then
		 * leaves its group so soon that kout's next commit of that
		 * input's resume offset (which moves while the other input is
		 * joined) is refused, UNKNOWN_MEMBER (eos.bats, 2 in 5 runs).
		 */
		if (!ki.eos_mode)
			kconf_default(&kc, "fetch.wait.max.ms", KIN_FETCH_WAIT_MS);
		if (pipe2(ki.wake, O_NONBLOCK | O_CLOEXEC) != 0)
			err(KP_EXIT_FAIL, "pipe");
	} else {
		ki.wake[0] = ki.wake[1] = -1;
	}
	if (rd_kafka_version() >= KIN_FETCH_BACKOFF_VERSION) {
		/*
		 * A full pre-fetch queue (a pipe slower than the broker) holds
		 * the fetcher back 10 ms, not librdkafka's second; the queue
		 * then needs no second of input in it, and is kept small.
		 */
		kconf_default(&kc, "fetch.queue.backoff.ms", KIN_FETCH_BACKOFF_MS);
		kconf_default(&kc, "queued.min.messages", KIN_QUEUED_MIN);
		/*
		 * Its consumers no longer create a topic they ask for; a
		 * topic made after kin subscribed (by the kout that feeds
		 * it) is then found at the next refresh: 1 s, not 5 min.
		 */
		kconf_default(&kc, "topic.metadata.refresh.interval.ms",
		    KIN_METADATA_REFRESH_MS);
	}
	if (ki.eos_mode) {
		/*
		 * kout --eos commits the offsets in its transactions; read only
		 * what other transactions committed.
		 */
		kconf_set(kc.conf, "enable.auto.commit", "false");
		kconf_set(kc.conf, "isolation.level", "read_committed");
	}
	if (ki.group != NULL) {
		kconf_set(kc.conf, "group.id", ki.group);
		/* Offsets are stored by hand once their lines are written. */
		kconf_set(kc.conf, "enable.auto.offset.store", "false");
		kconf_default(&kc, "enable.auto.commit", "true");
		kconf_default(&kc, "auto.commit.interval.ms", "1000");
		kconf_default(&kc, "auto.offset.reset",
		    ki.offset_kind == OFS_END ? "latest" : "earliest");
		kconf_default(&kc, "session.timeout.ms", KIN_SESSION_TIMEOUT_MS);
		kconf_default(&kc, "heartbeat.interval.ms", KIN_HEARTBEAT_MS);
		/*
		 * kin takes and gives back whole assignments; librdkafka
		 * refuses that, without a word, where a rebalance hands out
		 * increments: the consumer protocol (KIP-848), cooperative
		 * assignors.
		 */
		if (strcmp(conf_value(kc.conf, "group.protocol", val,
		    sizeof(val)), "consumer") == 0 ||
		    strstr(conf_value(kc.conf, "partition.assignment.strategy",
		    val, sizeof(val)), "cooperative") != NULL)
			errx(KP_EXIT_USAGE, "group.protocol=consumer and "
			    "cooperative assignors are not supported: kin takes "
			    "and gives back whole assignments");
	} else {
		/*
		 * librdkafka's consumer wants a group id even for assign(); it
		 * joins no group and commits nothing with it.
		 */
		char gid[64];

		snprintf(gid, sizeof(gid), "kin-assign-%ld", (long)getpid());
		kconf_set(kc.conf, "group.id", gid);
		kconf_set(kc.conf, "enable.auto.commit", "false");
		kconf_set(kc.conf, "enable.auto.offset.store", "false");
	}
	conf = kconf_finish(&kc);
	rd_kafka_conf_set_opaque(conf, &ki);
	rd_kafka_conf_set_error_cb(conf, on_error);
	if (ki.group != NULL)
		rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
	if ((ki.rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr,
	    sizeof(errstr))) == NULL)
		errx(KP_EXIT_USAGE, "%s", errstr);
	rd_kafka_poll_set_consumer(ki.rk);
	ki.seen = rd_kafka_topic_partition_list_new(16);

	kp_signals_install();
	taken_init(&ki.out, STDOUT_FILENO);
	if (ki.group != NULL && !ki.eos_mode) {
		/* What the next program reads of stdout is what is committed. */
		ki.tracking = 1;
		stdout = taken_stream(&ki.out);
	}
	out_init();
	closed = 1;
	switch (kconf_wait_for_brokers(ki.rk, connect_timeout)) {
	case 0:
		closed = read_topics(&ki, argv, argc, connect_timeout) == 0;
		if (ki.failed || ki.stdout_gone == 2)
			status = KP_EXIT_FAIL;
		break;
	case -1:
		status = KP_EXIT_FAIL;
		break;
	case -2:
		status = KP_EXIT_USAGE;
		break;
	}
	if (!ki.stdout_gone && out_close() < 0)
		status = KP_EXIT_FAIL;
	if (kconf_refused())
		status = KP_EXIT_USAGE;
	parts_set(&ki, NULL);
	eventtime_free(&ki.ts);
	if (ki.merge) {
		close(ki.wake[0]);
		close(ki.wake[1]);
	}
	rd_kafka_topic_partition_list_destroy(ki.seen);
	taken_free(&ki.out);
	free(ki.only_parts);
	free(ki.eos_member);
	/*
	 * A leave still unanswered: rd_kafka_destroy() would wait for it
	 * (consumer_close()). What was read is committed and stdout is
	 * closed; the kernel closes the connection after the leave.
	 */
	if (!closed)
		_exit(status);
	rd_kafka_destroy(ki.rk);
	return status;
}
