#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeparse.h"

int
parse_duration_ms(const char *s, int64_t *ms)
{
	char *end;
	double v, unit;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || v < 0 || !isfinite(v))
		return -1;
	if (strcmp(end, "ms") == 0)
		unit = 1;
	else if (strcmp(end, "s") == 0 || *end == '\0')
		unit = 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		unit = 60 * 1000;
	else if (strcmp(end, "h") == 0)
		unit = 3600 * 1000;
	else if (strcmp(end, "d") == 0)
		unit = 86400 * 1000;
	else
		return -1;
	if (v * unit > 9.2e18)
		return -1;
	*ms = (int64_t)llround(v * unit);
	return 0;
}

static int
num(const char **p, const char *end, int n, int *out)
{
	int v = 0, i;

	if (end - *p < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + (*p)[i] - '0';
	}
	*p += n;
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
leap_year(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

int
iso8601_parse(const char *s, size_t len, int64_t *us, const char **why)
{
	const char *p = s, *end = s + len;
	int y, mo, d, h, mi, sec = 0, oh, om, sign;
	int64_t frac = 0, scale = 1000000;
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (num(&p, end, 4, &y) || p >= end || *p++ != '-' ||
	    num(&p, end, 2, &mo) || p >= end || *p++ != '-' ||
	    num(&p, end, 2, &d))
		return -1;
	h = mi = 0;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (num(&p, end, 2, &h) || p >= end || *p++ != ':' ||
		    num(&p, end, 2, &mi))
			return -1;
		if (p < end && *p == ':') {
			p++;
			if (num(&p, end, 2, &sec))
				return -1;
			if (p < end && (*p == '.' || *p == ',')) {
				p++;
				if (p >= end || !isdigit((unsigned char)*p))
					return -1;
				while (p < end && isdigit((unsigned char)*p)) {
					if (scale > 1) {
						scale /= 10;
						frac += (*p - '0') * scale;
					}
					p++;
				}
			}
		}
	}
	oh = om = 0;
	sign = 1;
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? -1 : 1;
		if (num(&p, end, 2, &oh))
			return -1;
		if (p < end && *p == ':')
			p++;
		if (num(&p, end, 2, &om))
			return -1;
	}
	if (p != end)
		return -1;
	/* Only times that exist: what Python's datetime and SQL accept. */
	if (y < 1)
		*why = "year 0000: years run from 0001";
	else if (mo < 1 || mo > 12)
		*why = "no such month";
	else if (d < 1 || d > days_in_month(y, mo))
		*why = "no such day in that month";
	else if (h > 23)
		*why = "hour past 23";
	else if (mi > 59)
		*why = "minute past 59";
	else if (sec > 59)
		*why = "second past 59: leap seconds are not counted";
	else if (oh > 23 || om > 59)
		*why = "offset beyond 23:59";
	else {
		*us = ((days_from_civil(y, mo, d) * 86400 + h * 3600 +
		    mi * 60 + sec - sign * (oh * 3600 + om * 60)) * 1000000) +
		    frac;
		/* An offset must not carry it out of the years there are. */
		if (*us < days_from_civil(1, 1, 1) * 86400 * 1000000 ||
		    *us >= days_from_civil(10000, 1, 1) * 86400 * 1000000) {
			*why = "before 0001 or after 9999 in UTC";
			return -1;
		}
		*why = NULL;
		return 0;
	}
	return -1;
}

int
parse_iso8601_us(const char *s, size_t len, int64_t *us)
{
	return iso8601_parse(s, len, us, NULL);
}

int
parse_time_ms(const char *s, int64_t *ms)
{
	char *end;
	long long v;
	int64_t us;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end != s && *end == '\0' && errno == 0 && v >= 0) {
		*ms = v;
		return 0;
	}
	if (parse_iso8601_us(s, strlen(s), &us) != 0)
		return -1;
	*ms = us / 1000;
	return 0;
}

void
format_iso8601_ms(int64_t ms, char out[64])
{
	time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int milli = (int)(ms - (int64_t)secs * 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, milli);
}

int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
