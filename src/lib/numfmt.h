/*
 * Numbers as JSON text: the shortest decimal that reads back (strtod) to
 * the same double, laid out as jq 1.6 prints it, so output made here and
 * output made by jq agree byte for byte.
 */
#ifndef KP_NUMFMT_H
#define KP_NUMFMT_H

#include <stddef.h>

/* Longest text numfmt_double writes, with its NUL. */
#define NUMFMT_MAX	40

/*
 * Writes x to buf and returns its length. The digits are the fewest that
 * round-trip (the nearest such string if there are several); the layout
 * is jq 1.6's: plain ("0.0001", "48.497296", "1000000000000000") unless
 * the decimal point would sit more than 15 places past the digits or more
 * than 3 zeros before them, then exponent form ("1e+16", "1.5e-07",
 * "5e-324"). Like jq, -0 prints as "-0", infinities as +-DBL_MAX
 * ("1.7976931348623157e+308") and NaN as "null".
 */
size_t	numfmt_double(double x, char buf[NUMFMT_MAX]);

/*
 * The value of the JSON number s[0..len), which must be valid (as
 * json_validate checks), rounded correctly as strtod(3) rounds it; out of
 * range gives +-HUGE_VAL or 0, as there. The byte at s[len] must not
 * continue the number (a NUL, or whatever follows it in valid JSON).
 */
double	numfmt_parse(const char *s, size_t len);

#endif
