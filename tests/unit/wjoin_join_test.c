/*
 * wjoin's join: pairs within the band exactly once, outer nulls only when
 * the watermark has closed a record's window, late records, bounded state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wjoin/join.h"

static char out[8192];

static void
collect(void *arg, const char *l, size_t ll, const char *r, size_t rl)
{
	(void)arg;
	snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%.*s-%.*s",
	    out[0] ? " " : "", l ? (int)ll : 1, l ? l : "_", r ? (int)rl : 1,
	    r ? r : "_");
}

/* Adds a record named line at ts, unkeyed; returns join_add's result. */
static int
add(struct join *j, int side, int64_t ts, const char *line)
{
	struct join_rec x = { ts, NULL, 0, 0, line, strlen(line) };

	return join_add(j, side, &x);
}

static int
add_key(struct join *j, int side, int64_t ts, const char *key, const char *line)
{
	struct join_rec x = { ts, key, key ? strlen(key) : 0, key == NULL,
	    line, strlen(line) };

	return join_add(j, side, &x);
}

static void
is(const char *want, const char *what)
{
	if (!tap_ok(strcmp(out, want) == 0, what))
		printf("# got \"%s\", want \"%s\"\n", out, want);
	out[0] = '\0';
}

#define L	SIDE_LEFT
#define R	SIDE_RIGHT

static const int64_t no_delay[2] = { 0, 0 }, delay50[2] = { 50, 50 };

/*
 * Random inputs against a nested loop over all pairs of records: RN
 * records a side, each arriving up to the delay after its time, so that
 * none is late.
 */
#define RN	400

struct rand_rec {
	int64_t		 ts, arrival;
	int		 side, i;
};

struct tally {
	unsigned char	 pairs[RN][RN];
	int		 nulls[2][RN];
};

static unsigned long rand_state = 1;

static int
rand_below(int n)
{
	rand_state = rand_state * 6364136223846793005UL + 1442695040888963407UL;
	return (int)((rand_state >> 33) % (unsigned long)n);
}

static int
by_arrival(const void *a, const void *b)
{
	const struct rand_rec *x = a, *y = b;

	if (x->arrival != y->arrival)
		return x->arrival < y->arrival ? -1 : 1;
	if (x->side != y->side)
		return x->side - y->side;
	return x->i - y->i;
}

static void
tally_emit(void *arg, const char *l, size_t ll, const char *r, size_t rl)
{
	struct tally *t = arg;

	(void)ll;
	(void)rl;
	if (l != NULL && r != NULL)
		t->pairs[atoi(l + 1)][atoi(r + 1)]++;
	else if (l != NULL)
		t->nulls[L][atoi(l + 1)]++;
	else
		t->nulls[R][atoi(r + 1)]++;
}

/*
 * Joins random inputs with window [-before, after] and delay, and checks
 * every pair and null row against brute force. *peak_right gets the most
 * right records stored at once.
 */
static int
same_as_brute_force(enum join_type type, int64_t before, int64_t after,
    int64_t delay, size_t *peak_right)
{
	static struct rand_rec recs[2 * RN];
	static struct tally t;
	static const char *names[] = { "inner", "left", "right", "full" };
	int64_t delays[2] = { delay, delay }, d;
	struct join j;
	char line[16];
	int n, i, k, want, matched[2][RN], outer[2], bad = 0;

	for (n = 0; n < 2 * RN; n++) {
		recs[n].side = n < RN ? L : R;
		recs[n].i = n % RN;
		recs[n].ts = 10 * (3 * recs[n].i + rand_below(8));
		recs[n].arrival = recs[n].ts + rand_below((int)delay + 1);
	}
	qsort(recs, 2 * RN, sizeof(recs[0]), by_arrival);
	memset(&t, 0, sizeof(t));
	join_init(&j, type, 0, before, after, delays, 0, 0, tally_emit, &t);
	*peak_right = 0;
	for (n = 0; n < 2 * RN; n++) {
		snprintf(line, sizeof(line), "%c%d", recs[n].side == L ? 'l' : 'r',
		    recs[n].i);
		if (add(&j, recs[n].side, recs[n].ts, line) != 0)
			bad++;
		if (j.store[R].count > *peak_right)
			*peak_right = j.store[R].count;
	}
	join_eof(&j, L);
	join_eof(&j, R);
	bad += join_state(&j) != 0;
	join_free(&j);

	/* Brute force, from the records' times alone. */
	memset(matched, 0, sizeof(matched));
	for (i = 0; i < 2 * RN; i++) {
		if (recs[i].side != L)
			continue;
		for (k = 0; k < 2 * RN; k++) {
			if (recs[k].side != R)
				continue;
			d = recs[k].ts - recs[i].ts;
			want = -before <= d && d <= after;
			if (want) {
				matched[L][recs[i].i] = 1;
				matched[R][recs[k].i] = 1;
			}
			bad += t.pairs[recs[i].i][recs[k].i] != want;
		}
	}
	outer[L] = type == JOIN_LEFT || type == JOIN_FULL;
	outer[R] = type == JOIN_RIGHT || type == JOIN_FULL;
	for (k = 0; k < 2; k++)
		for (i = 0; i < RN; i++)
			bad += t.nulls[k][i] != (outer[k] && !matched[k][i]);
	if (bad)
		printf("# %s join, window [%lld, %lld], delay %lld: %d wrong\n",
		    names[type], (long long)-before, (long long)after,
		    (long long)delay, bad);
	return bad == 0;
}

