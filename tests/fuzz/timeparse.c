/*
 * Times: whatever parse_iso8601_us takes must be a real instant. A stamp
 * of the form YYYY-MM-DDTHH:MM:SS[.fff]Z that it takes comes back from
 * format_iso8601_ms with the same date and time (so 2026-02-31, hour 24
 * or second 60 are refused, not moved to another day); and any time it
 * takes, formatted and parsed again, is the same millisecond.
 */
#include <ctype.h>

#include "fuzz.h"
#include "timeparse.h"

/* s is YYYY-MM-DDTHH:MM:SS, then optional .digits, then Z. */
static int
plain_utc(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	if (n < 20 || s[n - 1] != 'Z')
		return 0;
	for (i = 0; i < 19; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != shape[i])
			return 0;
	if (n == 20)
		return 1;
	if (s[19] != '.' || n == 21)
		return 0;
	for (i = 20; i < n - 1; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *s = fuzz_strndup(data, n), out[64];
	int64_t us, ms, again, dur;

	(void)parse_duration_ms(s, &dur);
	(void)parse_time_ms(s, &ms);
	if (parse_iso8601_us(s, n, &us) == 0) {
		ms = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
		format_iso8601_ms(ms, out);
		if (plain_utc(s, n) && s[0] != '0' &&
		    memcmp(out, s, 19) != 0)
			fuzz_fail("%s read as %s", s, out);
		if (parse_iso8601_us(out, strlen(out), &again) != 0 ||
		    again != ms * 1000)
			fuzz_fail("%s formatted as %s, which reads back %s",
			    s, out, "differently");
	}
	free(s);
	return 0;
}
