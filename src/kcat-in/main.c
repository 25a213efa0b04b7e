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

#include <jv.h>

#include "envelope.h"
#include "eosruns.h"
#include "eventtime.h"
#include "jsonscan.h"
#include "jsonwalk.h"
#include "kconf.h"
#include "kp.h"
#include "lineio.h"
#include "merge.h"
#include "opt.h"
#include "signals.h"
#include "taken.h"
#include "timeparse.h"
#include "topicname.h"

/* Under load stdout is flushed, and offsets stored, at least this often. */
#define FLUSH_INTERVAL_MS	100
#define MAX_PARTITIONS		4096
#define KIN_BATCH		256	/* messages taken from librdkafka at once */
/* Lines written between looks at what the pipe's reader took, under load. */
#define TAKEN_LOOK_EVERY	4096
/* librdkafka 2.4 made the fetch queue's back-off a setting (kin(1)). */
#define KIN_FETCH_BACKOFF_VERSION	0x02040000
#define KIN_FETCH_BACKOFF_MS		"10"
#define KIN_QUEUED_MIN			"20000"
#define KIN_METADATA_REFRESH_MS		"1000"
/* --order time: how long a partition with unread records may hold the rest. */
#define KIN_MAX_HOLD_MS		5000
/* A buffered message's time not looked at yet: only a choice needs it. */
#define TIME_UNREAD		(INT64_MIN + 1)
/* Members of a record looked at in the validating pass for its time. */
#define KIN_MEMBERS		32
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
/* How long a leave with nothing else to do waits for its answer. */
#define KIN_LEAVE_WAIT_MS	2000
/* A join that has waited this long is said, once. */
#define KIN_JOIN_NOTE_MS	10000

enum {
	OPT_CONNECT_TIMEOUT = 256, OPT_DRAIN_TIMEOUT, OPT_EOS, OPT_MAX_HOLD,
	OPT_ORDER, OPT_TS_UNIT
};

enum offset_kind { OFS_DEFAULT, OFS_BEGINNING, OFS_END, OFS_STORED, OFS_ABS,
    OFS_TAIL, OFS_TIME };

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

struct part {
	char	*topic;
	int32_t	 partition;
	int	 eof;
	int64_t	 next;		/* the offset after the last line written */
	int64_t	 read;		/* the offset after the last line read downstream */
	/* --order time: the partition's own queue and what it delivered */
	rd_kafka_queue_t *q;
	rd_kafka_message_t *buf[KIN_BATCH];
	int64_t	 buf_us[KIN_BATCH];	/* each one's time, or TIME_UNREAD */
	int	 head, nbuf;
	int64_t	 taken;		/* offset after the last message taken, or -1 */
	int64_t	 eof_at;	/* at its end there, nothing taken since; or -1 */
	int64_t	 held_since;	/* mono ms it began holding the merge, or 0 */
	int	 passed_over;	/* said that the merge went on without it */
	/* --eos: runs of a window filter that joined records beyond the commit */
	struct eos_run runs[EOS_RUNS_MAX];
	int	 nruns;
};

struct kin {
	rd_kafka_t	*rk;
	const char	*group;
	int		 envelope, exit_at_end;
	int		 eos;		/* attach positions, commit nothing */
	char		*group_json;	/* the group as a JSON string, for --eos */
	char		*gen_json;	/* --eos: ,generation,"member" of this assignment */
	int64_t		 drain_ms;	/* --eos: how long a revoke waits for kout */
	int		 closing;	/* --eos: drained before leaving the group */
	int64_t		 joining_since;	/* mono ms a join began, or 0 */
	int		 join_said;	/* that it takes long */
	enum offset_kind offset_kind;
	int64_t		 offset_value;
	int32_t		*only_parts;	/* -p, or NULL for all */
	int		 nonly_parts;
	unsigned long long count_limit, written;
	unsigned long	 rewritten;	/* values changed to fit one line */
	unsigned long	 replaced;	/* of those, bytes not UTF-8 replaced */
	unsigned long	 untimed;	/* merged at the Kafka timestamp: -t no time */
	struct part	*parts;		/* assigned partitions, for -e */
	int		 nparts;
	rd_kafka_topic_partition_list_t *seen;	/* given -o offsets already */
	int		 dirty;		/* lines written since the last flush */
	int64_t		 last_flush;
	int		 stdout_gone;	/* EPIPE: stop quietly */
	int		 tracking;	/* with a group: commit what was read (taken.h) */
	int		 dropped;	/* a message taken was not written (a stop) */
	int		 ends_met;	/* a partition's end was met since the last store */
	int		 since_look;	/* lines written since note_read */
	struct taken	 out;
	int		 failed;
	int		 merge;		/* --order time */
	struct eventtime ts;		/* -t: the time that orders the merge */
	int64_t		 max_hold_ms;
	int		 wake[2];	/* librdkafka writes here when a queue fills */
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

