/* Durations and timestamps, in milliseconds. */
#ifndef KP_TIMEPARSE_H
#define KP_TIMEPARSE_H

#include <stdint.h>

/*
 * Parses a duration: a number with a unit, "1500ms", "30s", "5m", "2h",
 * "1d" (a bare number is seconds; fractions allowed: "1.5s"). Returns 0 and
 * sets *ms, or -1 if s is not a duration.
 */
int	parse_duration_ms(const char *s, int64_t *ms);

/*
 * Parses an ISO 8601 timestamp, "2026-11-24T02:27:28.123Z", with or
 * without fraction (any digits, kept to the microsecond), with 'Z', a
 * "+HH:MM"/"+HHMM" offset or no zone (UTC), and 'T' or ' ' between date
 * and time. Only times that exist: years 0001 to 9999, the days of each
 * month (February 29 in leap years), hours 0-23, seconds 0-59 (no leap
 * second), offsets within -23:59 to +23:59, instants within years 0001
 * to 9999 in UTC (so that each can be written as one); as Python's
 * datetime.fromisoformat, but for its "+01:60" (an hour and sixty
 * minutes), refused here. Returns 0 and sets *us to microseconds since
 * the epoch, or -1, and then if why is not NULL sets *why to NULL if s is
 * not of that form, or else to a static reason why it is no time.
 */
int	iso8601_parse(const char *s, size_t len, int64_t *us,
	    const char **why);
/* The same, without the reason. */
int	parse_iso8601_us(const char *s, size_t len, int64_t *us);

/* A time for -o @TIME: ISO 8601, or epoch milliseconds. */
int	parse_time_ms(const char *s, int64_t *ms);

/* Formats ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 bytes and a NUL; out has room for 64). */
void	format_iso8601_ms(int64_t ms, char out[64]);

/* Milliseconds since the epoch, and from a monotonic clock. */
int64_t	now_ms(void);
int64_t	mono_ms(void);

#endif
