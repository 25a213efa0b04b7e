#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "watermark.h"
#include "window.h"
#include "xalloc.h"

void
store_init(struct store *st, const struct agg_list *aggs, int64_t size,
    int64_t hop, int64_t gap, store_emit_fn emit, void *arg)
{
	memset(st, 0, sizeof(*st));
	st->aggs = aggs;
	st->size = size;
	st->hop = hop;
	st->gap = gap;
	st->emit = emit;
	st->arg = arg;
	st->next_close = WM_END;
	st->nbuckets = 64;
	st->bucket = xcalloc(st->nbuckets, sizeof(*st->bucket));
}

static void
group_free(struct store *st, struct group *g)
{
	agg_acc_free(st->aggs, g->acc);
	free(g->acc);
	free(g->key);
	free(g);
}

void
store_free(struct store *st)
{
	size_t i;

	for (i = 0; i < st->nall; i++)
		if (st->all[i] != NULL)
			group_free(st, st->all[i]);
	free(st->all);
	free(st->bucket);
	memset(st, 0, sizeof(*st));
}

static size_t
hash(const struct store *st, int64_t start, const char *key, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	/* Sessions: all windows of a key in one chain. */
	if (st->gap == 0)
		h ^= (uint64_t)start * 0x9e3779b97f4a7c15ULL;
	while (len-- > 0)
		h = (h ^ (unsigned char)*key++) * 1099511628211ULL;
	h ^= h >> 29;
	return (size_t)(h & (st->nbuckets - 1));
}

static void
rehash(struct store *st)
{
	struct group **old = st->bucket, *g, *next;
	size_t i, n = st->nbuckets;

	st->nbuckets *= 2;
	st->bucket = xcalloc(st->nbuckets, sizeof(*st->bucket));
	for (i = 0; i < n; i++)
		for (g = old[i]; g != NULL; g = next) {
			size_t h = hash(st, g->start, g->key, g->keylen);

			next = g->hnext;
			g->hnext = st->bucket[h];
			st->bucket[h] = g;
		}
	free(old);
}

static struct group *
group_new(struct store *st, int64_t start, int64_t end, const char *key,
    size_t keylen)
{
	struct group *g;
	size_t h;

	if (st->open + 1 > st->nbuckets)
		rehash(st);
	g = xcalloc(1, sizeof(*g));
	g->acc = xcalloc((size_t)st->aggs->n, sizeof(*g->acc));
	g->key = xmalloc(keylen + 1);
	memcpy(g->key, key, keylen);
	g->key[keylen] = '\0';
	g->keylen = keylen;
	g->start = start;
	g->end = end;
	g->seq = st->seq++;
	agg_acc_init(st->aggs, g->acc);
	h = hash(st, start, key, keylen);
	g->hnext = st->bucket[h];
	st->bucket[h] = g;
	if (st->nall == st->capall) {
		st->capall = st->capall ? st->capall * 2 : 64;
		st->all = xreallocarray(st->all, st->capall, sizeof(*st->all));
	}
	g->idx = st->nall;
	st->all[st->nall++] = g;
	if (++st->open > st->open_max)
		st->open_max = st->open;
	if (end < st->next_close)
		st->next_close = end;
	return g;
}

/* Takes g out of its chain and of all; the caller frees it. */
static void
group_unlink(struct store *st, struct group *g)
{
	struct group **pp;

	for (pp = &st->bucket[hash(st, g->start, g->key, g->keylen)];
	    *pp != g; pp = &(*pp)->hnext)
		;
	*pp = g->hnext;
	st->all[g->idx] = NULL;
	st->open--;
}

static int
same_key(const struct group *g, const char *key, size_t keylen)
{
	return g->keylen == keylen && memcmp(g->key, key, keylen) == 0;
}

