#include <stdint.h>

#include "merge.h"

int
merge_pick(const struct merge_view *v, int n, int64_t max_hold_ms,
    int64_t *wait_ms, int64_t *limit_us)
{
	int i, best = -1;
	int64_t wait = -1, second = INT64_MAX;

	for (i = 0; i < n; i++) {
		if (v[i].buffered || !v[i].unread || v[i].held_ms >= max_hold_ms)
			continue;
		if (wait < 0 || max_hold_ms - v[i].held_ms < wait)
			wait = max_hold_ms - v[i].held_ms;
	}
	if (wait >= 0) {
		*wait_ms = wait;
		return MERGE_WAIT;
	}
	for (i = 0; i < n; i++) {
		if (!v[i].buffered)
			continue;
		if (best < 0 || v[i].head_us < v[best].head_us) {
			if (best >= 0)
				second = v[best].head_us;
			best = i;
		} else if (v[i].head_us < second) {
			second = v[i].head_us;
		}
	}
	if (best < 0) {
		*wait_ms = -1;
		return MERGE_WAIT;
	}
	*limit_us = second;
	return best;
}