	if ((copy = strdup(s)) == NULL ||
	    (ki->only_parts = calloc(MAX_PARTITIONS, sizeof(int32_t))) == NULL)
		err(KP_EXIT_FAIL, NULL);
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

/* Sets the -o starting offset on partitions not yet given one. */
static void
apply_offsets(struct kin *ki, rd_kafka_topic_partition_list_t *list)
{
	rd_kafka_topic_partition_list_t *by_time;
	rd_kafka_resp_err_t e;
	int i;

	by_time = rd_kafka_topic_partition_list_new(list->cnt);
	for (i = 0; i < list->cnt; i++) {
		rd_kafka_topic_partition_t *tp = &list->elems[i];

		/* With a group, -o moves a partition once, not at every rebalance. */
		if (ki->group != NULL) {
			if (rd_kafka_topic_partition_list_find(ki->seen,
			    tp->topic, tp->partition) != NULL)
				continue;
			rd_kafka_topic_partition_list_add(ki->seen, tp->topic,
			    tp->partition);
		}
		switch (ki->offset_kind) {
		case OFS_DEFAULT:
			tp->offset = ki->group != NULL ? RD_KAFKA_OFFSET_STORED :
			    RD_KAFKA_OFFSET_BEGINNING;
			break;
		case OFS_BEGINNING:
			/* With a group: only where nothing is committed (auto.offset.reset). */
			tp->offset = ki->group != NULL ? RD_KAFKA_OFFSET_STORED :
			    RD_KAFKA_OFFSET_BEGINNING;
			break;
		case OFS_END:
			tp->offset = ki->group != NULL ? RD_KAFKA_OFFSET_STORED :
			    RD_KAFKA_OFFSET_END;
			break;
		case OFS_STORED:
			tp->offset = RD_KAFKA_OFFSET_STORED;
			break;
		case OFS_ABS:
			tp->offset = ki->offset_value;
			break;
		case OFS_TAIL:
			tp->offset = RD_KAFKA_OFFSET_TAIL(ki->offset_value);
			break;
		case OFS_TIME:
			rd_kafka_topic_partition_list_add(by_time, tp->topic,
			    tp->partition)->offset = ki->offset_value;
			break;
		}
	}
	if (by_time->cnt > 0) {
		e = rd_kafka_offsets_for_times(ki->rk, by_time, 30000);
		if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
			char iso[64];

			format_iso8601_ms(ki->offset_value, iso);
			/* librdkafka's mock cluster answers ListOffsets by time so. */
			if (e == RD_KAFKA_RESP_ERR_UNKNOWN)
				errx(KP_EXIT_FAIL, "-o @%s: the broker cannot look "
				    "up offsets by time (it answered: %s); the "
				    "embedded broker, kbroker, cannot", iso,
				    rd_kafka_err2str(e));
			errx(KP_EXIT_FAIL, "-o @%s: %s", iso, rd_kafka_err2str(e));
		}
		for (i = 0; i < by_time->cnt; i++) {
			rd_kafka_topic_partition_t *q = &by_time->elems[i];
			rd_kafka_topic_partition_t *tp =
			    rd_kafka_topic_partition_list_find(list, q->topic,
			    q->partition);

			/* No message at or after TIME: start at the end. */
			tp->offset = q->err == RD_KAFKA_RESP_ERR_NO_ERROR &&
			    q->offset >= 0 ? q->offset : RD_KAFKA_OFFSET_END;
		}
	}
	rd_kafka_topic_partition_list_destroy(by_time);
}

/*
 * --order time: each partition's messages come to its own queue, not to
 * the consumer's, and librdkafka says on the wake pipe when one fills.
 * Done before assign, so that the fetcher never forwards them (it leaves
 * a queue the application has set alone).
 */
static void
part_queue_open(struct kin *ki, struct part *pt)
{
	pt->taken = -1;
	pt->eof_at = -1;
	if ((pt->q = rd_kafka_queue_get_partition(ki->rk, pt->topic,
	    pt->partition)) == NULL)
		errx(KP_EXIT_FAIL, "%s [%" PRId32 "]: no partition queue",
		    pt->topic, pt->partition);
	rd_kafka_queue_forward(pt->q, NULL);
	rd_kafka_queue_io_event_enable(pt->q, ki->wake[1], "1", 1);
}

/* What a partition delivered and did not write is dropped: not stored. */
static void
part_queue_close(struct part *pt)
{
	for (; pt->nbuf > 0; pt->nbuf--, pt->head++)
		rd_kafka_message_destroy(pt->buf[pt->head]);
	if (pt->q != NULL) {
		rd_kafka_queue_io_event_enable(pt->q, -1, NULL, 0);
		rd_kafka_queue_destroy(pt->q);
	}
	pt->q = NULL;
}

static void
parts_set(struct kin *ki, const rd_kafka_topic_partition_list_t *list)
{
	int i;

	for (i = 0; i < ki->nparts; i++) {
		part_queue_close(&ki->parts[i]);
		free(ki->parts[i].topic);
	}
	/* Lines of these partitions not read yet are read again by their next owner. */
	taken_clear(&ki->out);
	free(ki->parts);
	ki->parts = NULL;
	ki->nparts = 0;
	if (list == NULL || list->cnt == 0)
		return;
	if ((ki->parts = calloc((size_t)list->cnt, sizeof(*ki->parts))) == NULL)
		err(KP_EXIT_FAIL, NULL);
	for (i = 0; i < list->cnt; i++) {
		if ((ki->parts[i].topic = strdup(list->elems[i].topic)) == NULL)
			err(KP_EXIT_FAIL, NULL);
		ki->parts[i].partition = list->elems[i].partition;
		ki->parts[i].eof_at = -1;
		if (ki->merge)
			part_queue_open(ki, &ki->parts[i]);
	}
	ki->nparts = list->cnt;
}

