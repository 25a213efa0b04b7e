/* wagg's windows: which a time falls in, and the store of open ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wagg/store.h"
#include "wagg/window.h"

#define S	INT64_C(1000000)

static char out[4096];

/* Each row as "start-end:key:count[*]" in seconds, * if not final. */
static void
emit(void *arg, struct group *g, int final)
{
	char row[128];

	(void)arg;
	snprintf(row, sizeof(row), "%s%lld-%lld:%s:%llu%s", out[0] ? " " : "",
	    (long long)(g->start / S), (long long)(g->end / S), g->key,
	    (unsigned long long)g->acc[0].n, final ? "" : "*");
	strcat(out, row);
}

static void
add(struct store *st, int64_t secs, const char *key)
{
	store_add(st, secs * S, key, strlen(key));
}

int
main(void)
{
	struct agg_list aggs;
	struct store st;
	char why[AGG_WHY_MAX];

	tap_ok(window_first(0, 60 * S, 60 * S) == 0 &&
	    window_first(59999999, 60 * S, 60 * S) == 0 &&
	    window_first(60 * S, 60 * S, 60 * S) == 60 * S,
	    "tumbling: [0, 60 s) holds 0 and 59.999999 s, not 60 s");
	tap_ok(window_first(-1, 60 * S, 60 * S) == -60 * S,
	    "tumbling: before the epoch, the window below");
	tap_ok(window_first(450 * S, 300 * S, 60 * S) == 180 * S &&
	    window_count(300 * S, 60 * S) == 5,
	    "hopping 5 min every 1 min: 7:30 is in the 5 windows from 3:00");
	tap_ok(window_first(420 * S, 300 * S, 60 * S) == 180 * S,
	    "hopping: 7:00 is not in the window from 2:00 (its end)");
	tap_ok(window_count(300 * S, 120 * S) == 3,
	    "hopping 5 min every 2 min: up to 3 windows");

	if (agg_parse(&aggs, "count", why) != 0)
		return 1;

	out[0] = '\0';
	store_init(&st, &aggs, 60 * S, 60 * S, 0, emit, NULL);
	add(&st, 5, "a");
	add(&st, 65, "a");
	add(&st, 10, "b");
	add(&st, 59, "a");
	tap_ok(store_close(&st, 59 * S) == 0 && out[0] == '\0',
	    "tumbling: nothing closes before the watermark reaches the end");
	store_close(&st, 60 * S);
	tap_ok(strcmp(out, "0-60:a:2 0-60:b:1") == 0 && st.open == 1,
	    "tumbling: at the end, each key's row, in the order made");
	out[0] = '\0';
	store_close(&st, INT64_MAX);
	tap_ok(strcmp(out, "60-120:a:1") == 0 && st.open == 0,
	    "tumbling: the rest at the end of the input");
	store_free(&st);

	out[0] = '\0';
	store_init(&st, &aggs, 300 * S, 60 * S, 0, emit, NULL);
	add(&st, 450, "k");
	store_close(&st, INT64_MAX);
	tap_ok(strcmp(out, "180-480:k:1 240-540:k:1 300-600:k:1 "
	    "360-660:k:1 420-720:k:1") == 0, "hopping: one record, 5 rows");
	store_free(&st);

	out[0] = '\0';
	store_init(&st, &aggs, 0, 0, 30 * S, emit, NULL);
	add(&st, 0, "a");
	add(&st, 100, "a");
	add(&st, 40, "a");
	add(&st, 10, "b");
	tap_ok(st.open == 4, "sessions: 30 s gap: 0, 40 and 100 apart");
	add(&st, 20, "a");
	tap_ok(st.open == 3, "sessions: a record at 20 bridges 0 and 40");
	add(&st, 130, "a");
	tap_ok(st.open == 4, "sessions: 130 is a gap after 100: a new one");
	store_updates(&st);
	tap_ok(strcmp(out, "10-40:b:1* 0-70:a:3* 100-130:a:1* "
	    "130-160:a:1*") == 0, "sessions: updates, not final, by end");
	out[0] = '\0';
	add(&st, 11, "b");
	store_updates(&st);
	tap_ok(strcmp(out, "10-41:b:2*") == 0,
	    "updates: only the rows that changed");
	out[0] = '\0';
	store_close(&st, 70 * S);
	tap_ok(strcmp(out, "10-41:b:2 0-70:a:3") == 0,
	    "sessions: closed by their end, final");
	store_free(&st);

	out[0] = '\0';
	store_init(&st, &aggs, 0, 0, 30 * S, emit, NULL);
	add(&st, 0, "a");
	add(&st, 20, "a");
	tap_ok(store_close(&st, 35 * S) == 0 && out[0] == '\0' &&
	    store_close(&st, 50 * S) == 1 && strcmp(out, "0-50:a:2") == 0,
	    "sessions: an extended session is not closed at its old end");
	store_free(&st);
	agg_free(&aggs);

	if (agg_parse(&aggs, "count, avg(.x) as m, quantile(.y; 0.999), "
	    "p50(.a.b), count_distinct(.s)", why) != 0)
		return 1;
	tap_ok(strcmp(aggs.a[1].name, "m") == 0 &&
	    strcmp(aggs.a[2].name, "p99_9_y") == 0 &&
	    strcmp(aggs.a[3].name, "p50_a_b") == 0 &&
	    strcmp(aggs.a[4].name, "count_distinct_s") == 0 &&
	    aggs.a[2].q == 0.999, "names: as NAME, or the function's and "
	    "the path's");
	agg_free(&aggs);
	tap_ok(agg_parse(&aggs, "avg(.x), avg(.x)", why) == -1 &&
	    strstr(why, "avg_x") != NULL, "two of one name: refused");
	agg_free(&aggs);
	tap_ok(agg_parse(&aggs, "median(.x)", why) == -1,
	    "an unknown aggregate: refused");
	agg_free(&aggs);
	tap_ok(agg_parse(&aggs, "sum(\"a,b\" as $x | .v), max([.a, .b] | max)",
	    why) == 0 && aggs.n == 2 && strcmp(aggs.a[1].expr,
	    "[.a, .b] | max") == 0, "commas inside strings and brackets do "
	    "not split the list");
	agg_free(&aggs);
	return tap_done();
}
