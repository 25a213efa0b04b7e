#include <err.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kp.h"
#include "parts.h"
#include "timeparse.h"
#include "xalloc.h"

void
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

void
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
	ki->parts = xcalloc((size_t)list->cnt, sizeof(*ki->parts));
	for (i = 0; i < list->cnt; i++) {
		ki->parts[i].topic = xstrdup(list->elems[i].topic);
		ki->parts[i].partition = list->elems[i].partition;
		ki->parts[i].eof_at = -1;
		if (ki->merge)
			part_queue_open(ki, &ki->parts[i]);
	}
	ki->nparts = list->cnt;
}

struct part *
parts_find(struct kin *ki, const char *topic, int32_t partition)
{
	int i;

	for (i = 0; i < ki->nparts; i++)
		if (ki->parts[i].partition == partition &&
		    strcmp(ki->parts[i].topic, topic) == 0)
			return &ki->parts[i];
	return NULL;
}

int
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
