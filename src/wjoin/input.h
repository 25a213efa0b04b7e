/*
 * wjoin's two inputs, read at once with poll(2): each line is parsed as
 * it is taken, bad ones set aside, and of two records waiting the one
 * earlier in event time goes first, so that recorded inputs are merged in
 * event time and the join keeps as little as it does for live ones.
 */
#ifndef WJOIN_INPUT_H
#define WJOIN_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "lineio.h"
#include "positions.h"
#include "record.h"

struct join;
struct rejects;

/* One input: its lines, and the next record, read but not yet joined. */
struct input {
	struct line_reader	 r;
	struct record_spec	 spec;
	struct record		 rec;
	char			*line;
	size_t			 len;
	int			 side;
	int			 have;		/* rec and line wait to be joined */
	int			 done;		/* every line was taken */
	int			 quiet;		/* polled, had nothing to read */
	int64_t			 last_data_ms;	/* when a read last got data */
	struct pos_rec		 pos;		/* where rec came from (--eos) */
	int			 end_unsaid;	/* ended before the mode was known */
	int			 cut;		/* --eos: ended in a half-written line */
};

/* The two inputs and what reading them reports to. */
struct inputs {
	struct input	 in[2];
	struct join	*join;		/* told of ends and of activity */
	struct rejects	*rj;		/* takes the bad lines */
	struct positions *pos;		/* source positions of --eos records */
	int		 pause_at_end;	/* --state: an end is a stop, not the end */
	int		 strict_side;	/* --strict: the side that ended at a bad line, or -1 */
	struct input	*behind;	/* INPUTS_BEHIND: the side behind in event time */
	int64_t		 behind_until;	/* INPUTS_BEHIND: wait for it until (mono_ms) */
};

/* inputs_next's answers besides a side. */
#define INPUTS_NONE	(-1)		/* no record waits on either side */
#define INPUTS_READ	2		/* more was read; ask again */
#define INPUTS_BEHIND	3		/* flush, then call inputs_wait_behind */

/* Opens FILE for reading without waiting for a FIFO's writer; exits 1. */
int	input_open(const char *path);
void	inputs_init(struct inputs *, int left_fd, const char *left_name,
	    int right_fd, const char *right_name, struct join *,
	    struct rejects *, struct positions *);
void	inputs_free(struct inputs *);
/*
 * The side whose record goes next (SIDE_LEFT or SIDE_RIGHT): of two the
 * earlier. With one waiting, the other side is asked once whether it has
 * input and, if it is behind in event time and was delivering a moment
 * ago, given that moment again: INPUTS_BEHIND, so that the caller flushes
 * what it has joined before inputs_wait_behind blocks. Sets *failed if a
 * read failed.
 */
int	inputs_next(struct inputs *, int *failed);
/* After INPUTS_BEHIND: waits out that moment for the side behind. */
void	inputs_wait_behind(struct inputs *, int *failed);
/* Polls the sides that have not ended; returns 1 if any is readable. */
int	inputs_poll(struct inputs *, int timeout_ms, int ready[2]);
/* One read from a side. Returns -1 (after a warning) if it failed. */
int	inputs_fill(struct inputs *, int side);
/* Input is pending on side: a record, or bytes not yet taken. */
int	inputs_pending(const struct inputs *, int side);

#endif
