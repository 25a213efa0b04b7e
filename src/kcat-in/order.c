#include <err.h>
#include <inttypes.h>
#include <string.h>

#include "jsonpath.h"
#include "jsonscan.h"
#include "merge.h"
#include "message.h"
#include "order.h"
#include "parts.h"
#include "timeparse.h"

/* A buffered message's time not looked at yet: only a choice needs it. */
#define TIME_UNREAD		(INT64_MIN + 1)
/* Members of a record looked at in the validating pass for its time. */
#define KIN_MEMBERS		32

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

int
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
