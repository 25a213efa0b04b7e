#include <stdint.h>

#include "watermark.h"
#include "window.h"

int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t
window_first(int64_t ts, int64_t size, int64_t hop)
{
	/* The smallest multiple of hop above ts - size. */
	return time_add(floor_div(time_sub(ts, size), hop) * hop, hop);
}

int64_t
window_count(int64_t size, int64_t hop)
{
	return (size + hop - 1) / hop;
}
