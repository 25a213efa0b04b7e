/*
 * kout --eos: exactly-once from kin --eos through a shell pipe. Each record
 * carries its source position in "_kp_src"; kout strips it, produces the
 * record in a Kafka transaction, and commits the source offsets in that
 * same transaction. Whatever dies, the output and the committed input
 * offsets move together or not at all.
 */
#ifndef KOUT_EOS_H
#define KOUT_EOS_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

struct eos {
	rd_kafka_t				*rk;
	char					*group;
	rd_kafka_consumer_group_metadata_t	*cgmd;	/* of the open transaction */
	int32_t					 generation;	/* its records were read under */
	char					*member;
	rd_kafka_topic_partition_list_t		*offsets;	/* next offset per source partition */
	int					 in_txn;
	int64_t					 txn_started;	/* mono_ms */
	unsigned long				 txn_records;
	unsigned long				 committed_records;
	char					*buf;		/* the record without _kp_src */
	size_t					 bufcap;
};

/* What one line holds once its source position is taken out. */
struct eos_record {
	const char	*value;		/* NULL: a tombstone */
	size_t		 value_len;
	char		*owned;		/* to free, if value had to be decoded */
};

/* Initialises transactions; exits 1 if the broker cannot give them. */
void	eos_init(struct eos *, rd_kafka_t *, int64_t timeout_ms);
/*
 * Takes the source position out of a line and notes it for the current
 * transaction, which it begins if needed. Returns 0, or -1 with *why set
 * if the line carries no valid position.
 */
int	eos_take(struct eos *, const char *line, size_t len,
	    struct eos_record *, const char **why);
/* Commits the transaction with its offsets; exits 1 if that fails. */
void	eos_commit(struct eos *);
void	eos_free(struct eos *);

#endif
