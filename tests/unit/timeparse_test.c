/* Unit tests for durations and timestamps. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "timeparse.h"

static const struct {
	const char	*s;
	int		 ok;
	int64_t		 us;
} stamps[] = {
	{ "1970-01-01T00:00:00Z", 1, 0 },
	{ "2026-11-24T02:27:28.123Z", 1, 1795487248123000 },
	{ "2026-11-24T02:27:28.123456789Z", 1, 1795487248123456 },
	{ "2026-11-24T02:27:28Z", 1, 1795487248000000 },
	{ "2026-11-24 02:27:28.5", 1, 1795487248500000 },
	{ "2026-11-24T03:27:28.123+01:00", 1, 1795487248123000 },
	{ "2026-11-24T01:27:28.123-0100", 1, 1795487248123000 },
	{ "2024-02-29T00:00:00Z", 1, 1709164800000000 },
	{ "1969-12-31T23:59:59Z", 1, -1000000 },
	{ "2026-11-24", 1, 1795478400000000 },
	{ "2026-13-01T00:00:00Z", 0, 0 }, { "2026-11-24T25:00:00Z", 0, 0 },
	{ "2026-11-24T02:27:28.Z", 0, 0 }, { "yesterday", 0, 0 },
	{ "2026-11-24T02:27:28Zjunk", 0, 0 }, { "", 0, 0 },
	/* Only times that exist. */
	{ "2026-02-31T00:00:00Z", 0, 0 }, { "2026-02-29", 0, 0 },
	{ "2026-04-31", 0, 0 }, { "2026-00-10", 0, 0 },
	{ "2026-01-00", 0, 0 }, { "1900-02-29", 0, 0 },
	{ "2000-02-29", 1, 951782400000000 },
	{ "2026-12-31T23:59:59.999999Z", 1, 1798761599999999 },
	{ "2026-12-31T23:59:60Z", 0, 0 }, { "2026-12-31T24:00:00Z", 0, 0 },
	{ "2026-12-31T23:60:00Z", 0, 0 },
	{ "2026-01-01T00:00:00+24:00", 0, 0 },
	{ "2026-01-01T00:00:00+99:99", 0, 0 },
	{ "2026-01-01T00:00:00+01:60", 0, 0 },
	{ "2026-01-01T00:00:00-2400", 0, 0 },
	{ "2026-01-01T00:00:00+23:59", 1, 1767139260000000 },
	{ "2026-01-01T00:00:00-23:59", 1, 1767311940000000 },
	{ "0000-01-01", 0, 0 },
	{ "0001-01-01T00:00:00Z", 1, -62135596800000000 },
	{ "9999-12-31T23:59:59Z", 1, 253402300799000000 },
};

static const struct {
	const char	*s;
	int		 ok;
	int64_t		 ms;
} durations[] = {
	{ "1500ms", 1, 1500 }, { "30s", 1, 30000 }, { "5m", 1, 300000 },
	{ "2h", 1, 7200000 }, { "1d", 1, 86400000 }, { "1.5s", 1, 1500 },
	{ "10", 1, 10000 }, { "0", 1, 0 }, { "5 m", 0, 0 }, { "-1s", 0, 0 },
	{ "m", 0, 0 }, { "5y", 0, 0 }, { "", 0, 0 },
};

int
main(void)
{
	char what[128], out[64];
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		int ok = parse_iso8601_us(stamps[i].s, strlen(stamps[i].s), &v) == 0;

		snprintf(what, sizeof(what), "timestamp %s", stamps[i].s);
		tap_ok(ok == stamps[i].ok && (!ok || v == stamps[i].us), what);
		if (ok && v != stamps[i].us)
			printf("# got %" PRId64 "\n", v);
	}
	for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		int ok = parse_duration_ms(durations[i].s, &v) == 0;

		snprintf(what, sizeof(what), "duration '%s'", durations[i].s);
		tap_ok(ok == durations[i].ok && (!ok || v == durations[i].ms), what);
	}
	format_iso8601_ms(1795487248123, out);
	tap_ok(strcmp(out, "2026-11-24T02:27:28.123Z") == 0, "format_iso8601_ms");
	format_iso8601_ms(-1, out);
	tap_ok(strcmp(out, "1969-12-31T23:59:59.999Z") == 0,
	    "format_iso8601_ms before the epoch");
	tap_ok(parse_time_ms("1795487248123", &v) == 0 && v == 1795487248123,
	    "parse_time_ms: epoch ms");
	return tap_done();
}