static struct part *
parts_find(struct kin *ki, const char *topic, int32_t partition)
{
	int i;

	for (i = 0; i < ki->nparts; i++)
		if (ki->parts[i].partition == partition &&
		    strcmp(ki->parts[i].topic, topic) == 0)
			return &ki->parts[i];
	return NULL;
}

static int
all_at_end(const struct kin *ki)
{
	int i;

	if (ki->nparts == 0)
		return 0;
	for (i = 0; i < ki->nparts; i++)
		if (!ki->parts[i].eof || ki->parts[i].nbuf > 0)
			return 0;
	return 1;
}

/*
 * With a group, stores the position of every assigned partition after the
 * last line the next program has read (not librdkafka's position: messages
 * taken in a batch but not written, after -c or a signal, are not done;
 * nor kin's: lines in its buffer or in the pipe are not).
 */
/* Moves each partition's read offset past the lines read by now. */
static void
note_read(struct kin *ki)
{
	struct taken_line tl;
	uint64_t upto = taken_bytes(&ki->out);

	while (taken_pop(&ki->out, upto, &tl))
		ki->parts[tl.part].read = tl.next;
}

static void
store_read(struct kin *ki)
{
	rd_kafka_topic_partition_list_t *store;
	const struct part *pt;
	int i;

	if (!ki->tracking || ki->nparts == 0)
		return;
	ki->ends_met = 0;
	note_read(ki);
	store = rd_kafka_topic_partition_list_new(ki->nparts);
	/*
	 * A partition at its end, every line of it read, nothing taken and
	 * not written, is done up to where the end was met: past the
	 * transaction markers (and aborted records) after its last record.
	 * A topic written in transactions ends in a marker, which "after the
	 * last line" would leave as lag 1 for ever; Kafka's own consumer
	 * commits its position, past it. (librdkafka's position is no help:
	 * with a partition's own queue it runs one past the end.)
	 */
	for (i = 0; i < ki->nparts; i++) {
		int64_t off;

		pt = &ki->parts[i];
		off = pt->read;
		if (off > 0 && !ki->dropped && pt->nbuf == 0 &&
		    pt->read == pt->next && pt->eof_at > off)
			off = pt->eof_at;
		if (off > 0)
			rd_kafka_topic_partition_list_add(store, pt->topic,
			    pt->partition)->offset = off;
	}
	if (store->cnt > 0)
		rd_kafka_offsets_store(ki->rk, store);
	rd_kafka_topic_partition_list_destroy(store);
}

/* Flushes stdout, then stores what has been read of it. */
static void
flush_and_store(struct kin *ki)
{
	ki->last_flush = mono_ms();
	if (!ki->stdout_gone && out_flush() != 0) {
		/* A closed pipe is a clean stop; anything else a failure. */
		if (errno != EPIPE)
			warn("stdout");
		ki->stdout_gone = errno == EPIPE ? 1 : 2;
	} else if (!ki->stdout_gone) {
		ki->dirty = 0;
	}
	store_read(ki);
}

/*
 * Nothing to write: the reader may have taken more meanwhile, or closed
 * the pipe, which is a clean stop even when nothing comes to write.
 */
static void
idle(struct kin *ki)
{
	/* Lines read, or an end met past the last line (markers): stored. */
	if (taken_waiting(&ki->out) > 0 || ki->ends_met)
		store_read(ki);
	if (!ki->stdout_gone && taken_reader_gone(&ki->out))
		ki->stdout_gone = 1;
}

/*
 * Waits, up to --drain-timeout, for the next program to read the lines
 * still in the pipe, storing their offsets as it does: at the end, and
 * before partitions go to another member. A reader that closed the pipe
 * (or a second signal) ends the wait; what it did not read is said, and
 * read again by the group.
 */
static void
wait_read(struct kin *ki)
{
	int64_t deadline = mono_ms() + ki->drain_ms;
	size_t left;

	if (!ki->tracking)
		return;
	flush_and_store(ki);
	while (taken_waiting(&ki->out) > 0 && ki->stdout_gone != 2 &&
	    !taken_reader_gone(&ki->out) && kp_stop_count < 2 &&
	    mono_ms() < deadline) {
		poll(NULL, 0, 10);
		store_read(ki);
	}
	store_read(ki);
	/* A reader that closed the pipe stopped cleanly: not a word then. */
	if ((left = taken_waiting(&ki->out)) > 0 && ki->nparts > 0 &&
	    ki->stdout_gone == 0 && !taken_reader_gone(&ki->out))
		warnx("%zu line%s written %s not read by the next program "
		    "within --drain-timeout: not committed, the group reads %s "
		    "again", left, left == 1 ? "" : "s", left == 1 ? "was" :
		    "were", left == 1 ? "it" : "them");
}

/*
 * Commits the stored offsets now. A failure loses nothing (the lines were
 * written; they are read again after a restart) but is said, since the
 * next run will repeat them.
 */
