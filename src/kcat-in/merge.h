/*
 * kin's merge of its partitions in event time, as Kafka Streams'
 * PartitionGroup does it: of the records each partition has delivered,
 * the one with the smallest time goes next, and a partition that has
 * delivered nothing holds the others back only while it is known to hold
 * unread records (the broker's high watermark is past what was read), and
 * only up to a bound. A partition that is caught up holds nothing back, so
 * a quiet partition never stalls a live stream.
 *
 * This is the decision alone, without librdkafka: kin describes each
 * partition as a merge_view and asks which goes next.
 */
#ifndef KIN_MERGE_H
#define KIN_MERGE_H

#include <stdint.h>

struct merge_view {
	int	 buffered;	/* has a record delivered, not yet written */
	int64_t	 head_us;	/* if buffered: that record's time */
	int	 unread;	/* if not buffered: known to hold unread records */
	int64_t	 held_ms;	/* if unread: how long it has held the merge */
};

#define MERGE_WAIT	(-1)	/* wait for input (see *wait_ms) */

/*
 * The partition whose record goes next, or MERGE_WAIT. With MERGE_WAIT,
 * *wait_ms is how long until a partition that holds the merge may be
 * passed over, or -1 if nothing is buffered and nothing holds (wait for
 * any input). On a pick, *limit_us is the smallest time another buffered
 * partition has (INT64_MAX if none): the picked one may go on while its
 * records are no later than that. Ties go to the lower index.
 */
int	merge_pick(const struct merge_view *, int n, int64_t max_hold_ms,
	    int64_t *wait_ms, int64_t *limit_us);

#endif
