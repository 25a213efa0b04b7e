/*
 * The interval join itself, without I/O: records of two inputs come in one
 * at a time, each is matched against the other input's window store, and
 * each pair (l, r) with -before <= r.ts - l.ts <= after goes out exactly
 * once, when the second of the two arrives. Records stay stored only while
 * the watermark allows a partner to come; an outer side's records that
 * never met one go out with a null partner as they leave.
 */
#ifndef WJOIN_JOIN_H
#define WJOIN_JOIN_H

#include <stddef.h>
#include <stdint.h>

#include "positions.h"
#include "watermark.h"
#include "window.h"

enum join_type { JOIN_INNER, JOIN_LEFT, JOIN_RIGHT, JOIN_FULL };

/* A record as an input gave it; the join copies what it keeps. */
struct join_rec {
	int64_t		 ts;		/* µs */
	const char	*key;		/* keyed join: the key as text */
	size_t		 keylen;
	int		 nullkey;	/* keyed join: a null key, matching nothing */
	const char	*line;
	size_t		 len;
	const struct pos_rec *pos;	/* exactly-once: where it came from */
};

/* Receives output: a pair, or a record with NULL for the other side. */
typedef void	join_emit_fn(void *arg, const char *left, size_t leftlen,
		    const char *right, size_t rightlen);

struct join_counts {
	unsigned long	 in[2];		/* records taken in, late ones too */
	unsigned long	 late[2];
	unsigned long	 pairs;
	unsigned long	 replayed;	/* pairs of two replayed records, not written */
	unsigned long	 unmatched[2];	/* written with a null partner */
	size_t		 state_max;	/* most records stored at once */
};

struct join {
	int64_t			 before, after;	/* µs */
	int			 outer[2];
	int			 keyed;
	struct window_store	 store[2];
	struct watermark	 wm;
	join_emit_fn		*emit;
	void			*arg;
	struct positions	*pos;		/* source positions, for --eos streams */
	struct join_counts	 n;
};

/*
 * The window is -before_us <= r.ts - l.ts <= after_us; either bound may be
 * negative, but not both so far that the window is empty (the caller's
 * check). delay_us[side] is each input's allowed delay (watermark.h).
 */
void	join_init(struct join *, enum join_type, int keyed, int64_t before_us,
	    int64_t after_us, const int64_t delay_us[2], int64_t idle_ms,
	    int64_t now_ms, join_emit_fn *, void *arg);
/* Frees what is stored, writing nothing (a stop before the end). */
void	join_free(struct join *);
/*
 * Takes in a record of side. Returns 0, or 1 if it was late (below the
 * watermark): then it was counted and nothing else.
 */
int	join_add(struct join *, int side, const struct join_rec *);
/* Side has ended: whatever can no longer meet a partner goes. */
void	join_eof(struct join *, int side);
/* Input arrived on side (wall time now_ms): it is not idle. */
void	join_activity(struct join *, int side, int64_t now_ms);
/* Lets idle sides stop holding the watermark (see watermark_tick). */
void	join_tick(struct join *, int64_t now_ms, const int waiting[2]);
/*
 * --state: puts a record of side saved by an earlier run back in its store
 * as it was (matched or not), pairing it with nothing; then, once all are
 * back, join_restored lets go what the options of this run no longer keep.
 */
void	join_restore(struct join *, int side, const struct join_rec *,
	    int matched);
void	join_restored(struct join *);
/* Records stored on both sides. */
size_t	join_state(const struct join *);

#endif