static void
commit_now(struct kin *ki)
{
	rd_kafka_resp_err_t e = rd_kafka_commit(ki->rk, NULL, 0);

	if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR__NO_OFFSET)
		warnx("commit: %s: the lines written since the last commit "
		    "will be read again", rd_kafka_err2str(e));
}

/*
 * --eos: the group generation and member id this assignment is read under,
 * for kout --eos to commit the offsets with: the coordinator refuses them
 * once the partitions have moved (KIP-447). librdkafka gives the generation
 * only inside its serialised group metadata, "CGMDv2:" then the int32.
 */
static void
eos_generation(struct kin *ki)
{
	rd_kafka_consumer_group_metadata_t *cgmd;
	rd_kafka_error_t *error;
	char *member, buf[512];
	void *blob;
	size_t n;
	int32_t gen;
	jv mj;

	cgmd = rd_kafka_consumer_group_metadata(ki->rk);
	if (cgmd == NULL)
		errx(KP_EXIT_FAIL, "--eos: no consumer group metadata");
	if ((error = rd_kafka_consumer_group_metadata_write(cgmd, &blob,
	    &n)) != NULL)
		errx(KP_EXIT_FAIL, "--eos: %s", rd_kafka_error_string(error));
	if (n < 11 || memcmp(blob, "CGMDv2:", 7) != 0)
		errx(KP_EXIT_FAIL, "--eos: this librdkafka's group metadata is "
		    "not the CGMDv2 kin knows: cannot fence its commits");
	memcpy(&gen, (char *)blob + 7, sizeof(gen));
	rd_kafka_mem_free(ki->rk, blob);
	rd_kafka_consumer_group_metadata_destroy(cgmd);
	member = rd_kafka_memberid(ki->rk);
	mj = jv_dump_string(jv_string(member != NULL ? member : ""), 0);
	snprintf(buf, sizeof(buf), ",%" PRId32 ",%s", gen, jv_string_value(mj));
	jv_free(mj);
	if (member != NULL)
		rd_kafka_mem_free(ki->rk, member);
	free(ki->gen_json);
	if ((ki->gen_json = strdup(buf)) == NULL)
		err(KP_EXIT_FAIL, NULL);
}

/*
 * How far kout --eos has committed what this member wrote from a
 * partition: the offset to read from, or when a filter in between keeps a
 * window of records (wjoin), how far a run of it processed (eosruns.h),
 * leaving out the runs as they stood when the partition was assigned.
 */
static int64_t
eos_processed(const rd_kafka_topic_partition_t *tp, const struct part *pt)
{
	struct eos_run runs[EOS_RUNS_MAX];
	int64_t done = tp->offset;
	int i, k, n = eos_runs_parse(tp->metadata, tp->metadata_size,
	    tp->offset, runs);

	for (i = 0; i < n; i++) {
		for (k = 0; k < pt->nruns; k++)
			if (strcmp(pt->runs[k].id, runs[i].id) == 0 &&
			    pt->runs[k].processed >= runs[i].processed)
				break;
		if (k == pt->nruns && runs[i].processed > done)
			done = runs[i].processed;
	}
	return done;
}

/*
 * --eos, partitions revoked: waits (up to --drain-timeout) until kout --eos
 * has committed every line written from them, so that the member taking
 * them over starts right after. If it cannot (kout stopped, a filter that
 * holds or drops records), the fencing in kout's commit is what keeps a
 * record from counting twice: its transaction aborts, the new owner reads
 * the records again.
 */
static void
eos_drain(struct kin *ki)
{
	rd_kafka_topic_partition_list_t *want;
	int64_t deadline = mono_ms() + ki->drain_ms;
	int i, behind = 0;

	if (ki->stdout_gone)
		return;
	want = rd_kafka_topic_partition_list_new(ki->nparts > 0 ? ki->nparts : 1);
	for (i = 0; i < ki->nparts; i++)
		if (ki->parts[i].next > 0)
			rd_kafka_topic_partition_list_add(want, ki->parts[i].topic,
			    ki->parts[i].partition);
	while (want->cnt > 0) {
		/* Each look at the committed offsets also keeps to the deadline. */
		int64_t left = deadline - mono_ms();
		rd_kafka_resp_err_t e = rd_kafka_committed(ki->rk, want,
		    left > 5000 ? 5000 : left > 100 ? (int)left : 100);

		behind = 0;
		for (i = 0; i < want->cnt; i++) {
			struct part *pt = parts_find(ki, want->elems[i].topic,
			    want->elems[i].partition);

			if (e != RD_KAFKA_RESP_ERR_NO_ERROR ||
			    eos_processed(&want->elems[i], pt) < pt->next)
				behind++;
		}
		if (behind == 0 || mono_ms() >= deadline)
			break;
		usleep(20000);
	}
	if (behind > 0)
		warnx("--eos: %d revoked partitions not committed downstream "
		    "within %" PRId64 " ms: kout's late commit will be refused "
		    "and their records read again", behind, ki->drain_ms);
	rd_kafka_topic_partition_list_destroy(want);
}

/*
 * --eos, partitions assigned: the records between the committed offset
 * and a run's processed one are a window being read again; each is
 * marked with the runs that joined it, so that wjoin does not pair two
 * records of one run again.
 */
