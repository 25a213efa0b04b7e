/*
 * --order time: each partition's messages come to its own queue, and the
 * merge (merge.h) decides which partition's record goes next, by the time
 * in the record (-t) or its Kafka timestamp.
 */
#ifndef KIN_ORDER_H
#define KIN_ORDER_H

#include "kin.h"

/*
 * One step of the merge: fills the empty buffers, then writes from the
 * partition whose record is earliest, for as long as it stays so. Returns
 * 1 if it wrote, 0 if it must wait (*wait_ms as merge_pick says), -1 to
 * stop.
 */
int	merge_step(struct kin *, int64_t *wait_ms);

#endif
