#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>

#include "eos.h"
#include "group.h"
#include "lineio.h"
#include "parts.h"
#include "signals.h"
#include "timeparse.h"

/* How long a leave with nothing else to do waits for its answer. */
#define KIN_LEAVE_WAIT_MS	2000
/* A join that has waited this long is said, once. */
#define KIN_JOIN_NOTE_MS	10000

void
note_read(struct kin *ki)
{
	struct taken_line tl;
	uint64_t upto = taken_bytes(&ki->out);

	while (taken_pop(&ki->out, upto, &tl))
		ki->parts[tl.part].read = tl.next;
}

/*
 * Not librdkafka's position: messages taken in a batch but not written,
 * after -c or a signal, are not done; nor kin's: lines in its buffer or in
 * the pipe are not.
 */
void
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

void
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
void
store_idle(struct kin *ki)
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
void
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
void
commit_now(struct kin *ki)
{
	rd_kafka_resp_err_t e = rd_kafka_commit(ki->rk, NULL, 0);

	if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR__NO_OFFSET)
		warnx("commit: %s: the lines written since the last commit "
		    "will be read again", rd_kafka_err2str(e));
}

void
on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t e,
    rd_kafka_topic_partition_list_t *list, void *opaque)
{
	struct kin *ki = opaque;

	if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		ki->joining_since = 0;
		ki->join_said = 0;
		if (ki->eos_mode)
			kin_eos_generation(ki);
		apply_offsets(ki, list);
		parts_set(ki, list);
		if (ki->eos_mode)
			kin_eos_replay_marks(ki, list);
		rd_kafka_assign(rk, list);
		return;
	}
	/*
	 * Revoked: what was read downstream is committed before another
	 * member takes over.
	 */
	if (!ki->eos_mode) {
		if (!ki->closing)
			wait_read(ki);
		else
			flush_and_store(ki);
		commit_now(ki);
	} else {
		flush_and_store(ki);
		if (!ki->closing)
			kin_eos_drain(ki);
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
void
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
int
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
