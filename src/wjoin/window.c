#include <err.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "kp.h"
#include "window.h"
#include "xalloc.h"

#undef uthash_fatal
#define uthash_fatal(msg)	errx(KP_EXIT_FAIL, "%s", msg)

struct window_bucket {
	UT_hash_handle		 hh;
	struct window_deque	 recs;
	size_t			 keylen;
	char			 key[];
};

static int
rec_before(const struct window_rec *a, int64_t ts, uint64_t seq)
{
	return a->ts < ts || (a->ts == ts && a->seq < seq);
}

static void
deque_free(struct window_deque *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* Makes room for one more at the tail. */
static void
deque_reserve(struct window_deque *d)
{
	size_t n = d->tail - d->head;

	if (d->tail < d->cap)
		return;
	if (d->head > 0 && d->head >= d->cap / 2) {
		memmove(d->v, d->v + d->head, n * sizeof(*d->v));
		d->head = 0;
		d->tail = n;
		return;
	}
	d->cap = d->cap ? d->cap * 2 : 8;
	d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
}

static void
deque_insert(struct window_deque *d, struct window_rec *r)
{
	size_t i;

	deque_reserve(d);
	for (i = d->tail; i > d->head && !rec_before(d->v[i - 1], r->ts,
	    r->seq); i--)
		;
	if (i < d->tail)
		memmove(d->v + i + 1, d->v + i, (d->tail - i) * sizeof(*d->v));
	d->v[i] = r;
	d->tail++;
}

/* The first index whose record's time is at least ts. */
static size_t
deque_lower_bound(const struct window_deque *d, int64_t ts)
{
	size_t lo = d->head, hi = d->tail, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->v[mid]->ts < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
window_store_init(struct window_store *ws, int keyed)
{
	memset(ws, 0, sizeof(*ws));
	ws->keyed = keyed;
}

void
window_store_free(struct window_store *ws)
{
	struct window_rec *r;
	struct window_bucket *b, *tmp;

	while ((r = window_store_pop_before(ws, INT64_MAX)) != NULL)
		free(r);
	HASH_ITER(hh, ws->buckets, b, tmp) {
		HASH_DEL(ws->buckets, b);
		deque_free(&b->recs);
		free(b);
	}
	deque_free(&ws->all);
}

static struct window_bucket *
bucket_get(struct window_store *ws, const char *key, size_t keylen)
{
	struct window_bucket *b;

	HASH_FIND(hh, ws->buckets, key, keylen, b);
	if (b != NULL)
		return b;
	b = xcalloc(1, sizeof(*b) + keylen + 1);
	b->keylen = keylen;
	memcpy(b->key, key, keylen);
	HASH_ADD_KEYPTR(hh, ws->buckets, b->key, keylen, b);
	ws->nbuckets++;
	return b;
}

struct window_rec *
window_store_insert(struct window_store *ws, int64_t ts, const char *key,
    size_t keylen, const char *line, size_t len)
{
	struct window_rec *r;

	r = xmalloc(sizeof(*r) + len + 1);
	r->ts = ts;
	r->seq = ws->seq++;
	r->matched = 0;
	r->runs = 0;
	r->pos = NULL;
	r->pos_slot = 0;
	r->len = len;
	memcpy(r->line, line, len);
	r->line[len] = '\0';
	r->bucket = NULL;
	if (ws->keyed) {
		r->bucket = bucket_get(ws, key, keylen);
		deque_insert(&r->bucket->recs, r);
	}
	deque_insert(&ws->all, r);
	ws->count++;
	ws->bytes += len;
	return r;
}

void
window_store_range(struct window_store *ws, const char *key, size_t keylen,
    int64_t lo, int64_t hi, struct window_range *rg)
{
	struct window_bucket *b = NULL;

	rg->hi = hi;
	rg->d = NULL;
	if (ws->keyed) {
		HASH_FIND(hh, ws->buckets, key, keylen, b);
		if (b == NULL)
			return;
		rg->d = &b->recs;
	} else
		rg->d = &ws->all;
	rg->i = deque_lower_bound(rg->d, lo);
}

struct window_rec *
window_range_next(struct window_range *rg)
{
	struct window_rec *r;

	if (rg->d == NULL || rg->i >= rg->d->tail)
		return NULL;
	r = rg->d->v[rg->i];
	if (r->ts > rg->hi)
		return NULL;
	rg->i++;
	return r;
}

struct window_rec *
window_store_pop_before(struct window_store *ws, int64_t limit)
{
	struct window_rec *r;
	struct window_bucket *b;

	if (ws->all.head == ws->all.tail || ws->all.v[ws->all.head]->ts >= limit)
		return NULL;
	r = ws->all.v[ws->all.head++];
	if (ws->all.head == ws->all.tail)
		ws->all.head = ws->all.tail = 0;
	/* Ordered alike, the oldest of all is the oldest of its key. */
	if ((b = r->bucket) != NULL) {
		b->recs.head++;
		if (b->recs.head == b->recs.tail) {
			HASH_DEL(ws->buckets, b);
			deque_free(&b->recs);
			free(b);
			ws->nbuckets--;
		}
		r->bucket = NULL;
	}
	ws->count--;
	ws->bytes -= r->len;
	return r;
}

int64_t
window_store_oldest(const struct window_store *ws)
{
	return ws->all.head == ws->all.tail ? INT64_MAX :
	    ws->all.v[ws->all.head]->ts;
}
