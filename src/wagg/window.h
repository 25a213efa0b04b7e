/*
 * Which windows a record's event time falls in. Windows are aligned to
 * the epoch, as Spark's and Flink's are: a tumbling window of size W
 * starts at each multiple of W, a hopping one every HOP, and each is
 * [start, start + W) in µs, the end not included. Session windows
 * depend on the other records of a key and are made in store.c.
 */
#ifndef WAGG_WINDOW_H
#define WAGG_WINDOW_H

#include <stdint.h>

/* The start of the first (earliest) window of size, every hop, holding ts. */
int64_t	window_first(int64_t ts, int64_t size, int64_t hop);
/* How many windows of size, every hop, hold any one time: ceil(size / hop). */
int64_t	window_count(int64_t size, int64_t hop);
/* a / b rounded toward minus infinity (b > 0). */
int64_t	floor_div(int64_t a, int64_t b);

#endif