static void
eos_replay_marks(struct kin *ki, const rd_kafka_topic_partition_list_t *list)
{
	rd_kafka_topic_partition_list_t *c;
	rd_kafka_resp_err_t e;
	int i;

	c = rd_kafka_topic_partition_list_copy(list);
	if ((e = rd_kafka_committed(ki->rk, c, 10000)) !=
	    RD_KAFKA_RESP_ERR_NO_ERROR)
		errx(KP_EXIT_FAIL, "--eos: cannot read the committed offsets: %s",
		    rd_kafka_err2str(e));
	for (i = 0; i < c->cnt; i++) {
		struct part *pt = parts_find(ki, c->elems[i].topic,
		    c->elems[i].partition);

		if (pt != NULL)
			pt->nruns = c->elems[i].offset < 0 ? 0 :
			    eos_runs_parse(c->elems[i].metadata,
			    c->elems[i].metadata_size, c->elems[i].offset,
			    pt->runs);
	}
	rd_kafka_topic_partition_list_destroy(c);
}

static void
on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t e,
    rd_kafka_topic_partition_list_t *list, void *opaque)
{
	struct kin *ki = opaque;

	if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		ki->joining_since = 0;
		ki->join_said = 0;
		if (ki->eos)
			eos_generation(ki);
		apply_offsets(ki, list);
		parts_set(ki, list);
		if (ki->eos)
			eos_replay_marks(ki, list);
		rd_kafka_assign(rk, list);
		return;
	}
	/*
	 * Revoked: what was read downstream is committed before another
	 * member takes over.
	 */
	if (!ki->eos) {
		if (!ki->closing)
			wait_read(ki);
		else
			flush_and_store(ki);
		commit_now(ki);
	} else {
		flush_and_store(ki);
		if (!ki->closing)
			eos_drain(ki);
	}
	parts_set(ki, NULL);
	rd_kafka_assign(rk, NULL);
	ki->joining_since = mono_ms();
}

/*
 * Says once that joining the group takes long: the coordinator answers a
 * join only when every member it knows has rejoined or timed out, and
 * until then this process reads nothing, silently.
 */
static void
join_note(struct kin *ki)
{
	if (ki->joining_since == 0 || ki->join_said ||
	    mono_ms() - ki->joining_since < KIN_JOIN_NOTE_MS)
		return;
	ki->join_said = 1;
	warnx("%s: still joining the group after %d s: its coordinator waits "
	    "for the other members to rejoin or to time out (kin(1), Joining "
	    "and leaving)", ki->group, KIN_JOIN_NOTE_MS / 1000);
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

/* Writes JSON text with its line breaks (only white space in JSON) as spaces. */
static void
eos_write_raw(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		putc_unlocked(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i], stdout);
}

/*
 * --eos: the record with its source position in a member "_kp_src":
 * [group, topic, partition, offset], which filters that keep unknown
 * members pass on and kout --eos commits in its transaction, then removes.
 * A value that is not a JSON object is carried in "_kp_value" (other JSON),
 * "_kp_text" (text) or "_kp_tombstone" (no value).
 */
static int
eos_write(struct kin *ki, const rd_kafka_message_t *m, const struct part *pt)
{
	const char *v = m->payload, *close;
	jv topic = jv_dump_string(jv_string(rd_kafka_topic_name(m->rkt)), 0);
	size_t len = m->len;
	int is_object = 0;

	if (v != NULL && json_validate(v, len, NULL) == 0) {
		const char *p = v;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		is_object = *p == '{';
	}
	if (is_object) {
		/* Everything up to the closing brace, then our member. */
		for (close = v + len - 1; *close != '}'; close--)
			;
		eos_write_raw(v, (size_t)(close - v));
		for (close--; close > v && strchr(" \t\r\n", *close); close--)
			;
		if (*close != '{')
			putc_unlocked(',', stdout);
	} else {
		putc_unlocked('{', stdout);
		if (v == NULL) {
			fputs("\"_kp_tombstone\":true,", stdout);
		} else if (json_validate_member(v, len, NULL) == 0) {
			fputs("\"_kp_value\":", stdout);
			eos_write_raw(v, len);
			putc_unlocked(',', stdout);
		} else {
			jv text = jv_dump_string(jv_string_sized(v, (int)len), 0);

			fprintf(stdout, "\"_kp_text\":%s,", jv_string_value(text));
			jv_free(text);
		}
	}
	fprintf(stdout, "\"_kp_src\":[%s,%s,%" PRId32 ",%" PRId64 "%s",
	    ki->group_json, jv_string_value(topic), m->partition, m->offset,
	    ki->gen_json != NULL ? ki->gen_json : "");
	/* Read again: the runs that joined it, with how far each went. */
	if (pt != NULL) {
		int i, first = 1;

		for (i = 0; i < pt->nruns; i++) {
			if (pt->runs[i].processed <= m->offset)
				continue;
			fprintf(stdout, "%s[\"%s\",%" PRId64 "]", first ? ",[" :
			    ",", pt->runs[i].id, pt->runs[i].processed);
			first = 0;
		}
		if (!first)
			putc_unlocked(']', stdout);
	}
	fputs("]}\n", stdout);
	jv_free(topic);
	return ferror(stdout) ? -1 : 0;
}

