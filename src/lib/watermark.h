/*
 * Event time, the one set of rules for wjoin's two inputs and wagg's one
 * (wagg marks its second side ended at the start, so the first alone sets
 * the watermark). For a two-input join, as Spark tracks it by default: each
 * input's watermark is the largest timestamp it has shown minus that
 * input's own allowed delay (Spark's withWatermark on each stream), and
 * the join's watermark is the smaller of the two, so the slower input sets
 * the pace. A record is late only if its time is strictly below the join's
 * watermark (Flink's rule; Spark drops one at the watermark too), so that
 * a delay of D lets a record be exactly D behind. Times are in
 * microseconds.
 *
 * Two additions keep one input from holding the other back forever: an
 * input at its end no longer counts (its watermark is +infinity), and,
 * with an idle timeout, neither does an input that has sent nothing for
 * that long of wall time (Flink's idleness), until it sends again; when
 * all are idle, the largest of their watermarks holds. The join's
 * watermark never goes back, so what it has let go stays gone.
 */
#ifndef KP_WATERMARK_H
#define KP_WATERMARK_H

#include <stdint.h>

#define WM_NONE		INT64_MIN	/* no watermark yet */
#define WM_END		INT64_MAX	/* past every time: the inputs ended */

enum { SIDE_LEFT, SIDE_RIGHT };

struct watermark_side {
	int64_t		 delay;		/* µs */
	int64_t		 max_ts;	/* largest timestamp seen, or WM_NONE */
	int64_t		 last_ms;	/* wall time (ms) input last arrived */
	int		 eof;
	int		 idle;
};

struct watermark {
	int64_t			 idle_ms;	/* 0: inputs never count as idle */
	struct watermark_side	 side[2];
	int64_t			 value;		/* the join's watermark */
};

/* delay_us[side]: how far behind its own input's newest a record may be. */
void	watermark_init(struct watermark *, const int64_t delay_us[2],
	    int64_t idle_ms, int64_t now_ms);
/* A record is late if its time is below the join's watermark, not at it. */
int	watermark_late(const struct watermark *, int64_t ts);
/*
 * A record of side (not late) with time ts was taken in. Returns 1 if the
 * join's watermark moved.
 */
int	watermark_observe(struct watermark *, int side, int64_t ts);
/* Input arrived on side at now_ms: it is no longer idle. */
void	watermark_activity(struct watermark *, int side, int64_t now_ms);
/* Side reached its end. Returns 1 if the join's watermark moved. */
int	watermark_eof(struct watermark *, int side);
/*
 * Marks as idle each side that has had no input for idle_ms, unless
 * waiting[side] says it has input not yet taken in. Returns 1 if the
 * join's watermark moved.
 */
int	watermark_tick(struct watermark *, int64_t now_ms, const int waiting[2]);
/*
 * Milliseconds from now_ms until a side could turn idle (0 if one can
 * now), or -1 if none can.
 */
int64_t	watermark_idle_in(const struct watermark *, int64_t now_ms);
/*
 * The earliest time a record of side can still have without being late:
 * the join's watermark, or WM_END once side has ended.
 */
int64_t	watermark_floor(const struct watermark *, int side);

/*
 * --state: the progress an earlier run saved: each side's largest time
 * and the join's watermark (WM_NONE where there was none).
 */
void	watermark_restore(struct watermark *, const int64_t max_ts[2],
	    int64_t value);
/* a - b and a + b, held at the ends of int64_t instead of overflowing. */
int64_t	time_sub(int64_t a, int64_t b);
int64_t	time_add(int64_t a, int64_t b);

#endif
