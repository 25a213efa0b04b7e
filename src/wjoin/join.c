#include <stdlib.h>
#include <string.h>

#include "join.h"

void
join_init(struct join *j, enum join_type type, int keyed, int64_t before_us,
    int64_t after_us, const int64_t delay_us[2], int64_t idle_ms,
    int64_t now_ms, join_emit_fn *emit, void *arg)
{
	memset(j, 0, sizeof(*j));
	j->before = before_us;
	j->after = after_us;
	j->outer[SIDE_LEFT] = type == JOIN_LEFT || type == JOIN_FULL;
	j->outer[SIDE_RIGHT] = type == JOIN_RIGHT || type == JOIN_FULL;
	j->keyed = keyed;
	window_store_init(&j->store[SIDE_LEFT], keyed);
	window_store_init(&j->store[SIDE_RIGHT], keyed);
	watermark_init(&j->wm, delay_us, idle_ms, now_ms);
	j->emit = emit;
	j->arg = arg;
}

void
join_free(struct join *j)
{
	window_store_free(&j->store[SIDE_LEFT]);
	window_store_free(&j->store[SIDE_RIGHT]);
}

/*
 * How far a record of side reaches into the other side's times: a left l
 * meets r with l.ts - before <= r.ts <= l.ts + after, a right r meets l
 * with r.ts - after <= l.ts <= r.ts + before. Either may be negative, for
 * a window that does not hold 0 (a right record 1 to 3 s after the left).
 */
static int64_t
reach_back(const struct join *j, int side)
{
	return side == SIDE_LEFT ? j->before : j->after;
}

static int64_t
reach_ahead(const struct join *j, int side)
{
	return side == SIDE_LEFT ? j->after : j->before;
}

static void
emit_pair(struct join *j, int side, const char *a, size_t alen, const char *b,
    size_t blen)
{
	if (side == SIDE_LEFT)
		j->emit(j->arg, a, alen, b, blen);
	else
		j->emit(j->arg, b, blen, a, alen);
}

static void
emit_unmatched(struct join *j, int side, const char *line, size_t len)
{
	j->n.unmatched[side]++;
	emit_pair(j, side, line, len, NULL, 0);
}

/*
 * The earliest time a record of side must have for a record of the other
 * side still to meet it: the other side's records to come are at or after
 * its floor, and a record of side reaches at most reach_ahead past its own
 * time (with a negative reach_ahead, not even up to it).
 */
static int64_t
keep_from(const struct join *j, int side)
{
	int64_t floor = watermark_floor(&j->wm, !side);

	return floor == WM_END ? WM_END : time_sub(floor, reach_ahead(j, side));
}

/* Drops the records of side that no record of the other side can meet. */
static void
evict(struct join *j, int side)
{
	struct window_rec *r;
	int64_t limit = keep_from(j, side);

	while ((r = window_store_pop_before(&j->store[side], limit)) != NULL) {
		if (!r->matched && j->outer[side])
			emit_unmatched(j, side, r->line, r->len);
		if (r->pos != NULL)
			positions_release(j->pos, r->pos, r->pos_slot);
		free(r);
	}
}

static void
evict_both(struct join *j)
{
	evict(j, SIDE_LEFT);
	evict(j, SIDE_RIGHT);
}

int
join_add(struct join *j, int side, const struct join_rec *x)
{
	struct window_range rg;
	struct window_rec *m, *stored;
	int other = !side, matched = 0;

	j->n.in[side]++;
	if (watermark_late(&j->wm, x->ts)) {
		j->n.late[side]++;
		return 1;
	}
	if (!j->keyed || !x->nullkey) {
		window_store_range(&j->store[other], x->key, x->keylen,
		    time_sub(x->ts, reach_back(j, side)),
		    time_add(x->ts, reach_ahead(j, side)), &rg);
		while ((m = window_range_next(&rg)) != NULL) {
			if (x->pos != NULL && (m->runs & x->pos->runs) != 0) {
				/* Both joined by one earlier run: paired then. */
				m->matched = matched = 1;
				j->n.replayed++;
				continue;
			}
			emit_pair(j, side, x->line, x->len, m->line, m->len);
			m->matched = 1;
			matched = 1;
			j->n.pairs++;
		}
	}
	/*
	 * Kept only if a record of the other side may still come to meet it:
	 * not once the other side has ended, nor, in a window that lies wholly
	 * before the record, if its partners are all below the watermark.
	 */
	if (x->ts < keep_from(j, side) || (j->keyed && x->nullkey)) {
		if (!matched && j->outer[side])
			emit_unmatched(j, side, x->line, x->len);
	} else {
		stored = window_store_insert(&j->store[side], x->ts, x->key,
		    x->keylen, x->line, x->len);
		stored->matched = matched;
		if (x->pos != NULL && x->pos->part != NULL) {
			stored->runs = x->pos->runs;
			stored->pos = x->pos->part;
			stored->pos_slot = positions_hold(j->pos, x->pos);
		}
		if (join_state(j) > j->n.state_max)
			j->n.state_max = join_state(j);
	}
	if (watermark_observe(&j->wm, side, x->ts))
		evict_both(j);
	return 0;
}

void
join_eof(struct join *j, int side)
{
	watermark_eof(&j->wm, side);
	/* Even if the watermark stays, the other side's records are done. */
	evict_both(j);
}

void
join_activity(struct join *j, int side, int64_t now_ms)
{
	watermark_activity(&j->wm, side, now_ms);
}

void
join_tick(struct join *j, int64_t now_ms, const int waiting[2])
{
	if (watermark_tick(&j->wm, now_ms, waiting))
		evict_both(j);
}

void
join_restore(struct join *j, int side, const struct join_rec *x, int matched)
{
	struct window_rec *stored;

	if (j->keyed && x->nullkey)
		return;
	stored = window_store_insert(&j->store[side], x->ts, x->key,
	    x->keylen, x->line, x->len);
	stored->matched = matched;
	if (join_state(j) > j->n.state_max)
		j->n.state_max = join_state(j);
}

void
join_restored(struct join *j)
{
	evict_both(j);
}

size_t
join_state(const struct join *j)
{
	return j->store[SIDE_LEFT].count + j->store[SIDE_RIGHT].count;
}
