/*
 * One input's side of a window join: the records that may still meet a
 * record of the other input, ordered by event time, and for a keyed join
 * also grouped by key, so that finding a record's partners is a range
 * scan of one key's records. Records are kept as their raw lines.
 */
#ifndef WJOIN_WINDOW_H
#define WJOIN_WINDOW_H

#include <stddef.h>
#include <stdint.h>

struct window_bucket;

struct window_rec {
	int64_t			 ts;		/* µs */
	uint64_t		 seq;		/* arrival order, breaks ties */
	struct window_bucket	*bucket;	/* its key's records, or NULL */
	int			 matched;	/* met a partner already */
	uint64_t		 runs;		/* --eos: earlier runs that joined it */
	void			*pos;		/* --eos: its source partition */
	uint64_t		 pos_slot;	/* and its place there */
	size_t			 len;
	char			 line[];	/* NUL-terminated */
};

/* Records sorted by (ts, seq), in an array that is popped from the front. */
struct window_deque {
	struct window_rec	**v;
	size_t			  head, tail, cap;
};

struct window_store {
	int			 keyed;
	struct window_deque	 all;		/* every record, for eviction */
	struct window_bucket	*buckets;	/* key -> records (uthash) */
	size_t			 count, bytes, nbuckets;
	uint64_t		 seq;
};

/* Records of one key (or all) with lo <= ts <= hi, oldest first. */
struct window_range {
	struct window_deque	*d;
	size_t			 i;
	int64_t			 hi;
};

void	window_store_init(struct window_store *, int keyed);
void	window_store_free(struct window_store *);
/*
 * Copies line[0..len) into the store with time ts and, in a keyed store,
 * key[0..keylen). Inputs mostly come in order, so the place is sought
 * from the newest end. Returns the stored record.
 */
struct window_rec *
	window_store_insert(struct window_store *, int64_t ts, const char *key,
	    size_t keylen, const char *line, size_t len);
/* Starts a scan of the records of key (ignored if unkeyed) in [lo, hi]. */
void	window_store_range(struct window_store *, const char *key,
	    size_t keylen, int64_t lo, int64_t hi, struct window_range *);
struct window_rec *
	window_range_next(struct window_range *);
/*
 * Takes the oldest record out of the store if its time is below limit and
 * returns it (the caller frees it); otherwise NULL.
 */
struct window_rec *
	window_store_pop_before(struct window_store *, int64_t limit);
/* The oldest record's time, or INT64_MAX if the store is empty. */
int64_t	window_store_oldest(const struct window_store *);

#endif
