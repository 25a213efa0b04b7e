/*
 * The open windows: one group of aggregates per window and key, found by
 * a hash of both, and closed (handed to the emit callback, then freed)
 * once the watermark reaches the window's end. Nothing here reads or
 * writes: it can be tested alone. Memory is held per open window and key,
 * not per record (but for count_distinct's values and quantiles' numbers
 * up to SKETCH_EXACT).
 *
 * Session windows (gap > 0) are per key: a record at ts makes the window
 * [ts, ts + gap), and windows of a key that overlap merge, so a session
 * is [its first time, its last time + gap).
 */
#ifndef WAGG_STORE_H
#define WAGG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"

struct group {
	struct group	*hnext;
	size_t		 idx;		/* in store.all */
	int64_t		 start, end;	/* µs; end not included */
	uint64_t	 seq;		/* made in this order */
	int		 dirty;		/* changed since --emit update wrote it */
	char		*key;		/* canonical JSON text, or "" */
	size_t		 keylen;
	struct agg_acc	*acc;		/* one per aggregate */
};

typedef void (*store_emit_fn)(void *arg, struct group *, int final);

struct store {
	const struct agg_list	*aggs;
	int64_t			 size, hop, gap;
	struct group		**bucket;
	size_t			 nbuckets;
	struct group		**all;		/* NULL where one left */
	size_t			 nall, capall;
	size_t			 open, open_max;
	int64_t			 next_close;	/* no end is earlier */
	uint64_t		 seq;
	store_emit_fn		 emit;
	void			*arg;
};

/* Tumbling: hop == size; hopping: hop < size; sessions: gap > 0. */
void	store_init(struct store *, const struct agg_list *, int64_t size,
	    int64_t hop, int64_t gap, store_emit_fn, void *arg);
void	store_free(struct store *);
/* Adds the aggregates' current values (aggs->v), of time ts and key. */
void	store_add(struct store *, int64_t ts, const char *key, size_t keylen);
/*
 * Emits and frees every window whose end is at or below wm, in the order
 * of their ends, then starts, then making. Returns how many.
 */
size_t	store_close(struct store *, int64_t wm);
/* Emits, not final, every window changed since the last call. */
size_t	store_updates(struct store *);
/* Bytes held, for --stats. */
size_t	store_bytes(const struct store *);

#endif
