/*
 * kout --eos: exactly-once from kin --eos through a shell pipe. Each record
 * carries its source position in "_kp_src" (kpsrc.h); kout strips it,
 * produces the record in a Kafka transaction, and commits the source
 * offsets in that same transaction. Whatever dies, the output and the
 * committed input offsets move together or not at all.
 */
#ifndef KOUT_EOS_H
#define KOUT_EOS_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

/* A consumer group whose offsets the open transaction commits. */
struct eos_group {
	char				*name;
	int32_t				 generation;	/* its records were read under, -1: none */
	char				*member;
	rd_kafka_topic_partition_list_t	*offsets;	/* where each source partition resumes */
};

struct eos {
	rd_kafka_t				*rk;
	struct eos_group			*groups;	/* of the open transaction */
	int					 ngroups;
	int					 in_txn;
	int					 pending;	/* lines whose position is yet to come */
	int64_t					 txn_started;	/* mono_ms */
	unsigned long				 txns;		/* transactions begun */
	unsigned long				 txn_records;
	unsigned long				 committed_records;
	char					*buf;		/* the record without _kp_src */
	size_t					 bufcap;
	/* If set, called before each commit: what the caller holds back goes out. */
	void					(*flush)(void *);
	void					*flush_arg;
};

/* What one line holds once its source position is taken out. */
struct eos_record {
	const char	*value;		/* NULL: a tombstone */
	size_t		 value_len;
	char		*owned;		/* to free, if value had to be decoded */
	int		 position_only;	/* a window filter's position: nothing to produce */
};

/*
 * A transaction is committed once EOS_COMMIT_MS old, or once EOS_LIVE_MS
 * old if it holds fewer lines than EOS_LIVE_RATE a second would have
 * brought (a live stream, not a backlog).
 */
#define EOS_COMMIT_MS	100
#define EOS_LIVE_MS	20
#define EOS_LIVE_RATE	5000
/*
 * Whether it is due is asked every EOS_CLOCK_LINES lines, and whenever
 * the input runs dry: a clock read after every line cost kout --eos 3% of
 * its CPU, and 64 lines take well under a millisecond.
 */
#define EOS_CLOCK_LINES	64

/* Initialises transactions; exits 1 if the broker cannot give them. */
void	eos_init(struct eos *, rd_kafka_t *, int64_t timeout_ms);
/*
 * Takes the source position out of a line (its "_kp_src", kpsrc.h) and
 * notes it for the current transaction, which it begins if needed, and
 * unwraps the value. Returns 0, or -1 with *why set if the line is not
 * JSON (checked in the same pass) or carries no valid position. A window filter's line whose position comes later
 * keeps the transaction from committing until its position line.
 */
int	eos_take(struct eos *, const char *line, size_t len,
	    struct eos_record *, const char **why);
/*
 * Commits the transaction with its offsets; exits 1 if that fails. Does
 * nothing while lines of a window filter wait for their position.
 */
void	eos_commit(struct eos *);
/*
 * At the end of input: commits, or if lines still wait for their position
 * (the filter died), aborts the transaction and exits 1.
 */
void	eos_finish(struct eos *);
/* Milliseconds until the open transaction is due (0: now), at most 100. */
int	eos_commit_wait(const struct eos *, int64_t now_ms);
void	eos_free(struct eos *);

#endif
