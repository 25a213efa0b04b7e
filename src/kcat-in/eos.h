/*
 * kin --eos: exactly-once through a shell pipe, with kout --eos. kin
 * commits nothing: each record goes out with its source position (the
 * wire format is kpsrc.h's), and kout --eos commits the offsets in the
 * transaction that produces the record's output. kin gives kout what it
 * needs for that (the group generation and member id the records were
 * read under), hands partitions over on a rebalance only once kout has
 * committed what was written from them, and marks a record read again
 * after a restart with the runs of a window filter that joined it.
 */
#ifndef KIN_EOS_H
#define KIN_EOS_H

#include "kin.h"

/*
 * Partitions assigned: the generation and member id to write on their
 * records. Exits 1 if librdkafka does not give them.
 */
void	kin_eos_generation(struct kin *);
/* Partitions assigned: the runs beyond each one's committed offset. */
void	kin_eos_replay_marks(struct kin *,
	    const rd_kafka_topic_partition_list_t *);
/* Partitions revoked, or the end: waits until kout has committed them. */
void	kin_eos_drain(struct kin *);
/*
 * Writes a message as a line with its position (pt: its partition, or
 * NULL). Returns -1 if stdout has an error.
 */
int	kin_eos_write(struct kin *, const rd_kafka_message_t *,
	    const struct part *pt);

#endif
