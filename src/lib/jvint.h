/*
 * Whole numbers in JSON read through libjq's jv, whose numbers are
 * doubles: a cast of 1e10 to int32_t, or of 1e300 to int64_t, is undefined
 * behaviour, and 9.5 is no offset. One check for every field that holds a
 * partition, an offset or a timestamp.
 */
#ifndef KP_JVINT_H
#define KP_JVINT_H

#include <stdint.h>

#include <jv.h>

/* The largest whole number a double (a jv number) holds exactly: 2^53. */
#define JVINT_EXACT_MAX	INT64_C(9007199254740992)

/*
 * Whether x (not consumed) is a number with no fraction from min to max
 * (within +-JVINT_EXACT_MAX); if so, stores it in *out. Returns 0, or -1.
 */
int	jv_whole(jv x, int64_t min, int64_t max, int64_t *out);

#endif
