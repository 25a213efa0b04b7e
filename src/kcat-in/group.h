/*
 * kin's consumer group: offsets committed only once the next program has
 * read their lines (taken.h), partitions handed over on a rebalance
 * (with --eos, once kout --eos has committed them), the group left at the
 * end.
 */
#ifndef KIN_GROUP_H
#define KIN_GROUP_H

#include "kin.h"

/* Moves each partition's read offset past the lines read by now. */
void	note_read(struct kin *);
/*
 * With a group, stores the position of every assigned partition after the
 * last line the next program has read.
 */
void	store_read(struct kin *);
/* Flushes stdout, then stores what has been read of it. */
void	flush_and_store(struct kin *);
/* Nothing to write: stores what the reader took meanwhile, notes a closed pipe. */
void	store_idle(struct kin *);
/* Waits, up to --drain-timeout, for the lines in the pipe to be read. */
void	wait_read(struct kin *);
/* Commits the stored offsets now; a failure is said. */
void	commit_now(struct kin *);
/* The rebalance callback: partitions assigned or revoked. */
void	on_rebalance(rd_kafka_t *, rd_kafka_resp_err_t,
	    rd_kafka_topic_partition_list_t *, void *opaque);
/* Says once that joining the group takes long. */
void	join_note(struct kin *);
/* Leaves the group: 0 once closed, -1 if the leave had no answer in time. */
int	consumer_close(struct kin *);

#endif
