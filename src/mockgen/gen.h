/*
 * The records mockgen writes, made without printf: a seeded generator
 * for values and one for event-time noise, so asking for disorder or late
 * records never changes the values a seed gives.
 */
#ifndef MOCKGEN_GEN_H
#define MOCKGEN_GEN_H

#include <stddef.h>
#include <stdint.h>

#define MOCKGEN_MAX_STRATEGIES	64
#define MOCKGEN_MAX_NAME	64	/* bytes in a strategy name */
/* Longest record: name, value, time and id with room to spare. */
#define MOCKGEN_RECORD_MAX	(2 * MOCKGEN_MAX_NAME + 160)
/* --min and --max stay within this, so values in cents fit easily. */
#define MOCKGEN_VALUE_LIMIT	1e12

enum mockgen_ts { MOCKGEN_TS_ISO, MOCKGEN_TS_EPOCH_MS };

struct mockgen {
	/* Settings. */
	char		 prefix[MOCKGEN_MAX_STRATEGIES][MOCKGEN_MAX_NAME + 32];
	size_t		 prefixlen[MOCKGEN_MAX_STRATEGIES];
	int		 nstrategies;
	int64_t		 min_cents, max_cents;
	enum mockgen_ts	 ts_format;
	int64_t		 disorder_ms;	/* event times move back up to this */
	int64_t		 late_by_ms;	/* how far back a late record is */
	uint64_t	 late_below;	/* a draw below this makes one late */
	int		 with_id;
	/* State. */
	uint64_t	 value_rng[4], time_rng[4];
	uint64_t	 seq;		/* records made so far */
	int64_t		 cached_day;	/* the day cached_date holds */
	char		 cached_date[12];
};

/*
 * Sets up a generator with the defaults (values 0 to 100, ISO times) for
 * the strategies in the comma-separated list; returns -1 if the list is
 * empty, has an empty name, or has too many or too long names.
 */
int	mockgen_init(struct mockgen *, const char *strategies, uint64_t seed);
/* Values from min to max, in hundredths; -1 if out of range or min > max. */
int	mockgen_set_range(struct mockgen *, double min, double max);
/* A share (0 to 1) of records that are late_by_ms behind. */
void	mockgen_set_late(struct mockgen *, double ratio, int64_t late_by_ms);
/*
 * Writes the next record, with event time ts_ms before noise, to buf
 * (MOCKGEN_RECORD_MAX bytes, no newline) and returns its length.
 * Strategies take turns.
 */
size_t	mockgen_next(struct mockgen *, int64_t ts_ms, char *buf);

#endif