static void
add_session(struct store *st, int64_t ts, const char *key, size_t keylen)
{
	struct group *g, *next, *into = NULL;
	int64_t end = time_add(ts, st->gap);

	for (g = st->bucket[hash(st, 0, key, keylen)]; g != NULL; g = next) {
		next = g->hnext;
		if (!same_key(g, key, keylen) || ts >= g->end ||
		    end <= g->start)
			continue;
		if (into == NULL) {
			into = g;
			continue;
		}
		/* The record bridges two sessions: they are one now. */
		agg_acc_merge(st->aggs, into->acc, g->acc);
		if (g->start < into->start)
			into->start = g->start;
		if (g->end > into->end)
			into->end = g->end;
		if (g->seq < into->seq)
			into->seq = g->seq;
		group_unlink(st, g);
		group_free(st, g);
	}
	if (into == NULL)
		into = group_new(st, ts, end, key, keylen);
	if (ts < into->start)
		into->start = ts;
	if (end > into->end)
		into->end = end;
	agg_acc_add(st->aggs, into->acc, ts);
	into->dirty = 1;
}

void
store_add(struct store *st, int64_t ts, const char *key, size_t keylen)
{
	struct group *g;
	int64_t s;

	if (key == NULL) {
		key = "";
		keylen = 0;
	}
	if (st->gap > 0) {
		add_session(st, ts, key, keylen);
		return;
	}
	for (s = window_first(ts, st->size, st->hop); s <= ts;
	    s = time_add(s, st->hop)) {
		for (g = st->bucket[hash(st, s, key, keylen)]; g != NULL;
		    g = g->hnext)
			if (g->start == s && same_key(g, key, keylen))
				break;
		if (g == NULL)
			g = group_new(st, s, time_add(s, st->size), key, keylen);
		agg_acc_add(st->aggs, g->acc, ts);
		g->dirty = 1;
		if (s == INT64_MAX)
			break;
	}
}

static int
group_order(const void *a, const void *b)
{
	const struct group *x = *(struct group *const *)a;
	const struct group *y = *(struct group *const *)b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Drops the holes in all, keeping the order. */
static void
compact(struct store *st)
{
	size_t i, n = 0;

	for (i = 0; i < st->nall; i++)
		if (st->all[i] != NULL) {
			st->all[n] = st->all[i];
			st->all[n]->idx = n;
			n++;
		}
	st->nall = n;
}

size_t
store_close(struct store *st, int64_t wm)
{
	struct group **done = NULL, *g;
	size_t i, n = 0;

	if (wm < st->next_close)
		return 0;
	st->next_close = WM_END;
	for (i = 0; i < st->nall; i++) {
		if ((g = st->all[i]) == NULL)
			continue;
		if (g->end > wm) {
			if (g->end < st->next_close)
				st->next_close = g->end;
			continue;
		}
		if (done == NULL)
			done = xcalloc(st->nall, sizeof(*done));
		done[n++] = g;
	}
	for (i = 0; i < n; i++)
		group_unlink(st, done[i]);
	compact(st);
	if (n == 0)
		return 0;
	qsort(done, n, sizeof(*done), group_order);
	for (i = 0; i < n; i++) {
		st->emit(st->arg, done[i], 1);
		group_free(st, done[i]);
	}
	free(done);
	return n;
}

size_t
store_updates(struct store *st)
{
	struct group **dirty = NULL;
	size_t i, n = 0;

	for (i = 0; i < st->nall; i++) {
		if (st->all[i] == NULL || !st->all[i]->dirty)
			continue;
		if (dirty == NULL)
			dirty = xcalloc(st->nall, sizeof(*dirty));
		dirty[n++] = st->all[i];
	}
	if (n == 0)
		return 0;
	qsort(dirty, n, sizeof(*dirty), group_order);
	for (i = 0; i < n; i++) {
		dirty[i]->dirty = 0;
		st->emit(st->arg, dirty[i], 0);
	}
	free(dirty);
	return n;
}

size_t
store_bytes(const struct store *st)
{
	size_t i, bytes = st->nbuckets * sizeof(*st->bucket) +
	    st->capall * sizeof(*st->all);

	for (i = 0; i < st->nall; i++)
		if (st->all[i] != NULL)
			bytes += sizeof(struct group) + (size_t)st->aggs->n *
			    sizeof(struct agg_acc) + st->all[i]->keylen + 1 +
			    agg_acc_bytes(st->aggs, st->all[i]->acc);
	return bytes;
}
