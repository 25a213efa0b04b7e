/*
 * kin's state, shared by its files: main.c (options and the reading
 * loops), message.c (a message to a line), order.c (--order time),
 * parts.c (the partitions read), group.c (the consumer group and its
 * commits) and eos.c (--eos).
 */
#ifndef KIN_H
#define KIN_H

#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "eosruns.h"
#include "eventtime.h"
#include "taken.h"

#define MAX_PARTITIONS		4096
#define KIN_BATCH		256	/* messages taken from librdkafka at once */

enum offset_kind { OFS_DEFAULT, OFS_BEGINNING, OFS_END, OFS_STORED, OFS_ABS,
    OFS_TAIL, OFS_TIME };

struct part {
	char	*topic;
	int32_t	 partition;
	int	 eof;
	int64_t	 next;		/* the offset after the last line written */
	int64_t	 read;		/* the offset after the last line read downstream */
	/* --order time: the partition's own queue and what it delivered */
	rd_kafka_queue_t *q;
	rd_kafka_message_t *buf[KIN_BATCH];
	int64_t	 buf_us[KIN_BATCH];	/* each one's time, or TIME_UNREAD */
	int	 head, nbuf;
	int64_t	 taken;		/* offset after the last message taken, or -1 */
	int64_t	 eof_at;	/* at its end there, nothing taken since; or -1 */
	int64_t	 held_since;	/* mono ms it began holding the merge, or 0 */
	int	 passed_over;	/* said that the merge went on without it */
	/* --eos: runs of a window filter that joined records beyond the commit */
	struct eos_run runs[EOS_RUNS_MAX];
	int	 nruns;
};

struct kin {
	rd_kafka_t	*rk;
	const char	*group;
	int		 envelope, exit_at_end;
	int		 eos_mode;	/* --eos: attach positions, commit nothing */
	int32_t		 eos_generation; /* --eos: of this assignment */
	char		*eos_member;	/* --eos: of this assignment, or NULL */
	int64_t		 drain_ms;	/* --eos: how long a revoke waits for kout */
	int		 closing;	/* leaving: what was read is handed over already */
	int64_t		 joining_since;	/* mono ms a join began, or 0 */
	int		 join_said;	/* that it takes long */
	enum offset_kind offset_kind;
	int64_t		 offset_value;
	int32_t		*only_parts;	/* -p, or NULL for all */
	int		 nonly_parts;
	unsigned long long count_limit, written;
	unsigned long	 rewritten;	/* values changed to fit one line */
	unsigned long	 replaced;	/* of those, bytes not UTF-8 replaced */
	unsigned long	 untimed;	/* merged at the Kafka timestamp: -t no time */
	struct part	*parts;		/* assigned partitions, for -e */
	int		 nparts;
	rd_kafka_topic_partition_list_t *seen;	/* given -o offsets already */
	int		 dirty;		/* lines written since the last flush */
	int64_t		 last_flush;
	int		 stdout_gone;	/* EPIPE: stop quietly */
	int		 tracking;	/* with a group: commit what was read (taken.h) */
	int		 dropped;	/* a message taken was not written (a stop) */
	int		 ends_met;	/* a partition's end was met since the last store */
	int		 since_look;	/* lines written since note_read */
	struct taken	 out;
	int		 failed;
	int		 merge;		/* --order time */
	struct eventtime ts;		/* -t: the time that orders the merge */
	int64_t		 max_hold_ms;
	int		 wake[2];	/* librdkafka writes here when a queue fills */
};

#endif
