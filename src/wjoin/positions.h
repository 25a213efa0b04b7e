/*
 * wjoin in an exactly-once pipeline (kin --eos ... | wjoin | kout --eos):
 * the source positions of both inputs. The wire format, what kin writes on
 * each record and what wjoin writes for kout, is kpsrc.h's. wjoin takes
 * each record's "_kp_src" out, marks its pair lines as pending and writes
 * position lines of its own, one entry per source partition that moved:
 * resume, the offset of its oldest record still in the window (if none,
 * the one after the last joined), processed, the offset after the last
 * record joined in this run, and the runs, this run's entry (its random
 * id, processed) after the earlier runs' that still reach beyond resume.
 * kout commits resume with the runs as the commit's metadata (eosruns.h),
 * so a restart reads the window again and kin marks each record with the
 * runs that joined it. Two records that share a run were paired by it;
 * they are not paired again, however many runs ended in the middle of a
 * window. kout commits a pair line's position only after it.
 */
#ifndef WJOIN_POSITIONS_H
#define WJOIN_POSITIONS_H

#include <stddef.h>
#include <stdint.h>

#include "eosruns.h"

/* Run ids given a bit of a record's mask; more are not told apart. */
#define POSITIONS_RUN_BITS	64

#define POSITIONS_WHY_MAX	256

/* One source partition: how far it was read, and its records in the window. */
struct pos_part {
	char		*topic;
	int32_t		 partition;
	int64_t		 next;		/* after the last record joined: processed */
	/* Offsets of the records held, in reading order; dead ones left go. */
	int64_t		*off;
	unsigned char	*alive;
	uint64_t	 base;		/* the slot number of off[0] */
	size_t		 head, n, cap;	/* off[head..n) are held or after one */
	/* Earlier runs that joined records beyond where this run began. */
	struct eos_run	 runs[EOS_RUNS_MAX];
	int		 nruns;
	int		 dirty;		/* moved since the last position line */
};

struct pos_side {
	char		*group;
	char		*member;	/* of the latest record */
	int32_t		 generation;	/* of the latest record */
	struct pos_part	**parts;	/* each stays where it is: records point to it */
	int		 nparts;
};

struct positions {
	int		 on;		/* records came with _kp_src */
	int		 known;		/* on or off, decided by the first record */
	int		 changed;	/* since the last position line */
	struct pos_side	 side[2];
	char		*buf[2];	/* each side's record without its _kp_src */
	size_t		 bufcap[2];
	char		 run[EOS_RUN_ID_MAX + 1]; /* this run's id */
	/* Earlier runs' ids, each a bit of pos_rec.runs. */
	char		 ids[POSITIONS_RUN_BITS][EOS_RUN_ID_MAX + 1];
	int		 nids;
};

/* Where a record came from, once taken out of its line. */
struct pos_rec {
	struct pos_part	*part;		/* NULL: not an exactly-once record */
	int64_t		 offset;
	uint64_t	 runs;		/* read again: the earlier runs that joined it */
};

void	positions_init(struct positions *);
void	positions_free(struct positions *);
/*
 * Takes "_kp_src" out of the line of side, if the stream carries
 * positions: *line and *len then point to the record without it, and
 * *rec says where it came from. Returns 0, or -1 with the reason if the
 * line's position is missing (in a stream that has them) or unusable.
 */
int	positions_take(struct positions *, int side, char **line, size_t *len,
	    struct pos_rec *, char why[POSITIONS_WHY_MAX]);
/*
 * The record has been joined or set aside: its partition's position moves
 * past it. (Not before: a record read but waiting for the other input is
 * not processed yet.)
 */
void	positions_done(struct positions *, const struct pos_rec *);
/* A record of that position is now held in the window; returns its slot. */
uint64_t positions_hold(struct positions *, const struct pos_rec *);
/* The record held in that slot has left the window. */
void	positions_release(struct positions *, struct pos_part *, uint64_t slot);
/*
 * Writes a position line to stdout if anything moved since the last one.
 */
void	positions_write(struct positions *);

#endif
