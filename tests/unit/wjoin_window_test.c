/* wjoin's window store: order by time, ranges, keys, eviction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wjoin/window.h"

/* The lines of a range scan, joined by spaces. */
static const char *
scan(struct window_store *ws, const char *key, int64_t lo, int64_t hi)
{
	static char buf[1024];
	struct window_range rg;
	struct window_rec *r;

	buf[0] = '\0';
	window_store_range(ws, key, key ? strlen(key) : 0, lo, hi, &rg);
	while ((r = window_range_next(&rg)) != NULL) {
		if (buf[0] != '\0')
			strcat(buf, " ");
		strcat(buf, r->line);
	}
	return buf;
}

static void
add(struct window_store *ws, int64_t ts, const char *key, const char *line)
{
	window_store_insert(ws, ts, key, key ? strlen(key) : 0, line,
	    strlen(line));
}

/* Pops everything before limit; returns the lines in the order popped. */
static const char *
pop(struct window_store *ws, int64_t limit)
{
	static char buf[1024];
	struct window_rec *r;

	buf[0] = '\0';
	while ((r = window_store_pop_before(ws, limit)) != NULL) {
		if (buf[0] != '\0')
			strcat(buf, " ");
		strcat(buf, r->line);
		free(r);
	}
	return buf;
}

static int
is(const char *got, const char *want, const char *what)
{
	if (!tap_ok(strcmp(got, want) == 0, what))
		printf("# got \"%s\", want \"%s\"\n", got, want);
	return 0;
}

int
main(void)
{
	struct window_store ws;
	int i;
	char line[32];

	window_store_init(&ws, 0);
	is(scan(&ws, NULL, 0, 100), "", "an empty store has nothing in range");
	tap_ok(window_store_oldest(&ws) == INT64_MAX, "an empty store has no oldest");
	add(&ws, 10, NULL, "a10");
	add(&ws, 20, NULL, "b20");
	add(&ws, 15, NULL, "c15");	/* out of order */
	add(&ws, 20, NULL, "d20");	/* a tie goes after the earlier one */
	add(&ws, 5, NULL, "e5");
	tap_ok(ws.count == 5 && ws.bytes == 14, "count and bytes");
	is(scan(&ws, NULL, INT64_MIN, INT64_MAX), "e5 a10 c15 b20 d20",
	    "records in time order, ties in arrival order");
	is(scan(&ws, NULL, 10, 20), "a10 c15 b20 d20", "both ends are inclusive");
	is(scan(&ws, NULL, 11, 19), "c15", "a range inside");
	is(scan(&ws, NULL, 21, 30), "", "a range past the end");
	is(scan(&ws, NULL, 0, 4), "", "a range before the start");
	tap_ok(window_store_oldest(&ws) == 5, "the oldest time");
	is(pop(&ws, 5), "", "nothing is older than the oldest");
	is(pop(&ws, 16), "e5 a10 c15", "pop_before takes the records before the limit");
	tap_ok(ws.count == 2 && ws.bytes == 6, "count and bytes after eviction");
	is(pop(&ws, INT64_MAX), "b20 d20", "and then the rest");
	tap_ok(ws.count == 0 && ws.bytes == 0, "empty again");

	/* Many records, in order with some disorder, to move the array about. */
	for (i = 0; i < 10000; i++) {
		snprintf(line, sizeof(line), "%d", i);
		add(&ws, i % 10 == 3 ? i - 7 : i, NULL, line);
		if (i % 100 == 99)
			free(window_store_pop_before(&ws, i - 50));
	}
	{
		struct window_range rg;
		struct window_rec *r;
		int64_t prev = INT64_MIN;
		int sorted = 1, n = 0;

		window_store_range(&ws, NULL, 0, INT64_MIN, INT64_MAX, &rg);
		while ((r = window_range_next(&rg)) != NULL) {
			sorted &= r->ts >= prev;
			prev = r->ts;
			n++;
		}
		tap_ok(sorted && (size_t)n == ws.count && n == 10000 - 100,
		    "10000 records stay sorted through growth and eviction");
	}
	window_store_free(&ws);

	window_store_init(&ws, 1);
	add(&ws, 10, "\"x\"", "x10");
	add(&ws, 12, "\"y\"", "y12");
	add(&ws, 11, "\"x\"", "x11");
	add(&ws, 30, "1", "n30");
	tap_ok(ws.nbuckets == 3, "one bucket per key");
	is(scan(&ws, "\"x\"", 0, 100), "x10 x11", "a key's records, in time order");
	is(scan(&ws, "\"y\"", 0, 100), "y12", "another key");
	is(scan(&ws, "\"z\"", 0, 100), "", "an unknown key has none");
	is(scan(&ws, "\"x\"", 11, 11), "x11", "a one-point range");
	is(pop(&ws, 11), "x10", "eviction across keys, oldest first");
	is(scan(&ws, "\"x\"", 0, 100), "x11", "an evicted record leaves its bucket");
	is(pop(&ws, 12), "x11", "the last of a key");
	tap_ok(ws.nbuckets == 2, "an empty bucket goes");
	add(&ws, 13, "\"x\"", "x13");
	is(scan(&ws, "\"x\"", 0, 100), "x13", "a key can come back");
	add(&ws, 12, "\"y\"", "y12b");
	is(scan(&ws, "\"y\"", 12, 12), "y12 y12b", "equal times in one key");
	is(pop(&ws, 13), "y12 y12b", "evicted in arrival order");
	window_store_free(&ws);
	tap_ok(1, "freeing a store with records and buckets");
	return tap_done();
}
