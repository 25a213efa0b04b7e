/*
 * The partitions kin reads: where each starts (-o), its own queue for
 * --order time, and how far it was written and read.
 */
#ifndef KIN_PARTS_H
#define KIN_PARTS_H

#include "kin.h"

/* Sets the -o starting offset on partitions not yet given one. */
void	apply_offsets(struct kin *, rd_kafka_topic_partition_list_t *);
/* The partitions assigned now (NULL: none); their lines not read are forgotten. */
void	parts_set(struct kin *, const rd_kafka_topic_partition_list_t *);
struct part *parts_find(struct kin *, const char *topic, int32_t partition);
/* Whether every partition is at its end, with nothing buffered. */
int	all_at_end(const struct kin *);

#endif
