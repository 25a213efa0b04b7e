/*
 * Numbers: the first 8 bytes as a double, printed by numfmt_double, read
 * back by strtod to the same double (NaN prints as null); and a valid JSON
 * number's text read by numfmt_parse as strtod reads it.
 */
#include <float.h>
#include <math.h>

#include "fuzz.h"
#include "jsonscan.h"
#include "numfmt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char buf[NUMFMT_MAX], *s;
	const char *why;
	double x, y;
	size_t len;

	if (n >= sizeof(x)) {
		memcpy(&x, data, sizeof(x));
		len = numfmt_double(x, buf);
		if (len >= NUMFMT_MAX || strlen(buf) != len)
			fuzz_fail("numfmt_double wrote %zu bytes", len);
		if (isnan(x)) {
			if (strcmp(buf, "null") != 0)
				fuzz_fail("NaN printed as %s", buf);
		} else {
			y = strtod(buf, NULL);
			if (isinf(x) ? fabs(y) != DBL_MAX ||
			    signbit(x) != signbit(y) :
			    memcmp(&x, &y, sizeof(x)) != 0)
				fuzz_fail("%.17g printed as %s", x, buf);
			if (numfmt_parse(buf, len) != y)
				fuzz_fail("numfmt_parse(%s) is not strtod's", buf);
		}
	}
	s = fuzz_strndup(data, n);
	if (n > 0 && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) &&
	    strspn(s, "0123456789+-.eE") == n && json_validate(s, n, &why) == 0) {
		x = numfmt_parse(s, n);
		y = strtod(s, NULL);
		if (memcmp(&x, &y, sizeof(x)) != 0)
			fuzz_fail("numfmt_parse(%s) %.17g, strtod %.17g", s, x, y);
	}
	free(s);
	return 0;
}
