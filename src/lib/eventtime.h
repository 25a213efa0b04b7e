/*
 * A record's event time: the member at a path (.ts by default) of a JSON
 * object, an ISO 8601 string or a number in a given unit. One reader for
 * every tool that orders, stamps or joins on event time (kin's merge of
 * partitions, kout's message timestamps, wjoin), so that they agree on
 * what a record's time is.
 */
#ifndef KP_EVENTTIME_H
#define KP_EVENTTIME_H

#include <stddef.h>
#include <stdint.h>

#include "jsonpath.h"

#define EVENTTIME_WHY_MAX	256
#define EVENTTIME_DEFAULT_PATH	".ts"

struct eventtime {
	struct json_path	 path;
	int64_t			 unit_us;	/* a number times this is µs */
};

/*
 * Sets up reading times at path (jq notation, as jsonpath.h), numbers
 * counted in unit ("s", "ms" or "us"; NULL is "ms"). Returns -1 if path
 * is not a path or unit not a unit; nothing to free then.
 */
int	eventtime_init(struct eventtime *, const char *path, const char *unit);
void	eventtime_free(struct eventtime *);
/* The microseconds of a unit name, or -1. */
int64_t	eventtime_unit_us(const char *unit);

/*
 * The time of the valid JSON text s[0..n) (as json_validate accepted it)
 * in µs since the epoch. Returns 0, or -1 with the reason in why (which
 * may be NULL) if s has no such member or it is not a time.
 */
int	eventtime_read(const struct eventtime *, const char *s, size_t n,
	    int64_t *us, char *why);
/* The same for a value already found: the raw JSON text v[0..vlen). */
int	eventtime_value(const struct eventtime *, const char *v, size_t vlen,
	    int64_t *us, char *why);

#endif
