/* wjoin's watermark: the slower side sets it, delay, ends, idleness. */
#include <stdio.h>

#include "tap.h"
#include "watermark.h"

#define L	SIDE_LEFT
#define R	SIDE_RIGHT

static const int64_t no_delay[2] = { 0, 0 }, delay30[2] = { 30, 30 };
static const int64_t delay1000[2] = { 1000, 1000 };
static const int64_t left30_right5[2] = { 30, 5 };

int
main(void)
{
	struct watermark wm;
	int none[2] = { 0, 0 }, left_waiting[2] = { 1, 0 };

	watermark_init(&wm, no_delay, 0, 0);
	tap_ok(wm.value == WM_NONE && !watermark_late(&wm, INT64_MIN + 1),
	    "no watermark before any record: nothing is late");
	tap_ok(watermark_observe(&wm, L, 100) == 0 && wm.value == WM_NONE,
	    "one side alone does not move it");
	tap_ok(watermark_observe(&wm, R, 50) == 1 && wm.value == 50,
	    "with both, the smaller maximum");
	tap_ok(watermark_observe(&wm, R, 40) == 0 && wm.value == 50,
	    "an older record moves nothing");
	tap_ok(watermark_late(&wm, 49) && !watermark_late(&wm, 50),
	    "late means below the watermark, not at it");
	tap_ok(watermark_observe(&wm, R, 200) == 1 && wm.value == 100,
	    "the slower side now the left");
	tap_ok(watermark_floor(&wm, L) == 100 && watermark_floor(&wm, R) == 100,
	    "both sides' floor is the join's watermark");
	tap_ok(watermark_eof(&wm, L) == 1 && wm.value == 200,
	    "at one end, the other side's watermark");
	tap_ok(watermark_floor(&wm, L) == WM_END && watermark_floor(&wm, R) == 200,
	    "an ended side's floor is the end");
	tap_ok(watermark_eof(&wm, R) == 1 && wm.value == WM_END,
	    "both ended: past every time");

	watermark_init(&wm, delay30, 0, 0);
	watermark_observe(&wm, L, 100);
	watermark_observe(&wm, R, 100);
	tap_ok(wm.value == 70, "the delay holds the watermark back");
	watermark_observe(&wm, R, INT64_MIN + 10);
	watermark_init(&wm, delay1000, 0, 0);
	watermark_observe(&wm, L, INT64_MIN + 10);
	watermark_observe(&wm, R, INT64_MIN + 10);
	tap_ok(wm.value == INT64_MIN, "no overflow at the bottom of time");
	tap_ok(time_add(INT64_MAX - 1, 5) == INT64_MAX &&
	    time_sub(INT64_MIN + 1, 5) == INT64_MIN && time_sub(10, 3) == 7 &&
	    time_sub(INT64_MAX - 1, -5) == INT64_MAX,
	    "time arithmetic saturates");

	/* A delay per input: each side's own, the join's the smaller. */
	watermark_init(&wm, left30_right5, 0, 0);
	watermark_observe(&wm, L, 100);
	watermark_observe(&wm, R, 100);
	tap_ok(wm.value == 70, "each side its own delay: min(100 - 30, 100 - 5)");
	tap_ok(!watermark_late(&wm, 70) && watermark_late(&wm, 69),
	    "the left may be 30 behind, not 31");
	watermark_observe(&wm, L, 200);
	tap_ok(wm.value == 95, "the right, 5 behind its newest, now sets it");
	tap_ok(watermark_late(&wm, 94),
	    "so a record 6 behind the right's newest is late");
	watermark_observe(&wm, R, 300);
	tap_ok(wm.value == 170, "the left again, with its own delay");
	tap_ok(watermark_eof(&wm, R) == 0 && wm.value == 170,
	    "the right ended: the left's own watermark, delay included");
	watermark_observe(&wm, L, 230);
	tap_ok(wm.value == 200 && !watermark_late(&wm, 200) &&
	    watermark_late(&wm, 199), "and it moves with the left's delay");
	watermark_init(&wm, left30_right5, 1000, 0);
	watermark_observe(&wm, L, 100);
	watermark_observe(&wm, R, 500);
	tap_ok(wm.value == 70, "the left behind, by its own delay");
	watermark_activity(&wm, R, 2000);
	tap_ok(watermark_tick(&wm, 2000, none) == 1 && wm.value == 495,
	    "the left idle: the right's own watermark, its delay only");

	/* Idleness, with wall time in ms. */
	watermark_init(&wm, no_delay, 5000, 1000);
	tap_ok(watermark_idle_in(&wm, 1000) == 5000, "idle in 5 s from the start");
	watermark_observe(&wm, L, 100);
	watermark_activity(&wm, L, 3000);
	tap_ok(watermark_tick(&wm, 5999, none) == 0 && wm.value == WM_NONE,
	    "not idle before the time");
	tap_ok(watermark_idle_in(&wm, 5999) == 1, "one ms to go on the right");
	tap_ok(watermark_tick(&wm, 6000, none) == 1 && wm.value == 100,
	    "a right side that never sent stops holding the left back");
	tap_ok(wm.side[R].idle && !wm.side[L].idle, "only the right is idle");
	watermark_observe(&wm, L, 150);
	tap_ok(wm.value == 150, "the left alone moves it on");
	tap_ok(watermark_tick(&wm, 8000, none) == 0 && wm.value == 150,
	    "both idle, one never sent: the other's watermark");
	tap_ok(wm.side[L].idle && wm.side[R].idle, "both are idle");
	watermark_activity(&wm, R, 9000);
	watermark_observe(&wm, R, 120);
	tap_ok(wm.value == 150 && watermark_late(&wm, 120),
	    "a side back from idleness finds the watermark where it was");
	watermark_activity(&wm, L, 9000);
	watermark_observe(&wm, L, 300);
	watermark_observe(&wm, R, 200);
	tap_ok(wm.value == 200, "back to the smaller of the two");
	tap_ok(watermark_tick(&wm, 20000, left_waiting) == 1 && wm.value == 300 &&
	    !wm.side[L].idle && wm.side[R].idle,
	    "a side with input waiting is not idle");
	tap_ok(watermark_tick(&wm, 30000, none) == 0 && wm.side[L].idle,
	    "the left turns idle too");
	tap_ok(wm.value == 300, "all idle: the largest watermark, nothing holds it back");
	watermark_activity(&wm, R, 31000);
	watermark_observe(&wm, R, 250);
	tap_ok(wm.value == 300, "and it does not go back when a side returns");
	watermark_init(&wm, no_delay, 0, 0);
	tap_ok(watermark_tick(&wm, 1000000, none) == 0 &&
	    watermark_idle_in(&wm, 0) == -1, "without --idle nothing is idle");
	watermark_init(&wm, no_delay, 5000, 0);
	watermark_eof(&wm, L);
	tap_ok(watermark_tick(&wm, 10000, none) == 0 && wm.value == WM_NONE,
	    "one side ended, the other idle: nothing is known");
	return tap_done();
}
