#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sketch.h"
#include "xalloc.h"

/* Magnitudes below this count as zero; no bin is needed for them. */
#define SKETCH_TINY	1e-300

static double
gamma_(void)
{
	return (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA);
}

void
sketch_init(struct sketch *sk)
{
	memset(sk, 0, sizeof(*sk));
	sk->min = INFINITY;
	sk->max = -INFINITY;
}

void
sketch_free(struct sketch *sk)
{
	free(sk->exact);
	free(sk->pos.bin);
	free(sk->neg.bin);
	memset(sk, 0, sizeof(*sk));
}

uint64_t
sketch_rank(double q, uint64_t n)
{
	double r;

	if (n == 0)
		return 0;
	/* The small term keeps 0.29 * 100 from flooring to 28. */
	r = floor(q * (double)(n - 1) + 1e-9);
	if (r < 0)
		return 0;
	if (r > (double)(n - 1))
		return n - 1;
	return (uint64_t)r;
}

/* The bin of magnitude x: x lies in (gamma^(i-1), gamma^i]. */
static int
bin_index(double x)
{
	double i = ceil(log(x) / log(gamma_()));

	if (!(i < 100000))
		i = 100000;
	if (i < -100000)
		i = -100000;
	return (int)i;
}

/* A value of bin i within SKETCH_ALPHA of all of (gamma^(i-1), gamma^i]. */
static double
bin_value(int i)
{
	double g = gamma_();

	return 2 * pow(g, i) / (g + 1);
}

static void
store_add(struct sketch_store *st, int i, uint64_t count)
{
	uint64_t *bin, folded = 0;
	int lo, hi, n, k, used_lo, used_hi;

	if (st->n > 0 && i >= st->lo && i < st->lo + st->n) {
		st->bin[i - st->lo] += count;
		return;
	}
	used_lo = i;
	used_hi = i;
	for (k = 0; k < st->n; k++)
		if (st->bin[k] > 0) {
			if (st->lo + k < used_lo)
				used_lo = st->lo + k;
			if (st->lo + k > used_hi)
				used_hi = st->lo + k;
		}
	/* Past SKETCH_BINS the smallest magnitudes share the lowest bin. */
	if (used_hi - used_lo + 1 > SKETCH_BINS)
		used_lo = used_hi - SKETCH_BINS + 1;
	n = used_hi - used_lo + 1;
	if (n < st->n * 2)
		n = st->n * 2 < SKETCH_BINS ? st->n * 2 : SKETCH_BINS;
	if (n < 16)
		n = 16;
	/* Room to grow on the side that grew. */
	lo = i == used_lo && st->n > 0 ? used_hi - n + 1 : used_lo;
	hi = lo + n - 1;
	bin = xcalloc((size_t)n, sizeof(*bin));
	for (k = 0; k < st->n; k++) {
		int idx = st->lo + k;

		if (st->bin[k] == 0)
			continue;
		if (idx < used_lo)
			folded += st->bin[k];
		else if (idx <= hi)
			bin[idx - lo] += st->bin[k];
	}
	bin[used_lo - lo] += folded;
	free(st->bin);
	st->bin = bin;
	st->lo = lo;
	st->n = n;
	if (i < used_lo)
		i = used_lo;
	st->bin[i - lo] += count;
}

static void
bin_add(struct sketch *sk, double x, uint64_t count)
{
	if (fabs(x) < SKETCH_TINY)
		sk->zero += count;
	else if (x > 0)
		store_add(&sk->pos, bin_index(x), count);
	else
		store_add(&sk->neg, bin_index(-x), count);
}

/* Moves the exact values into bins: there are too many to keep. */
static void
to_bins(struct sketch *sk)
{
	size_t i;

	for (i = 0; i < sk->count; i++)
		bin_add(sk, sk->exact[i], 1);
	free(sk->exact);
	sk->exact = NULL;
	sk->cap = 0;
	sk->binned = 1;
}

static void
note(struct sketch *sk, double x)
{
	if (x < sk->min)
		sk->min = x;
	if (x > sk->max)
		sk->max = x;
}

void
sketch_add(struct sketch *sk, double x)
{
	note(sk, x);
	if (!sk->binned) {
		if (sk->count == SKETCH_EXACT) {
			to_bins(sk);
		} else {
			if (sk->count == sk->cap) {
				size_t cap = sk->cap ? sk->cap * 4 : 4;

				if (cap > SKETCH_EXACT)
					cap = SKETCH_EXACT;
				sk->exact = xreallocarray(sk->exact, cap,
				    sizeof(double));
				sk->cap = cap;
			}
			sk->exact[sk->count++] = x;
			return;
		}
	}
	bin_add(sk, x, 1);
	sk->count++;
}

void
sketch_merge(struct sketch *dst, struct sketch *src)
{
	size_t i;
	int k;

	if (src->count == 0)
		return;
	if (!src->binned) {
		for (i = 0; i < src->count; i++)
			sketch_add(dst, src->exact[i]);
		return;
	}
	if (!dst->binned)
		to_bins(dst);
	note(dst, src->min);
	note(dst, src->max);
	for (k = 0; k < src->pos.n; k++)
		if (src->pos.bin[k] > 0)
			store_add(&dst->pos, src->pos.lo + k, src->pos.bin[k]);
	for (k = 0; k < src->neg.n; k++)
		if (src->neg.bin[k] > 0)
			store_add(&dst->neg, src->neg.lo + k, src->neg.bin[k]);
	dst->zero += src->zero;
	dst->count += src->count;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
clamp(const struct sketch *sk, double x)
{
	return x < sk->min ? sk->min : x > sk->max ? sk->max : x;
}

double
sketch_quantile(struct sketch *sk, double q)
{
	uint64_t rank, seen = 0;
	int k;

	if (sk->count == 0)
		return NAN;
	rank = sketch_rank(q, sk->count);
	if (!sk->binned) {
		qsort(sk->exact, sk->count, sizeof(double), cmp_double);
		return sk->exact[rank];
	}
	/* The smallest and the largest are known exactly. */
	if (rank == 0)
		return sk->min;
	if (rank == sk->count - 1)
		return sk->max;
	/* Ascending: the negatives by falling magnitude, zero, positives. */
	for (k = sk->neg.n - 1; k >= 0; k--) {
		seen += sk->neg.bin[k];
		if (seen > rank)
			return clamp(sk, -bin_value(sk->neg.lo + k));
	}
	seen += sk->zero;
	if (seen > rank)
		return clamp(sk, 0);
	for (k = 0; k < sk->pos.n; k++) {
		seen += sk->pos.bin[k];
		if (seen > rank)
			return clamp(sk, bin_value(sk->pos.lo + k));
	}
	return sk->max;
}

size_t
sketch_bytes(const struct sketch *sk)
{
	return sk->cap * sizeof(double) + (size_t)(sk->pos.n + sk->neg.n) *
	    sizeof(uint64_t);
}
