/*
 * A few lines of TAP for the C unit tests: "ok N - what" or "not ok N -
 * what" per check, a plan at the end, and a non-zero exit if any failed.
 */
#ifndef KP_TAP_H
#define KP_TAP_H

#include <stdio.h>
#include <stdlib.h>

static int tap_count, tap_failed;

/* Records one check; returns cond so a caller can print more on failure. */
static int
tap_ok(int cond, const char *what)
{
	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_count, what);
	return cond;
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_count);
	return tap_failed ? 1 : 0;
}

#endif