static void
write_message(struct kin *ki, rd_kafka_message_t *m)
{
	struct part *pt = parts_find(ki, rd_kafka_topic_name(m->rkt),
	    m->partition);
	int rc, changed = 0;

	if (ki->stdout_gone)
		return;
	if (ki->eos) {
		rc = eos_write(ki, m, pt);
	} else if (ki->envelope) {
		rc = envelope_write(stdout, m);
		if (rc == 0 && putc_unlocked('\n', stdout) == EOF)
			rc = -1;
	} else {
		rc = value_write_line(stdout, m->payload, m->len, &changed);
	}
	if (rc != 0) {
		if (errno != EPIPE)
			warn("stdout");
		ki->stdout_gone = errno == EPIPE ? 1 : 2;
		return;
	}
	if (pt != NULL) {
		pt->next = m->offset + 1;
		pt->eof_at = -1;
		if (ki->tracking) {
			taken_add(&ki->out, taken_position(&ki->out, stdout),
			    (int)(pt - ki->parts), pt->next);
			/*
			 * Under load, the lines waiting are kept few: a look
			 * every TAKEN_LOOK_EVERY lines written.
			 */
			if (++ki->since_look >= TAKEN_LOOK_EVERY) {
				note_read(ki);
				ki->since_look = 0;
			}
		}
	}
	if (changed) {
		/* Text with a line break, written as a JSON string. */
		int lossy = m->payload != NULL &&
		    !utf8_valid(m->payload, m->len) &&
		    json_validate(m->payload, m->len, NULL) != 0;

		if (ki->rewritten++ == 0 || (lossy && ki->replaced == 0))
			warnx("%s [%" PRId32 "] at offset %" PRId64 ": value "
			    "rewritten to fit on one line%s (see kin(1); kin -E "
			    "keeps every byte)", rd_kafka_topic_name(m->rkt),
			    m->partition, m->offset, lossy ? ", its bytes that "
			    "are not UTF-8 replaced by U+FFFD" : "");
		ki->replaced += lossy;
	}
	ki->written++;
	ki->dirty = 1;
}

/* One message of a batch. Returns 1 to stop reading. */
static int
take_message(struct kin *ki, rd_kafka_message_t *m)
{
	if (kp_stop_signal || ki->stdout_gone)
		return 1;
	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
		struct part *pt = parts_find(ki, rd_kafka_topic_name(m->rkt),
		    m->partition);

		/*
		 * Once at its end a partition counts as done, even if more
		 * comes to it before the others get there: on a topic written
		 * to all the time, partitions reach their ends one after
		 * another, rarely all at once (a producer that goes round the
		 * partitions kept kin -e reading for ever).
		 */
		if (pt != NULL) {
			pt->eof = 1;
			pt->eof_at = m->offset;
			ki->ends_met = 1;
		}
		return ki->exit_at_end && all_at_end(ki);
	}
	if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		warnx("%s: %s", m->rkt != NULL ? rd_kafka_topic_name(m->rkt) :
		    "consumer", rd_kafka_message_errstr(m));
		if (kconf_refusal(m->err)) {
			ki->failed = 1;
			return 1;
		}
		if ((m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
		    m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
		    m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) &&
		    ki->group == NULL) {
			ki->failed = 1;
			return 1;
		}
		return 0;
	}
	write_message(ki, m);
	return ki->count_limit > 0 && ki->written >= ki->count_limit;
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
				idle(ki);
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
 * --order time: a message's time, the value's -t member if it has one,
 * else its Kafka timestamp (INT64_MIN, first, if it has neither). A member
 * that is no time (2026-02-31) is said, the first with its offset, and the
 * message merged at its Kafka timestamp.
 */
static int64_t
message_time_us(struct kin *ki, const rd_kafka_message_t *m)
{
	struct json_member mem[KIN_MEMBERS];
	char why[EVENTTIME_WHY_MAX];
	const char *close, *v = NULL;
	size_t vlen = 0;
	int64_t us, ms;
	int i, count;

	if (m->payload != NULL && json_validate_object(m->payload, m->len, NULL,
	    mem, KIN_MEMBERS, &count, &close) == 0) {
		if (ki->ts.path.depth > 1 || count > KIN_MEMBERS) {
			if (json_path_find(&ki->ts.path, m->payload, m->len, &v,
			    &vlen, NULL) != 0)
				v = NULL;
		} else {
			/* .ts: among the members the validation found; of
			 * duplicate keys the last counts, as in jq. */
			for (i = count - 1; i >= 0; i--)
				if (mem[i].keylen == ki->ts.path.keylen[0] &&
				    memcmp(mem[i].key, ki->ts.path.key[0],
				    mem[i].keylen) == 0)
					break;
			if (i >= 0) {
				v = mem[i].value;
				vlen = mem[i].valuelen;
			}
		}
		if (v != NULL) {
			if (eventtime_value(&ki->ts, v, vlen, &us, why) == 0)
				return us;
			if (ki->untimed++ == 0)
				warnx("%s [%" PRId32 "] at offset %" PRId64 ": %s; "
				    "merged at its Kafka timestamp",
				    rd_kafka_topic_name(m->rkt), m->partition,
				    m->offset, why);
		}
	}
	ms = rd_kafka_message_timestamp(m, NULL);
	return ms >= 0 ? ms * 1000 : INT64_MIN;
}

