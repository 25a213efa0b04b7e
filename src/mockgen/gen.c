#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jv.h>

#include "gen.h"
#include "timeparse.h"

/* splitmix64, to spread a seed over generator state. */
static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: fast, and good enough for mock data by a wide margin. */
static uint64_t
next_u64(uint64_t s[4])
{
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/*
 * A draw in [0, n). Multiply-and-shift without rejection: the bias is
 * below n / 2^64, far under anything mock data could show.
 */
static uint64_t
below(uint64_t s[4], uint64_t n)
{
	return (uint64_t)(((unsigned __int128)next_u64(s) * n) >> 64);
}

int
mockgen_init(struct mockgen *g, const char *strategies, uint64_t seed)
{
	const char *p = strategies, *comma;
	uint64_t x = seed;
	int i;

	memset(g, 0, sizeof(*g));
	for (;;) {
		size_t n;
		char name[MOCKGEN_MAX_NAME + 1];
		jv dumped;

		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n > MOCKGEN_MAX_NAME ||
		    g->nstrategies == MOCKGEN_MAX_STRATEGIES)
			return -1;
		memcpy(name, p, n);
		name[n] = '\0';
		dumped = jv_dump_string(jv_string(name), 0);
		g->prefixlen[g->nstrategies] = (size_t)snprintf(
		    g->prefix[g->nstrategies], sizeof(g->prefix[0]),
		    "{\"strategy\":%s,\"value\":", jv_string_value(dumped));
		jv_free(dumped);
		if (g->prefixlen[g->nstrategies] >= sizeof(g->prefix[0]))
			return -1;
		g->nstrategies++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	g->min_cents = 0;
	g->max_cents = 10000;
	g->ts_format = MOCKGEN_TS_ISO;
	for (i = 0; i < 4; i++)
		g->value_rng[i] = splitmix64(&x);
	for (i = 0; i < 4; i++)
		g->time_rng[i] = splitmix64(&x);
	g->cached_day = INT64_MIN;
	return 0;
}

int
mockgen_set_range(struct mockgen *g, double min, double max)
{
	if (!(min <= max) || fabs(min) > MOCKGEN_VALUE_LIMIT ||
	    fabs(max) > MOCKGEN_VALUE_LIMIT)
		return -1;
	g->min_cents = llround(min * 100);
	g->max_cents = llround(max * 100);
	return 0;
}

void
mockgen_set_late(struct mockgen *g, double ratio, int64_t late_by_ms)
{
	g->late_by_ms = late_by_ms;
	g->late_below = ratio >= 1 ? UINT64_MAX :
	    (uint64_t)(ratio * 18446744073709551616.0);
}

/* Writes the decimal digits of v; returns how many. */
static size_t
put_uint(char *out, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static size_t
put_int(char *out, int64_t v)
{
	if (v < 0) {
		*out = '-';
		return 1 + put_uint(out + 1, -(uint64_t)v);
	}
	return put_uint(out, (uint64_t)v);
}

/* Hundredths as the shortest JSON number: 4217 "42.17", 4210 "42.1". */
static size_t
put_cents(char *out, int64_t cents)
{
	uint64_t abs = cents < 0 ? -(uint64_t)cents : (uint64_t)cents;
	unsigned int frac = (unsigned int)(abs % 100);
	size_t n = 0;

	if (cents < 0)
		out[n++] = '-';
	n += put_uint(out + n, abs / 100);
	if (frac != 0) {
		out[n++] = '.';
		out[n++] = (char)('0' + frac / 10);
		if (frac % 10 != 0)
			out[n++] = (char)('0' + frac % 10);
	}
	return n;
}

static void
put_2digits(char *out, int v)
{
	out[0] = (char)('0' + v / 10);
	out[1] = (char)('0' + v % 10);
}

/*
 * "YYYY-MM-DDTHH:MM:SS.mmmZ": the date is formatted once a day, the rest
 * by hand, as times jump about with --disorder.
 */
static size_t
put_iso(struct mockgen *g, char *out, int64_t ms)
{
	int64_t day = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int t = (int)(ms - day * 86400000);	/* ms into the day */

	if (day != g->cached_day) {
		char full[64];

		format_iso8601_ms(day * 86400000, full);
		if (strlen(full) != 24) {
			/* Years past 9999: rare enough to format whole. */
			format_iso8601_ms(ms, full);
			memcpy(out, full, strlen(full));
			return strlen(full);
		}
		memcpy(g->cached_date, full, 11);	/* "YYYY-MM-DDT" */
		g->cached_day = day;
	}
	memcpy(out, g->cached_date, 11);
	put_2digits(out + 11, t / 3600000);
	out[13] = ':';
	put_2digits(out + 14, t / 60000 % 60);
	out[16] = ':';
	put_2digits(out + 17, t / 1000 % 60);
	out[19] = '.';
	out[20] = (char)('0' + t % 1000 / 100);
	put_2digits(out + 21, t % 100);
	out[23] = 'Z';
	return 24;
}

size_t
mockgen_next(struct mockgen *g, int64_t ts_ms, char *buf)
{
	int s = (int)(g->seq % (uint64_t)g->nstrategies);
	uint64_t span = (uint64_t)(g->max_cents - g->min_cents) + 1;
	size_t n;

	if (g->disorder_ms > 0)
		ts_ms -= (int64_t)below(g->time_rng, (uint64_t)g->disorder_ms + 1);
	if (g->late_below > 0 && next_u64(g->time_rng) < g->late_below)
		ts_ms -= g->late_by_ms;
	g->seq++;

	memcpy(buf, g->prefix[s], g->prefixlen[s]);
	n = g->prefixlen[s];
	n += put_cents(buf + n, g->min_cents + (int64_t)below(g->value_rng, span));
	if (g->ts_format == MOCKGEN_TS_EPOCH_MS) {
		memcpy(buf + n, ",\"ts\":", 6);
		n += 6;
		n += put_int(buf + n, ts_ms);
	} else {
		memcpy(buf + n, ",\"ts\":\"", 7);
		n += 7;
		n += put_iso(g, buf + n, ts_ms);
		buf[n++] = '"';
	}
	if (g->with_id) {
		memcpy(buf + n, ",\"id\":", 6);
		n += 6;
		n += put_uint(buf + n, g->seq);
	}
	buf[n++] = '}';
	return n;
}
