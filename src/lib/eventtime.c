#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eventtime.h"
#include "numfmt.h"
#include "timeparse.h"

/* Times beyond about 146,000 years either way are not times. */
#define TS_LIMIT	((double)(INT64_C(1) << 62))

int64_t
eventtime_unit_us(const char *unit)
{
	if (unit == NULL || strcmp(unit, "ms") == 0)
		return 1000;
	if (strcmp(unit, "s") == 0)
		return 1000000;
	if (strcmp(unit, "us") == 0)
		return 1;
	return -1;
}

int
eventtime_init(struct eventtime *et, const char *path, const char *unit)
{
	memset(et, 0, sizeof(*et));
	if ((et->unit_us = eventtime_unit_us(unit)) < 0)
		return -1;
	return json_path_parse(&et->path, path);
}

void
eventtime_free(struct eventtime *et)
{
	json_path_free(&et->path);
}

int
eventtime_value(const struct eventtime *et, const char *v, size_t vlen,
    int64_t *us, char *why)
{
	const char *bad;
	double x;

	if (*v == '"') {
		if (iso8601_parse(v + 1, vlen - 2, us, &bad) == 0)
			return 0;
		if (why != NULL)
			snprintf(why, EVENTTIME_WHY_MAX, "%s is not an ISO 8601 "
			    "time%s%s%s: %.*s", et->path.text,
			    bad != NULL ? " (" : "", bad != NULL ? bad : "",
			    bad != NULL ? ")" : "", vlen > 64 ? 64 : (int)vlen, v);
		return -1;
	}
	if (*v == '-' || (*v >= '0' && *v <= '9')) {
		x = numfmt_parse(v, vlen) * (double)et->unit_us;
		if (isfinite(x) && fabs(x) < TS_LIMIT) {
			*us = llround(x);
			return 0;
		}
		if (why != NULL)
			snprintf(why, EVENTTIME_WHY_MAX, "%s is out of range: "
			    "%.*s", et->path.text, vlen > 64 ? 64 : (int)vlen, v);
		return -1;
	}
	if (why != NULL)
		snprintf(why, EVENTTIME_WHY_MAX, "%s is not a time (a string or "
		    "a number)", et->path.text);
	return -1;
}

int
eventtime_read(const struct eventtime *et, const char *s, size_t n,
    int64_t *us, char *why)
{
	const char *v;
	size_t vlen;

	if (json_path_find(&et->path, s, n, &v, &vlen, NULL) != 0) {
		if (why != NULL)
			snprintf(why, EVENTTIME_WHY_MAX, "no field %s",
			    et->path.text);
		return -1;
	}
	return eventtime_value(et, v, vlen, us, why);
}
