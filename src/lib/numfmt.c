#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"

/* Powers of ten that a double holds exactly. */
static const double exact_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * Digits are kept as David Gay's dtoa keeps them: the value is
 * 0.DIGITS x 10^decpt, without leading or trailing zeros.
 */
struct decimal {
	char	digits[24];
	int	ndigits;
	int	decpt;
};

/*
 * The common case without printf: x in [1e-4, 1e15) with at most 15
 * significant digits. If n / 10^d == x for an integer n < 2^53, the
 * decimal n x 10^-d reads back as x, because that division rounds
 * correctly just as strtod does. The first d that works gives the
 * fewest digits, and 15 digits or fewer name at most one double (DBL_DIG),
 * so no other string of that length could be the nearer one.
 */
static int
fast_digits(double x, struct decimal *dec)
{
	char tmp[24];
	uint64_t n;
	int d, len;

	if (x < 1e-4 || x >= 1e15)
		return -1;
	for (d = 0; d < 23; d++) {
		double m = x * exact_pow10[d];

		if (m >= 1e15)
			return -1;
		m = rint(m);
		if (m / exact_pow10[d] == x)
			break;
	}
	if (d == 23)
		return -1;
	n = (uint64_t)rint(x * exact_pow10[d]);
	len = 0;
	do {
		tmp[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	dec->decpt = len - d;
	dec->ndigits = 0;
	while (len > 0)
		dec->digits[dec->ndigits++] = tmp[--len];
	while (dec->ndigits > 1 && dec->digits[dec->ndigits - 1] == '0')
		dec->ndigits--;
	return 0;
}

/*
 * The same range with 16 or 17 digits, in exact integer arithmetic:
 * x = m / 2^k, so x x 10^p rounds to an integer by a shift. The correctly
 * rounded 17 digits always read back; the nearest 16 do if they lie in
 * x's rounding interval, half an ulp either side (a quarter below a power
 * of two, where the ulp below is half as wide), its ends included when
 * m is even, as strtod rounds ties to even.
 */
typedef unsigned __int128 u128;

static uint64_t
shift_round(u128 v, int k)
{
	u128 q = v >> k, rem = v & (((u128)1 << k) - 1), half = (u128)1 << (k - 1);

	if (rem > half || (rem == half && (q & 1)))
		q++;
	return (uint64_t)q;
}

/*
 * Does the decimal n x 10^-(p-1) read back as x = m / 2^k? twice_x is
 * 2 m 10^(p-1), x at the scale 10^(p-1) 2^(k+1), where half an ulp is
 * 10^(p-1).
 */
static int
reads_back(uint64_t n, int k, uint64_t m, u128 twice_x, u128 half_ulp)
{
	u128 d = (u128)n << (k + 1), diff;

	if (d < twice_x) {
		diff = twice_x - d;
		if (m == 1ULL << 52)
			half_ulp /= 2;
	} else
		diff = d - twice_x;
	return diff < half_ulp || (diff == half_ulp && !(m & 1));
}

static void
mid_digits(double x, struct decimal *dec)
{
	static u128 pow10[23];
	char tmp[24];
	uint64_t m, n;
	int e2, k, e10, p, len, i;
	u128 twice_x;

	if (pow10[0] == 0)
		for (pow10[0] = 1, i = 1; i < 23; i++)
			pow10[i] = pow10[i - 1] * 10;
	m = (uint64_t)ldexp(frexp(x, &e2), 53);
	k = 53 - e2;			/* 3 <= k <= 66 in [1e-4, 1e15) */
	e10 = (int)floor(log10(x));
	for (;;) {
		p = 16 - e10;		/* decimals that give 17 digits */
		if (p > 22)
			p = 22;
		n = shift_round((u128)m * pow10[p], k);
		if (n >= 100000000000000000ULL)
			e10++;
		else if (n < 10000000000000000ULL && p < 22)
			e10--;
		else
			break;
	}
	twice_x = (u128)m * pow10[p - 1] * 2;
	{
		uint64_t n16 = shift_round((u128)m * pow10[p - 1], k);

		/* The nearest 16 digits, or above them where the interval is lopsided. */
		if (reads_back(n16, k, m, twice_x, pow10[p - 1]) ||
		    (m == 1ULL << 52 &&
		    reads_back(++n16, k, m, twice_x, pow10[p - 1]))) {
			n = n16;
			p--;
		}
	}
	len = 0;
	do {
		tmp[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	dec->decpt = len - p;
	dec->ndigits = 0;
	while (len > 0)
		dec->digits[dec->ndigits++] = tmp[--len];
	while (dec->ndigits > 1 && dec->digits[dec->ndigits - 1] == '0')
		dec->ndigits--;
}

/*
 * Everything else: the first precision whose correctly rounded digits
 * read back. For normal numbers a round trip at 15 digits means the
 * shortest string has at most 15 (DBL_DIG), so the search starts there;
 * subnormals have fewer digits of precision and are searched from 1.
 */
static void
slow_digits(double x, struct decimal *dec)
{
	char tmp[40], *p, *e;
	int prec;

	for (prec = x < DBL_MIN ? 1 : 15; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
		if (strtod(tmp, NULL) == x)
			break;
	}
	if (prec == 17)
		snprintf(tmp, sizeof(tmp), "%.16e", x);
	dec->ndigits = 0;
	for (p = tmp; *p != 'e'; p++)
		if (*p != '.')
			dec->digits[dec->ndigits++] = *p;
	while (dec->ndigits > 1 && dec->digits[dec->ndigits - 1] == '0')
		dec->ndigits--;
	dec->decpt = (int)strtol(p + 1, &e, 10) + 1;
}

size_t
numfmt_double(double x, char buf[NUMFMT_MAX])
{
	struct decimal dec;
	char *p = buf;
	int i, exp, div;

	if (isnan(x)) {
		memcpy(buf, "null", 5);
		return 4;
	}
	if (signbit(x)) {
		*p++ = '-';
		x = -x;
	}
	if (isinf(x))
		x = DBL_MAX;
	if (x == 0) {
		*p++ = '0';
		*p = '\0';
		return (size_t)(p - buf);
	}
	if (fast_digits(x, &dec) == 0)
		;
	else if (x >= 1e-4 && x < 1e15)
		mid_digits(x, &dec);
	else
		slow_digits(x, &dec);

	if (dec.decpt <= -4 || dec.decpt > dec.ndigits + 15) {
		/* jq's layout: "d.ddde+XX", at least two exponent digits. */
		*p++ = dec.digits[0];
		if (dec.ndigits > 1) {
			*p++ = '.';
			memcpy(p, dec.digits + 1, (size_t)dec.ndigits - 1);
			p += dec.ndigits - 1;
		}
		*p++ = 'e';
		exp = dec.decpt - 1;
		if (exp < 0) {
			*p++ = '-';
			exp = -exp;
		} else
			*p++ = '+';
		for (div = exp >= 100 ? 100 : 10; div > 0; div /= 10)
			*p++ = (char)('0' + exp / div % 10);
	} else if (dec.decpt <= 0) {
		*p++ = '0';
		*p++ = '.';
		for (i = dec.decpt; i < 0; i++)
			*p++ = '0';
		memcpy(p, dec.digits, (size_t)dec.ndigits);
		p += dec.ndigits;
	} else {
		for (i = 0; i < dec.ndigits; i++) {
			if (i == dec.decpt)
				*p++ = '.';
			*p++ = dec.digits[i];
		}
		for (; i < dec.decpt; i++)
			*p++ = '0';
	}
	*p = '\0';
	return (size_t)(p - buf);
}

/*
 * Clinger's fast path first: with at most 15 digits and a power of ten a
 * double holds exactly, one correctly rounded multiplication or division
 * gives the correctly rounded value. Anything else goes to strtod.
 */
double
numfmt_parse(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	uint64_t mant = 0;
	int ndigits = 0, scale = 0, exp = 0, expsign = 1, neg = 0;
	double v;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	for (; p < end && *p >= '0' && *p <= '9'; p++, ndigits++)
		mant = mant * 10 + (uint64_t)(*p - '0');
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, ndigits++) {
			mant = mant * 10 + (uint64_t)(*p - '0');
			scale--;
		}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			expsign = *p++ == '-' ? -1 : 1;
		for (; p < end && *p >= '0' && *p <= '9' && exp < 10000; p++)
			exp = exp * 10 + (*p - '0');
	}
	if (ndigits > 15 || p != end)
		return strtod(s, NULL);
	scale += expsign * exp;
	if (scale < -22 || scale > 22)
		return strtod(s, NULL);
	v = (double)mant;
	v = scale < 0 ? v / exact_pow10[-scale] : v * exact_pow10[scale];
	return neg ? -v : v;
}
