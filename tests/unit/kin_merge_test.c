/* kin's merge decision: smallest time first, wait only for unread partitions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kcat-in/merge.h"

static int failures, n_test;

static void
check(int ok, const char *what)
{
	n_test++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", n_test, what);
	if (!ok)
		failures++;
}

int
main(void)
{
	int64_t wait, limit;
	int p;

	{
		struct merge_view v[3] = {
			{ 1, 300, 0, 0 }, { 1, 100, 0, 0 }, { 1, 200, 0, 0 } };

		p = merge_pick(v, 3, 1000, &wait, &limit);
		check(p == 1 && limit == 200, "the smallest time goes first, "
		    "up to the next smallest");
	}
	{
		struct merge_view v[2] = { { 1, 100, 0, 0 }, { 1, 100, 0, 0 } };

		p = merge_pick(v, 2, 1000, &wait, &limit);
		check(p == 0 && limit == 100, "a tie goes to the lower index");
	}
	{
		struct merge_view v[2] = { { 1, 100, 0, 0 }, { 0, 0, 1, 300 } };

		p = merge_pick(v, 2, 1000, &wait, &limit);
		check(p == MERGE_WAIT && wait == 700, "a partition known to hold "
		    "unread records holds the others, for what is left of the bound");
	}
	{
		struct merge_view v[2] = { { 1, 100, 0, 0 }, { 0, 0, 1, 1000 } };

		p = merge_pick(v, 2, 1000, &wait, &limit);
		check(p == 0 && limit == INT64_MAX, "past the bound it is passed over");
	}
	{
		struct merge_view v[2] = { { 1, 100, 0, 0 }, { 0, 0, 0, 0 } };

		p = merge_pick(v, 2, 1000, &wait, &limit);
		check(p == 0 && limit == INT64_MAX, "a caught-up partition holds "
		    "nothing back");
	}
	{
		struct merge_view v[2] = { { 0, 0, 0, 0 }, { 0, 0, 0, 0 } };

		p = merge_pick(v, 2, 1000, &wait, &limit);
		check(p == MERGE_WAIT && wait == -1, "nothing buffered, nothing "
		    "unread: wait for any input");
	}
	{
		struct merge_view v[3] = {
			{ 0, 0, 1, 10 }, { 1, 5, 0, 0 }, { 0, 0, 1, 500 } };

		p = merge_pick(v, 3, 1000, &wait, &limit);
		check(p == MERGE_WAIT && wait == 500, "of two holding, the one "
		    "nearest its bound sets the wait");
	}
	check(merge_pick(NULL, 0, 1000, &wait, &limit) == MERGE_WAIT &&
	    wait == -1, "no partitions: wait");
	{
		/* Random views against a plain minimum. */
		int k, i, bad = 0;

		srand(7);
		for (k = 0; k < 10000; k++) {
			struct merge_view v[8];
			int n = 1 + rand() % 8, hold = 0, best = -1;

			for (i = 0; i < n; i++) {
				v[i].buffered = rand() % 2;
				v[i].head_us = rand() % 50;
				v[i].unread = rand() % 3 == 0;
				v[i].held_ms = rand() % 2000;
				if (!v[i].buffered && v[i].unread &&
				    v[i].held_ms < 1000)
					hold = 1;
				if (v[i].buffered && (best < 0 ||
				    v[i].head_us < v[best].head_us))
					best = i;
			}
			p = merge_pick(v, n, 1000, &wait, &limit);
			if (hold ? p != MERGE_WAIT : p != (best < 0 ? MERGE_WAIT :
			    best))
				bad++;
			if (p >= 0)
				for (i = 0; i < n; i++)
					if (i != p && v[i].buffered &&
					    v[i].head_us < limit)
						bad++;
		}
		check(bad == 0, "10,000 random views: the minimum, or a wait "
		    "exactly when one holds");
	}
	printf("1..%d\n", n_test);
	return failures != 0;
}