/* The time of a partition's i-th buffered message, read when first asked. */
static int64_t
part_time(struct kin *ki, struct part *pt, int i)
{
	if (pt->buf_us[i] == TIME_UNREAD)
		pt->buf_us[i] = message_time_us(ki, pt->buf[i]);
	return pt->buf_us[i];
}

/*
 * Takes what a partition's queue holds into its buffer, if the buffer is
 * empty. Ends and errors are handled as they come; returns 1 to stop.
 */
static int
part_fill(struct kin *ki, struct part *pt)
{
	rd_kafka_message_t *got[KIN_BATCH];
	ssize_t i, n;
	int stop = 0;

	if (pt->nbuf > 0 || pt->q == NULL)
		return 0;
	n = rd_kafka_consume_batch_queue(pt->q, 0, got, KIN_BATCH);
	pt->head = 0;
	for (i = 0; i < n; i++) {
		rd_kafka_message_t *m = got[i];

		if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			pt->buf_us[pt->nbuf] = TIME_UNREAD;
			pt->buf[pt->nbuf++] = m;
			pt->taken = m->offset + 1;
			pt->eof_at = -1;
			continue;
		}
		if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			pt->eof = 1;
			pt->eof_at = m->offset;
			ki->ends_met = 1;
		} else if (!stop) {
			stop = take_message(ki, m);
		}
		rd_kafka_message_destroy(m);
	}
	return stop;
}

/*
 * Whether a partition with nothing buffered is known to hold unread
 * records: the broker's high watermark (as the last fetch gave it) is
 * past where it was read to. Before its first fetch answers, it is not
 * known to be caught up either, and counts as unread. librdkafka's
 * position steps over transaction markers; the high watermark counts
 * them, so a partition that looks behind is asked its position.
 */
static int
part_unread(struct kin *ki, struct part *pt)
{
	rd_kafka_topic_partition_list_t *one;
	int64_t lo, hi, at = pt->eof_at >= 0 ? pt->eof_at : pt->taken;

	if (rd_kafka_get_watermark_offsets(ki->rk, pt->topic, pt->partition,
	    &lo, &hi) != RD_KAFKA_RESP_ERR_NO_ERROR || hi < 0)
		return 1;
	if (at < 0)
		return 1;
	if (at >= hi)
		return 0;
	one = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(one, pt->topic, pt->partition);
	if (rd_kafka_position(ki->rk, one) == RD_KAFKA_RESP_ERR_NO_ERROR &&
	    one->elems[0].offset > at)
		at = one->elems[0].offset;
	rd_kafka_topic_partition_list_destroy(one);
	return at < hi;
}

/*
 * One step of the merge: fills the empty buffers, then writes from the
 * partition whose record is earliest, for as long as it stays so. Returns
 * 1 if it wrote, 0 if it must wait (*wait_ms as merge_pick says), -1 to
 * stop.
 */
