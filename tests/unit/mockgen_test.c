/*
 * mockgen's records: well-formed, reproducible from a seed, values in
 * range, event-time noise within its bounds and independent of values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "mockgen/gen.h"
#include "numfmt.h"
#include "tap.h"
#include "timeparse.h"

#define N	100000

/* The number or string member name of rec, as a double or a time. */
static double
member_number(const char *rec, const char *name)
{
	const char *v;
	size_t len;

	if (json_member_span(rec, strlen(rec), name, &v, &len) != 0)
		return -1e300;
	return numfmt_parse(v, len);
}

static int64_t
member_ts(const char *rec)
{
	const char *v;
	size_t len;
	int64_t us;

	if (json_member_span(rec, strlen(rec), "ts", &v, &len) != 0 ||
	    parse_iso8601_us(v + 1, len - 2, &us) != 0)
		return INT64_MIN;
	return us / 1000;
}

int
main(void)
{
	static struct mockgen a, b;
	char ra[MOCKGEN_RECORD_MAX + 1], rb[MOCKGEN_RECORD_MAX + 1];
	int64_t t0 = 1795999648123LL;	/* 2026-11-30T00:47:28.123Z */
	long i, bad_json = 0, differ = 0, out_of_range = 0, bad_order = 0;
	long seen_min = 0, seen_max = 0, bad_noise = 0, late = 0, value_moved = 0;
	size_t n;

	tap_ok(mockgen_init(&a, "A,B,C,D", 1) == 0, "A,B,C,D is a list");
	tap_ok(mockgen_init(&a, "", 1) != 0 && mockgen_init(&a, "A,,B", 1) != 0 &&
	    mockgen_init(&a, "A,", 1) != 0, "empty names are refused");
	tap_ok(mockgen_set_range(&a, 5, 1) != 0 && mockgen_set_range(&a, 0, 1e13) != 0,
	    "min > max and huge ranges are refused");

	mockgen_init(&a, "A,B,C,D", 7);
	n = mockgen_next(&a, t0, ra);
	ra[n] = '\0';
	tap_ok(strncmp(ra, "{\"strategy\":\"A\",\"value\":", 24) == 0 &&
	    strcmp(ra + n - 33, ",\"ts\":\"2026-11-30T00:47:28.123Z\"}") == 0,
	    "record layout and ISO time with milliseconds");
	n = mockgen_next(&a, t0, ra);
	ra[n] = '\0';
	tap_ok(strncmp(ra, "{\"strategy\":\"B\"", 15) == 0, "strategies take turns");

	/* Same seed, same bytes; each record valid JSON with a value in range. */
	mockgen_init(&a, "A,B,C,D", 42);
	mockgen_init(&b, "A,B,C,D", 42);
	for (i = 0; i < N; i++) {
		double v;

		n = mockgen_next(&a, t0 + i, ra);
		ra[n] = '\0';
		rb[mockgen_next(&b, t0 + i, rb)] = '\0';
		if (strcmp(ra, rb) != 0)
			differ++;
		if (json_validate(ra, n, NULL) != 0 && bad_json++ < 3)
			printf("# invalid: %s\n", ra);
		v = member_number(ra, "value");
		if (v < 0 || v > 100)
			out_of_range++;
		seen_min += v == 0;
		seen_max += v == 100;
		if (member_ts(ra) != t0 + i)
			bad_order++;
	}
	tap_ok(differ == 0, "the same seed gives the same records");
	tap_ok(bad_json == 0, "every record is valid JSON");
	tap_ok(out_of_range == 0 && seen_min > 0 && seen_max > 0,
	    "values cover 0 to 100, ends included");
	tap_ok(bad_order == 0, "event times as given without noise");

	mockgen_init(&b, "A,B,C,D", 43);
	for (i = differ = 0; i < 100; i++) {
		mockgen_init(&a, "A,B,C,D", 42);
		ra[mockgen_next(&a, t0, ra)] = '\0';
		rb[mockgen_next(&b, t0, rb)] = '\0';
		differ += strcmp(ra, rb) != 0;
	}
	tap_ok(differ > 90, "another seed gives other values");

	/* Negative and fractional ranges, printed as shortest numbers. */
	mockgen_init(&a, "X", 3);
	mockgen_set_range(&a, -0.05, 0.05);
	for (i = out_of_range = bad_json = 0; i < N; i++) {
		const char *v;
		size_t len;
		char canon[NUMFMT_MAX];
		double x;

		ra[mockgen_next(&a, t0, ra)] = '\0';
		json_member_span(ra, strlen(ra), "value", &v, &len);
		x = numfmt_parse(v, len);
		if (x < -0.05 || x > 0.05)
			out_of_range++;
		numfmt_double(x, canon);
		if ((strlen(canon) != len || memcmp(canon, v, len) != 0) &&
		    !(x == 0 && len == 1 && *v == '0') && bad_json++ < 3)
			printf("# value %.*s, shortest %s\n", (int)len, v, canon);
	}
	tap_ok(out_of_range == 0, "values within -0.05 to 0.05");
	tap_ok(bad_json == 0, "values print as jq prints them");

	/* Times all over the calendar, as timeparse formats them. */
	mockgen_init(&a, "A", 5);
	for (i = bad_json = 0; i < N; i++) {
		int64_t ms = (int64_t)(((uint64_t)i * 0x9e3779b97f4a7c15ULL) %
		    253402300800000ULL) - 2208988800000LL;	/* 1900 to 9999 */
		char want[64];
		const char *v;
		size_t len;

		if (i < 4)
			ms = (int64_t[]){ -1, 0, 86399999, 86400000 }[i];
		ra[mockgen_next(&a, ms, ra)] = '\0';
		format_iso8601_ms(ms, want);
		json_member_span(ra, strlen(ra), "ts", &v, &len);
		if ((len != 26 || memcmp(v + 1, want, 24) != 0) && bad_json++ < 3)
			printf("# %lld: %.*s, want %s\n", (long long)ms, (int)len, v, want);
	}
	tap_ok(bad_json == 0, "ISO times from 1900 to 9999 as format_iso8601_ms");

	/* Epoch milliseconds and ids. */
	mockgen_init(&a, "A", 1);
	a.ts_format = MOCKGEN_TS_EPOCH_MS;
	a.with_id = 1;
	ra[mockgen_next(&a, t0, ra)] = '\0';
	tap_ok(strstr(ra, ",\"ts\":1795999648123,\"id\":1}") != NULL,
	    "--ts-format epoch-ms and --id");
	ra[mockgen_next(&a, -1, ra)] = '\0';
	tap_ok(strstr(ra, ",\"ts\":-1,\"id\":2}") != NULL, "ids increase");

	/* Disorder and late records move times back, within bounds, values kept. */
	mockgen_init(&a, "A,B", 9);
	mockgen_init(&b, "A,B", 9);
	a.disorder_ms = 2000;
	mockgen_set_late(&a, 0.25, 600000);
	for (i = 0; i < N; i++) {
		int64_t back;

		ra[mockgen_next(&a, t0, ra)] = '\0';
		rb[mockgen_next(&b, t0, rb)] = '\0';
		back = t0 - member_ts(ra);
		if (back >= 600000) {
			late++;
			back -= 600000;
		}
		if (back < 0 || back > 2000)
			bad_noise++;
		if (member_number(ra, "value") != member_number(rb, "value"))
			value_moved++;
	}
	tap_ok(bad_noise == 0, "--disorder moves times back by at most its span");
	if (!tap_ok(late > N / 4 - N / 50 && late < N / 4 + N / 50,
	    "--late 0.25 makes about a quarter late"))
		printf("# %ld late of %d\n", late, N);
	tap_ok(value_moved == 0, "noise in times leaves the values of a seed alone");
	return tap_done();
}