int
main(void)
{
	struct join j;
	int i;

	/* before 10, after 20: r.ts - l.ts in [-10, 20]. */
	join_init(&j, JOIN_INNER, 0, 10, 20, no_delay, 0, 0, collect, NULL);
	add(&j, L, 100, "l100");
	add(&j, R, 89, "r89");
	add(&j, R, 90, "r90");
	add(&j, R, 120, "r120");
	add(&j, R, 121, "r121");
	is("l100-r90 l100-r120", "both ends of the band, and not a µs past them");
	add(&j, L, 110, "l110");
	add(&j, L, 131, "l131");
	add(&j, L, 132, "l132");
	is("l110-r120 l110-r121 l131-r121", "a left record meets the right side's stored ones");
	join_eof(&j, L);
	join_eof(&j, R);
	is("", "an inner join writes nothing at the end");
	tap_ok(join_state(&j) == 0, "nothing stays stored after both ends");
	tap_ok(j.n.pairs == 5 && j.n.in[L] == 4 && j.n.in[R] == 4, "counts");
	join_free(&j);

	/* Outer joins: the null comes only once the window has closed. */
	join_init(&j, JOIN_FULL, 0, 10, 10, no_delay, 0, 0, collect, NULL);
	add(&j, L, 100, "a");
	add(&j, R, 100, "b");
	is("a-b", "a pair");
	add(&j, L, 150, "c");
	add(&j, R, 120, "e");
	is("", "no partner yet: nothing is written while one may come");
	tap_ok(j.wm.value == 120 && j.store[L].count == 1 &&
	    j.store[R].count == 1, "matched records left as the watermark passed");
	add(&j, L, 125, "f");
	is("f-e", "a partner arriving later still meets it, and no null came first");
	add(&j, R, 145, "g");
	add(&j, R, 170, "h");
	is("c-g", "");
	add(&j, L, 175, "k");
	add(&j, R, 200, "m");
	add(&j, L, 300, "n");
	is("k-h", "");
	join_eof(&j, L);
	is("_-m", "the left ended: no partner can come for m");
	join_eof(&j, R);
	is("n-_", "at the end, the unmatched left record");
	tap_ok(j.n.unmatched[L] == 1 && j.n.unmatched[R] == 1 && j.n.pairs == 4,
	    "counts of pairs and of records written with null");
	join_free(&j);

	/* The watermark closes a window: the null comes then, not at the end. */
	join_init(&j, JOIN_RIGHT, 0, 10, 10, no_delay, 0, 0, collect, NULL);
	add(&j, R, 100, "a");
	add(&j, L, 105, "b");
	add(&j, R, 130, "c");
	add(&j, L, 121, "d");
	is("b-a d-c", "");
	add(&j, L, 200, "x");
	is("", "c (130) could still meet a left record at 130 to 140");
	add(&j, R, 200, "y");
	is("x-y", "the watermark moves to 200: c was matched, so no null");
	add(&j, R, 250, "z");
	add(&j, L, 300, "w");
	is("", "z (250) waits: the watermark (250) lets a left record come up to 260");
	add(&j, R, 300, "v");
	is("w-v _-z", "the watermark moves to 300: z goes out with null");
	join_free(&j);

	/* Late records are counted and not joined. */
	join_init(&j, JOIN_LEFT, 0, 5, 5, no_delay, 0, 0, collect, NULL);
	add(&j, L, 100, "a");
	add(&j, R, 100, "b");
	add(&j, R, 200, "c");
	add(&j, L, 200, "d");
	is("a-b d-c", "pairs");
	tap_ok(add(&j, L, 150, "late") == 1 && add(&j, R, 199, "late2") == 1,
	    "records below the watermark are late");
	tap_ok(add(&j, L, 200, "e") == 0, "a record at the watermark is not");
	is("e-c", "and is joined");
	tap_ok(j.n.late[L] == 1 && j.n.late[R] == 1 && j.n.in[L] == 4,
	    "late counts, and late records are counted in");
	join_eof(&j, L);
	join_eof(&j, R);
	is("", "late records never appear, not even with null");
	join_free(&j);

	/* Delay: out-of-order records within it are all joined. */
	join_init(&j, JOIN_INNER, 0, 0, 0, delay50, 0, 0, collect, NULL);
	add(&j, L, 100, "a");
	add(&j, R, 140, "x");
	add(&j, L, 140, "b");
	add(&j, R, 100, "y");
	add(&j, L, 91, "c");
	is("b-x a-y", "records up to the delay behind are joined");
	tap_ok(j.wm.value == 90 && j.n.late[L] == 0, "the watermark is the delay behind");
	tap_ok(add(&j, R, 89, "z") == 1, "beyond the delay is late");
	join_free(&j);

	/*
	 * A delay holds back outer null rows, by the delay: a's window closes
	 * at 110, and the null comes once both inputs are 50 past that.
	 */
	join_init(&j, JOIN_LEFT, 0, 10, 10, delay50, 0, 0, collect, NULL);
	add(&j, L, 100, "a");
	add(&j, R, 300, "z");
	add(&j, L, 160, "b");
	is("", "both inputs at 160 or more: a (100) could still meet a right at 110");
	add(&j, L, 161, "c");
	is("a-_", "at 161 it no longer can: a goes out with null");
	add(&j, R, 305, "y");
	add(&j, L, 300, "d");
	is("d-z d-y b-_ c-_", "pairs are not held back: each when its second "
	    "record comes; b and c, 50 past their windows, go with null");
	join_free(&j);

	/* Once one side has ended, the other side's records are not kept. */
	join_init(&j, JOIN_RIGHT, 0, 10, 10, no_delay, 0, 0, collect, NULL);
	add(&j, L, 100, "a");
	add(&j, L, 200, "b");
	join_eof(&j, L);
	for (i = 0; i < 5; i++)
		add(&j, R, 95 + i * 25, "r");
	is("a-r _-r _-r _-r b-r", "matched or written with null at once");
	tap_ok(j.store[R].count == 0, "no right record stored");
	tap_ok(j.store[L].count == 1, "the left records wait for the right side to pass them");
	add(&j, R, 300, "s");
	tap_ok(j.store[L].count == 0, "and go when it has");
	is("_-s", "");
	join_free(&j);

	/* Keyed: only equal keys meet; a null key meets nothing. */
	join_init(&j, JOIN_FULL, 1, 10, 10, no_delay, 0, 0, collect, NULL);
	add_key(&j, L, 100, "1", "a1");
	add_key(&j, L, 100, "2", "a2");
	add_key(&j, L, 100, NULL, "anull");
	is("anull-_", "a null key cannot meet anything: written at once");
	add_key(&j, R, 105, "2", "b2");
	add_key(&j, R, 105, NULL, "bnull");
	add_key(&j, R, 105, "3", "b3");
	is("a2-b2 _-bnull", "equal keys within the window");
	add_key(&j, R, 200, "1", "c1");
	add_key(&j, L, 200, "9", "x");
	is("a1-_ _-b3", "unmatched, once the watermark passes");
	join_eof(&j, L);
	join_eof(&j, R);
	is("_-c1 x-_", "");
	tap_ok(j.store[L].nbuckets == 0 && j.store[R].nbuckets == 0, "no buckets left");
	join_free(&j);

	/* State stays bounded by the window on a long in-order stream. */
	join_init(&j, JOIN_INNER, 0, 1000, 1000, no_delay, 0, 0, collect, NULL);
	{
		size_t peak = 0;

		for (i = 0; i < 100000; i++) {
			add(&j, i % 2 ? R : L, i * 100, "x");
			if (join_state(&j) > peak)
				peak = join_state(&j);
			out[0] = '\0';
		}
		tap_ok(peak <= 22, "a 100000-record stream keeps a window's worth");
		tap_ok(j.n.pairs == 499975, "and finds every pair");
	}
	join_free(&j);

	/*
	 * A window after 0, r.ts - l.ts in [10, 30]: a right record is kept
	 * only while a left one 10 to 30 before it can come.
	 */
	join_init(&j, JOIN_FULL, 0, -10, 30, no_delay, 0, 0, collect, NULL);
	add(&j, L, 100, "a");
	add(&j, R, 105, "b");
	is("_-b", "b (105) needs a left at 75 to 95, below the watermark (100)");
	tap_ok(j.store[R].count == 0 && j.store[L].count == 1,
	    "so it is not kept; a (100) is, a right at 110 to 130 may come");
	add(&j, R, 104, "x");
	is("_-x", "nor is x (104), though the watermark stays: null at once");
	tap_ok(j.store[R].count == 0, "x is not kept");
	add(&j, R, 115, "c");
	is("a-c", "a right record 15 after");
	add(&j, L, 120, "d");
	tap_ok(j.wm.value == 115 && j.store[R].count == 0,
	    "the watermark at 115: c, needing a left up to 105, has gone");
	add(&j, R, 131, "e");
	is("d-e", "");
	add(&j, L, 200, "f");
	tap_ok(j.wm.value == 131 && j.store[L].count == 2,
	    "a (100) has gone once a right would have to be below 131");
	tap_ok(add(&j, R, 125, "g") == 1, "a right record below the watermark is late");
	add(&j, L, 131, "h");
	is("", "h (131) waits for a right at 141 to 161");
	join_eof(&j, L);
	add(&j, R, 160, "i");
	is("h-i", "after the left's end, a right record still meets what is kept");
	join_eof(&j, R);
	is("f-_", "f never met a right record: null, once");
	join_free(&j);

	/* A window before 0, r.ts - l.ts in [-30, -10]: the mirror image. */
	join_init(&j, JOIN_FULL, 0, 30, -10, no_delay, 0, 0, collect, NULL);
	add(&j, R, 100, "a");
	add(&j, L, 100, "b");
	is("b-_", "b (100) needs a right at 70 to 90: none can come, null at once");
	tap_ok(j.store[L].count == 0 && j.store[R].count == 1, "only a is kept");
	add(&j, L, 115, "c");
	is("c-a", "a left record 15 after the right");
	add(&j, R, 131, "d");
	tap_ok(j.wm.value == 115 && j.store[R].count == 2,
	    "a (100) kept: a left up to 130 may still come");
	add(&j, L, 131, "e");
	tap_ok(j.wm.value == 131 && j.store[R].count == 1, "now it has gone");
	is("e-_", "e (131) needs a right at 101 to 121: none kept, none to come");
	join_eof(&j, L);
	join_eof(&j, R);
	is("_-d", "");
	join_free(&j);

	/* Random disorder within the delay, every window, every join type. */
	{
		static const int64_t windows[][2] = {
			{ 50, 50 }, { -10, 30 }, { 30, -10 }, { 0, 0 },
			{ -300, 320 }, { 320, -300 }
		};
		size_t w, peak, far_peak = 0;
		int type, all = 1;

		for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++)
			for (type = JOIN_INNER; type <= JOIN_FULL; type++) {
				all &= same_as_brute_force(type, windows[w][0],
				    windows[w][1], 40, &peak);
				if (w == 4 && peak > far_peak)
					far_peak = peak;
			}
		tap_ok(all, "random inputs, windows [-50, 50], [10, 30], [-30, -10], "
		    "[0, 0], [300, 320], [-320, -300], all four types: every pair "
		    "once, and every unmatched outer record once with null");
		tap_ok(far_peak <= 10, "a window beyond the delay: the right "
		    "side's partners have all come, it keeps next to nothing");
	}

	/* Idleness releases state held by a quiet side. */
	join_init(&j, JOIN_INNER, 0, 10, 10, no_delay, 1000, 0, collect, NULL);
	for (i = 0; i < 100; i++)
		add(&j, L, i * 100, "x");
	tap_ok(j.store[L].count == 100, "a quiet right side: the left is kept");
	{
		int waiting[2] = { 0, 0 };

		join_activity(&j, L, 1500);
		join_tick(&j, 1500, waiting);
	}
	tap_ok(j.store[L].count == 1 && j.wm.value == 9900,
	    "idle, the right no longer holds the watermark");
	tap_ok(add(&j, R, 9890, "r") == 1, "a record from behind it is late");
	tap_ok(add(&j, R, 9905, "r") == 0, "one after it joins");
	is("x-r", "");
	join_free(&j);
	return tap_done();
}
