/*
 * The join core against brute force. The input is a window (before,
 * after, each side's delay, the join type, keyed or not) and a sequence
 * of records (side, time, key) in arrival order. Whatever the order, the
 * join must write each pair of two records it did not call late, in the
 * window and of one key, exactly once, and nothing else; with an outer
 * side, each of its records (not late) that met no partner once with null.
 * Lateness itself is checked too: late means below the watermark, the
 * smaller of the sides' largest times less their delays.
 */
#include "fuzz.h"
#include "join.h"

#define RECS_MAX	64

struct rec {
	int	 side, key, late;
	int64_t	 ts;
	char	 line[32];
	size_t	 len;
};

struct seen {
	int	 count[RECS_MAX + 1][RECS_MAX + 1];	/* [l][r], RECS_MAX: null */
	struct rec *recs;
	int	 n;
};

static int
rec_index(const struct seen *sn, const char *line, size_t len)
{
	int i;

	for (i = 0; i < sn->n; i++)
		if (sn->recs[i].len == len &&
		    memcmp(sn->recs[i].line, line, len) == 0)
			return i;
	fuzz_fail("wrote a record it was not given: %.*s", (int)len, line);
}

static void
on_emit(void *arg, const char *l, size_t llen, const char *r, size_t rlen)
{
	struct seen *sn = arg;
	int li = l == NULL ? RECS_MAX : rec_index(sn, l, llen);
	int ri = r == NULL ? RECS_MAX : rec_index(sn, r, rlen);

	sn->count[li][ri]++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct seen sn;
	struct rec recs[RECS_MAX];
	struct join j;
	int64_t before, after, delay[2], maxts[2] = { INT64_MIN, INT64_MIN };
	int64_t wm = INT64_MIN, own;
	int type, keyed, nrec, i, k, s, met;

	if (n < 4)
		return 0;
	/* Bounds of -20..43 s (a window may miss 0), delays 0..15 s. */
	before = ((int64_t)(data[0] & 63) - 20) * 1000000;
	after = ((int64_t)(data[1] & 63) - 20) * 1000000;
	if (-before > after)
		return 0;
	delay[0] = (int64_t)(data[2] & 15) * 1000000;
	delay[1] = (int64_t)(data[2] >> 4) * 1000000;
	type = data[3] & 3;
	keyed = (data[3] >> 2) & 1;
	data += 4;
	n -= 4;
	nrec = (int)(n / 2) < RECS_MAX ? (int)(n / 2) : RECS_MAX;
	memset(&sn, 0, sizeof(sn));
	sn.recs = recs;
	sn.n = nrec;
	for (i = 0; i < nrec; i++) {
		recs[i].side = data[2 * i] & 1;
		recs[i].key = (data[2 * i] >> 1) & 3;
		/* Seconds 0..127 with a jitter from the high bits. */
		recs[i].ts = ((int64_t)data[2 * i + 1] >> 1) * 1000000 +
		    (int64_t)(data[2 * i] >> 3) * 100000;
		recs[i].len = (size_t)snprintf(recs[i].line,
		    sizeof(recs[i].line), "{\"i\":%d}", i);
	}
	join_init(&j, (enum join_type)type, keyed, before, after, delay, 0, 0,
	    on_emit, &sn);
	for (i = 0; i < nrec; i++) {
		char key[2] = { (char)('a' + recs[i].key), '\0' };
		struct join_rec jr = {
			recs[i].ts, key, 1, 0, recs[i].line, recs[i].len, NULL
		};

		recs[i].late = join_add(&j, recs[i].side, &jr);
		if (recs[i].late != (recs[i].ts < wm))
			fuzz_fail("record %d late %d, watermark says %d", i,
			    recs[i].late, recs[i].ts < wm);
		if (!recs[i].late && recs[i].ts > maxts[recs[i].side])
			maxts[recs[i].side] = recs[i].ts;
		if (maxts[0] != INT64_MIN && maxts[1] != INT64_MIN) {
			own = maxts[0] - delay[0] < maxts[1] - delay[1] ?
			    maxts[0] - delay[0] : maxts[1] - delay[1];
			if (own > wm)
				wm = own;
		}
	}
	join_eof(&j, SIDE_LEFT);
	join_eof(&j, SIDE_RIGHT);
	if (join_state(&j) != 0)
		fuzz_fail("%zu records kept after both ends", join_state(&j));
	join_free(&j);
	for (i = 0; i < nrec; i++) {
		if (recs[i].late)
			continue;
		met = 0;
		for (k = 0; k < nrec; k++) {
			int want, got;
			const struct rec *l, *r;

			if (recs[k].late || recs[k].side == recs[i].side)
				continue;
			l = recs[i].side == SIDE_LEFT ? &recs[i] : &recs[k];
			r = recs[i].side == SIDE_LEFT ? &recs[k] : &recs[i];
			want = r->ts - l->ts >= -before &&
			    r->ts - l->ts <= after && (!keyed || l->key == r->key);
			met |= want;
			if (recs[i].side != SIDE_LEFT)
				continue;
			got = sn.count[i][k];
			if (got != want)
				fuzz_fail("pair %d|%d written %d times, want %d",
				    i, k, got, want);
		}
		s = recs[i].side;

		{
			int outer = type == JOIN_FULL ||
			    (s == SIDE_LEFT && type == JOIN_LEFT) ||
			    (s == SIDE_RIGHT && type == JOIN_RIGHT);
			int got = s == SIDE_LEFT ? sn.count[i][RECS_MAX] :
			    sn.count[RECS_MAX][i];

			if (got != (outer && !met))
				fuzz_fail("record %d written with null %d times, "
				    "want %d", i, got, outer && !met);
		}
	}
	/* Each pair a left record then a right one. */
	for (i = 0; i < nrec; i++)
		for (k = 0; k < nrec; k++)
			if (sn.count[i][k] && (recs[i].side != SIDE_LEFT ||
			    recs[k].side != SIDE_RIGHT))
				fuzz_fail("pair %d|%d has its sides the wrong way",
				    i, k);
	/* Nothing written for a late record. */
	for (i = 0; i < nrec; i++)
		if (recs[i].late)
			for (k = 0; k <= RECS_MAX; k++)
				if (sn.count[i][k] || sn.count[k][i])
					fuzz_fail("late record %d was written", i);
	return 0;
}
