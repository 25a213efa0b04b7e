/*
 * numfmt: the shortest round-tripping digits in jq 1.6's layout. The
 * expected strings are what Debian's jq 1.6 prints for the same doubles
 * (jq -n EXPR), so a change of layout shows up here first.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "tap.h"

static const struct {
	double		 x;
	const char	*jq;
} table[] = {
	{ 0.0, "0" },
	{ -0.0, "-0" },
	{ 1, "1" },
	{ -10, "-10" },
	{ 100, "100" },
	{ 0.1, "0.1" },
	{ 0.1 + 0.2, "0.30000000000000004" },
	{ 69.64 * 69.64 / 100, "48.497296" },
	{ 45.1 * 1.5 + 10, "77.65" },
	{ 60.0001 * 60.0001 / 100, "36.000120000100004" },
	{ 29.999 * 2, "59.998" },
	/* 16 and 17 digits, done in integer arithmetic. */
	{ 57.099999999999994, "57.099999999999994" },
	{ 1.0 / 3, "0.3333333333333333" },
	{ 2.0 / 3 * 1000, "666.6666666666666" },
	{ 123456.78901234567, "123456.78901234567" },
	{ 0.00012345678901234567, "0.00012345678901234567" },
	{ 999999999999999.9, "999999999999999.9" },
	{ 9007199254740993.0, "9007199254740992" },
	/* Just below powers of two, where the rounding interval is lopsided. */
	{ 0.00012207031249999999, "0.00012207031249999999" },
	{ 0.00024414062499999997, "0.00024414062499999997" },
	{ 1023.9999999999999, "1023.9999999999999" },
	{ 562949953421311.94, "562949953421311.94" },
	{ 0.0001220703125, "0.0001220703125" },
	{ 562949953421312.0, "562949953421312" },
	{ 0.0001, "0.0001" },
	{ 0.000123, "0.000123" },
	{ 0.00001, "1e-05" },
	{ 9.999e-5, "9.999e-05" },
	{ 1.5e-7, "1.5e-07" },
	{ 123e-20, "1.23e-18" },
	{ 1e15, "1000000000000000" },
	{ 2.5e15, "2500000000000000" },
	{ 1e16, "1e+16" },
	{ 1e17, "1e+17" },
	{ 12300000000000000.0, "12300000000000000" },
	{ 12345678901234567.0, "12345678901234568" },
	{ 123456789012345678.0, "123456789012345680" },
	{ 1234567890123456789012.0, "1234567890123456800000" },
	{ 1e21, "1e+21" },
	{ 1e22, "1e+22" },
	{ 5e-324, "5e-324" },
	{ DBL_MIN, "2.2250738585072014e-308" },
	{ DBL_MAX, "1.7976931348623157e+308" },
	{ -DBL_MAX, "-1.7976931348623157e+308" },
	{ 1e300 * 1e10, "1.7976931348623157e+308" },	/* infinity */
	{ -(1e300 * 1e10), "-1.7976931348623157e+308" },
};

static uint64_t rng = 0x853c49e6748fea9bULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Significant digits in a numfmt string. */
static int
sig_digits(const char *s)
{
	int n = 0, seen = 0, trailing = 0;

	for (; *s != '\0' && *s != 'e'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (*s != '0')
			seen = 1;
		if (seen) {
			n++;
			trailing = *s == '0' ? trailing + 1 : 0;
		}
	}
	/* Zeros before the point of a whole number are not digits of dtoa's. */
	return n - trailing > 0 ? n - trailing : 1;
}

int
main(void)
{
	char buf[NUMFMT_MAX], msg[128], tmp[64];
	size_t i, n;
	long bad_trip = 0, not_shortest = 0, bad_parse = 0;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		n = numfmt_double(table[i].x, buf);
		snprintf(msg, sizeof(msg), "%.17g prints as jq's %s",
		    table[i].x, table[i].jq);
		if (!tap_ok(strcmp(buf, table[i].jq) == 0 &&
		    n == strlen(table[i].jq), msg))
			printf("# got %s\n", buf);
	}
	numfmt_double(NAN, buf);
	tap_ok(strcmp(buf, "null") == 0, "NaN prints as null, as in jq");

	/*
	 * Any finite double: the text reads back to it, and one digit fewer
	 * would not (so it is the shortest).
	 */
	for (i = 0; i < 300000; i++) {
		uint64_t bits = next();
		double x;
		int d;

		memcpy(&x, &bits, sizeof(x));
		if (i % 3 == 1)
			x = (double)(bits % 10000001) / 100;
		else if (i % 3 == 2)
			x = (double)(bits % 100000) * pow(10, (int)(bits >> 40) % 40 - 20);
		if (!isfinite(x))
			continue;
		numfmt_double(x, buf);
		if (strtod(buf, NULL) != x) {
			if (bad_trip++ < 5)
				printf("# %a printed as %s\n", x, buf);
			continue;
		}
		d = sig_digits(buf);
		if (d > 1) {
			snprintf(tmp, sizeof(tmp), "%.*e", d - 2, x);
			if (strtod(tmp, NULL) == x && not_shortest++ < 5)
				printf("# %s is shorter than %s\n", tmp, buf);
		}
		/* numfmt_parse agrees with strtod on what numfmt wrote. */
		snprintf(tmp, sizeof(tmp), "%.*g", (int)(bits % 17) + 1, x);
		if (strchr(tmp, 'n') == NULL && strchr(tmp, 'i') == NULL) {
			double a = numfmt_parse(tmp, strlen(tmp)),
			    b = strtod(tmp, NULL);

			if (memcmp(&a, &b, sizeof(a)) != 0 && bad_parse++ < 5)
				printf("# numfmt_parse(%s) = %a, strtod %a\n",
				    tmp, a, b);
		}
	}
	tap_ok(bad_trip == 0, "300k doubles read back to themselves");
	tap_ok(not_shortest == 0, "no shorter digits read back");
	tap_ok(bad_parse == 0, "numfmt_parse rounds as strtod on 300k numbers");

	{
		static const char *nums[] = {
			"0", "-0", "1", "42.17", "-0.05", "1e2", "1E+2", "1.5e-7",
			"123456789012345", "1234567890123456", "0.1", "9007199254740993",
			"1e22", "1e23", "1e-22", "1e-23", "1e400", "-1e400", "1e-400",
			"0.000000000000000000000000001", "60.0001", "29.999",
		};
		long bad = 0;

		for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
			double a = numfmt_parse(nums[i], strlen(nums[i])),
			    b = strtod(nums[i], NULL);

			if (memcmp(&a, &b, sizeof(a)) != 0 && bad++ < 5)
				printf("# numfmt_parse(%s) = %a, strtod %a\n",
				    nums[i], a, b);
		}
		tap_ok(bad == 0, "numfmt_parse: edge cases as strtod");
	}
	return tap_done();
}