static int
merge_step(struct kin *ki, int64_t *wait_ms)
{
	static struct merge_view v[MAX_PARTITIONS];
	struct part *pt;
	int64_t now = mono_ms(), limit;
	int i, p, nbuffered = 0;
	int n = ki->nparts < MAX_PARTITIONS ? ki->nparts : MAX_PARTITIONS;

	for (i = 0; i < n; i++) {
		pt = &ki->parts[i];
		if (part_fill(ki, pt))
			return -1;
		v[i].buffered = pt->nbuf > 0;
		v[i].head_us = 0;
		nbuffered += v[i].buffered;
		v[i].unread = !v[i].buffered && part_unread(ki, pt);
		if (!v[i].unread)
			pt->held_since = 0;
		else if (pt->held_since == 0)
			pt->held_since = now;
		v[i].held_ms = v[i].unread ? now - pt->held_since : 0;
		if (v[i].unread && v[i].held_ms >= ki->max_hold_ms &&
		    !pt->passed_over) {
			warnx("%s [%" PRId32 "]: holds unread records but "
			    "delivered none for %" PRId64 " ms: going on without "
			    "it (its records may come out of time order)",
			    pt->topic, pt->partition, v[i].held_ms);
			pt->passed_over = 1;
		}
	}
	/* Times are read only when there is a choice to make. */
	if (nbuffered > 1)
		for (i = 0; i < n; i++)
			if (v[i].buffered)
				v[i].head_us = part_time(ki, &ki->parts[i],
				    ki->parts[i].head);
	if ((p = merge_pick(v, n, ki->max_hold_ms, wait_ms, &limit)) ==
	    MERGE_WAIT)
		return 0;
	pt = &ki->parts[p];
	pt->passed_over = 0;
	while (pt->nbuf > 0 && (limit == INT64_MAX ||
	    part_time(ki, pt, pt->head) <= limit)) {
		rd_kafka_message_t *m = pt->buf[pt->head];
		int stop;

		pt->head++;
		pt->nbuf--;
		stop = take_message(ki, m);
		rd_kafka_message_destroy(m);
		if (stop)
			return -1;
	}
	if (ki->exit_at_end && all_at_end(ki))
		return -1;
	return 1;
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
			idle(ki);
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
 * Leaves the group (the revoke commits what was read) and returns 0
 * once closed, or -1 if the leave has had no answer for KIN_LEAVE_WAIT_MS
 * after the revoke. A coordinator handles a connection's requests one at
 * a time, so a leave sent while this member's join waits there is answered
 * only when the join completes: when the other members have rejoined or
 * timed out, up to max.poll.interval.ms (5 min). librdkafka would wait 5 s
 * for that answer, then say it timed out. The leave needs no answer: once
 * sent, it is acted on when the join completes.
 */
static int
consumer_close(struct kin *ki)
{
	rd_kafka_queue_t *q = rd_kafka_queue_new(ki->rk);
	rd_kafka_message_t *m;
	rd_kafka_error_t *error;
	int64_t since = mono_ms();

	if ((error = rd_kafka_consumer_close_queue(ki->rk, q)) != NULL) {
		/* A fatal error: rd_kafka_destroy() closes without callbacks. */
		rd_kafka_error_destroy(error);
		rd_kafka_queue_destroy(q);
		return 0;
	}
	while (!rd_kafka_consumer_closed(ki->rk)) {
		/* Serves the revoke; a message left is not written, not stored. */
		if ((m = rd_kafka_consume_queue(q, 100)) != NULL) {
			rd_kafka_message_destroy(m);
			continue;
		}
		/* A revoke served: the wait counts from its end. */
		if (ki->joining_since > since)
			since = ki->joining_since;
		if (mono_ms() - since >= KIN_LEAVE_WAIT_MS)
			break;
	}
	rd_kafka_queue_destroy(q);
	return rd_kafka_consumer_closed(ki->rk) ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	struct kin ki;
	struct kconf kc;
	rd_kafka_conf_t *conf;
	rd_kafka_topic_partition_list_t *subs;
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
			ki.eos = 1;
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
	if (ki.eos && (ki.group == NULL || ki.envelope ||
	    (ki.offset_kind != OFS_DEFAULT && ki.offset_kind != OFS_BEGINNING &&
	    ki.offset_kind != OFS_END)))
		errx(KP_EXIT_USAGE, "--eos needs -g, and takes neither -E nor "
		    "-o other than beginning or end");
	if (ki.eos) {
		jv g = jv_dump_string(jv_string(ki.group), 0);

		if ((ki.group_json = strdup(jv_string_value(g))) == NULL)
			err(KP_EXIT_FAIL, NULL);
		jv_free(g);
	}

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
		if (!ki.eos)
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
	if (ki.eos) {
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
	if (ki.group != NULL && !ki.eos) {
		/* What the next program reads of stdout is what is committed. */
		ki.tracking = 1;
		stdout = taken_stream(&ki.out);
	}
	out_init();
	switch (kconf_wait_for_brokers(ki.rk, connect_timeout)) {
	case 1:
		rd_kafka_destroy(ki.rk);
		return KP_EXIT_OK;
	case -1:
		rd_kafka_destroy(ki.rk);
		return KP_EXIT_FAIL;
	case -2:
		rd_kafka_destroy(ki.rk);
		return KP_EXIT_USAGE;
	}
	if (ki.group != NULL) {
		subs = rd_kafka_topic_partition_list_new(argc);
		for (i = 0; i < argc; i++)
			rd_kafka_topic_partition_list_add(subs, argv[i],
			    RD_KAFKA_PARTITION_UA);
		if (rd_kafka_subscribe(ki.rk, subs) != RD_KAFKA_RESP_ERR_NO_ERROR)
			errx(KP_EXIT_FAIL, "cannot subscribe");
		rd_kafka_topic_partition_list_destroy(subs);
		ki.joining_since = mono_ms();
	} else {
		assign_topics(&ki, argv, argc, connect_timeout);
	}

	if (ki.merge)
		consume_merged(&ki);
	else
		consume(&ki);

	if (ki.eos) {
		/*
		 * consume() flushed what it wrote. Drain while still a member:
		 * the consumer cannot fetch offsets once closing.
		 */
		eos_drain(&ki);
		ki.closing = 1;
	}
	if (ki.tracking) {
		/* What the next program read, also after it closed the pipe. */
		wait_read(&ki);
		commit_now(&ki);
		ki.closing = 1;
	}
	closed = consumer_close(&ki) == 0;
	if (ki.replaced > 0)
		warnx("%lu value%s rewritten to fit on one line, %lu with bytes "
		    "that are not UTF-8 replaced by U+FFFD: kin -E keeps every "
		    "byte", ki.rewritten, ki.rewritten == 1 ? "" : "s",
		    ki.replaced);
	else if (ki.rewritten > 0)
		warnx("%lu value%s rewritten to fit on one line: kin -E keeps "
		    "every byte", ki.rewritten, ki.rewritten == 1 ? "" : "s");
	if (ki.untimed > 1)
		warnx("%lu records whose %s is no time merged at their Kafka "
		    "timestamps", ki.untimed, ki.ts.path.text);
	if (ki.failed || ki.stdout_gone == 2)
		status = KP_EXIT_FAIL;
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
	free(ki.group_json);
	free(ki.gen_json);
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
