#include <stdint.h>

#include "watermark.h"

int64_t
time_sub(int64_t a, int64_t b)
{
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	return a - b;
}

int64_t
time_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

void
watermark_init(struct watermark *wm, const int64_t delay_us[2],
    int64_t idle_ms, int64_t now_ms)
{
	int s;

	wm->idle_ms = idle_ms;
	wm->value = WM_NONE;
	for (s = 0; s < 2; s++) {
		wm->side[s].delay = delay_us[s];
		wm->side[s].max_ts = WM_NONE;
		wm->side[s].last_ms = now_ms;
		wm->side[s].eof = 0;
		wm->side[s].idle = 0;
	}
}

int
watermark_late(const struct watermark *wm, int64_t ts)
{
	return ts < wm->value;
}

/*
 * The smallest watermark of the sides that count. An idle side does not
 * count while another is active. Once every side that has not ended is
 * idle, nothing holds the watermark back any more: it moves to the
 * largest of theirs, as Flink's does.
 */
static int
recompute(struct watermark *wm)
{
	int64_t v = WM_END, idle_max = WM_NONE, own;
	int s, active = 0, ended = 0;

	for (s = 0; s < 2; s++) {
		const struct watermark_side *sd = &wm->side[s];

		if (sd->eof) {
			ended++;
			continue;
		}
		own = sd->max_ts == WM_NONE ? WM_NONE :
		    time_sub(sd->max_ts, sd->delay);
		if (sd->idle) {
			if (own > idle_max)
				idle_max = own;
			continue;
		}
		active++;
		if (own < v)
			v = own;
	}
	if (active == 0 && ended < 2)
		v = idle_max;
	if (v <= wm->value)
		return 0;
	wm->value = v;
	return 1;
}

int
watermark_observe(struct watermark *wm, int side, int64_t ts)
{
	struct watermark_side *sd = &wm->side[side];

	if (ts <= sd->max_ts)
		return 0;
	sd->max_ts = ts;
	return recompute(wm);
}

void
watermark_activity(struct watermark *wm, int side, int64_t now_ms)
{
	wm->side[side].last_ms = now_ms;
	wm->side[side].idle = 0;
}

int
watermark_eof(struct watermark *wm, int side)
{
	wm->side[side].eof = 1;
	return recompute(wm);
}

int
watermark_tick(struct watermark *wm, int64_t now_ms, const int waiting[2])
{
	int s, changed = 0;

	if (wm->idle_ms <= 0)
		return 0;
	for (s = 0; s < 2; s++) {
		struct watermark_side *sd = &wm->side[s];

		if (waiting[s])
			sd->last_ms = now_ms;
		else if (!sd->eof && !sd->idle &&
		    now_ms - sd->last_ms >= wm->idle_ms) {
			sd->idle = 1;
			changed = 1;
		}
	}
	return changed ? recompute(wm) : 0;
}

int64_t
watermark_idle_in(const struct watermark *wm, int64_t now_ms)
{
	int64_t in = -1, left;
	int s;

	if (wm->idle_ms <= 0)
		return -1;
	for (s = 0; s < 2; s++) {
		const struct watermark_side *sd = &wm->side[s];

		if (sd->eof || sd->idle)
			continue;
		left = sd->last_ms + wm->idle_ms - now_ms;
		if (left < 0)
			left = 0;
		if (in < 0 || left < in)
			in = left;
	}
	return in;
}

int64_t
watermark_floor(const struct watermark *wm, int side)
{
	return wm->side[side].eof ? WM_END : wm->value;
}

void
watermark_restore(struct watermark *wm, const int64_t max_ts[2],
    int64_t value)
{
	int s;

	for (s = 0; s < 2; s++)
		if (max_ts[s] > wm->side[s].max_ts)
			wm->side[s].max_ts = max_ts[s];
	if (value != WM_END && value > wm->value)
		wm->value = value;
	recompute(wm);
}
