/*
 * wagg's quantile sketch: exact up to SKETCH_EXACT values, and past that
 * within SKETCH_ALPHA of the exact quantile (relative), checked on 1M
 * values of several distributions against a sort of the same values.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"
#include "wagg/sketch.h"

#define N	1000000

static uint64_t rng = 88172645463325252ULL;

static double
uniform01(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((rng >> 11) + 0.5) / 9007199254740992.0;
}

static double
normal(void)
{
	return sqrt(-2 * log(uniform01())) * cos(2 * M_PI * uniform01());
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static const double qs[] = {
	0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1
};

/*
 * Adds v[0..n) to a sketch (in two halves merged, if merge), and checks
 * every quantile of qs against the sorted values. Returns the largest
 * relative error seen.
 */
static double
check(const char *name, double *v, size_t n, int merge)
{
	struct sketch sk, half;
	double worst = 0, est, exact, rel;
	char what[160];
	size_t i, k;
	int ok = 1;

	sketch_init(&sk);
	sketch_init(&half);
	for (i = 0; i < n; i++)
		sketch_add(merge && i % 2 ? &half : &sk, v[i]);
	if (merge)
		sketch_merge(&sk, &half);
	qsort(v, n, sizeof(*v), cmp);
	for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		est = sketch_quantile(&sk, qs[k]);
		exact = v[sketch_rank(qs[k], n)];
		rel = exact == 0 ? fabs(est) : fabs(est - exact) / fabs(exact);
		if (rel > worst)
			worst = rel;
		if (!(rel <= SKETCH_ALPHA * (1 + 1e-9))) {
			printf("# %s q=%g: %.17g, exact %.17g\n", name, qs[k],
			    est, exact);
			ok = 0;
		}
	}
	snprintf(what, sizeof(what), "%s, %zu values%s: every quantile within "
	    "%g (largest error seen %.4g)", name, n, merge ? ", merged" : "",
	    SKETCH_ALPHA, worst);
	tap_ok(ok && sk.count == n, what);
	sketch_free(&sk);
	sketch_free(&half);
	return worst;
}

int
main(void)
{
	struct sketch sk;
	double *v;
	size_t i;

	if ((v = malloc(N * sizeof(*v))) == NULL)
		return 1;

	sketch_init(&sk);
	tap_ok(isnan(sketch_quantile(&sk, 0.5)), "no values: no quantile");
	for (i = 0; i < SKETCH_EXACT; i++)
		sketch_add(&sk, (double)((i * 7919) % SKETCH_EXACT) + 0.25);
	tap_ok(sketch_quantile(&sk, 0.5) == 511.25 &&
	    sketch_quantile(&sk, 0.99) == 1012.25 &&
	    sketch_quantile(&sk, 0) == 0.25 &&
	    sketch_quantile(&sk, 1) == 1023.25 && !sk.binned,
	    "up to SKETCH_EXACT values: exact, rank floor(q * (n - 1))");
	sketch_add(&sk, 5000);
	tap_ok(sk.binned && sketch_quantile(&sk, 1) == 5000 &&
	    fabs(sketch_quantile(&sk, 0.5) - 512.25) <= 512.25 * SKETCH_ALPHA,
	    "one more: binned, the largest still exact, the median within "
	    "the bound");
	sketch_free(&sk);
	tap_ok(sketch_rank(0.29, 101) == 29 && sketch_rank(0.99, 101) == 99 &&
	    sketch_rank(1, 7) == 6 && sketch_rank(0.5, 4) == 1,
	    "ranks: 0.29 of 101 values is rank 29, not 28");

	for (i = 0; i < N; i++)
		v[i] = uniform01() * 1000;
	check("uniform(0, 1000)", v, N, 0);
	for (i = 0; i < N; i++)
		v[i] = 50 + 10 * normal();
	check("normal(50, 10)", v, N, 0);
	for (i = 0; i < N; i++)
		v[i] = normal();
	check("normal(0, 1), both signs", v, N, 1);
	for (i = 0; i < N; i++)
		v[i] = exp(2 * normal());
	check("lognormal(0, 2), a heavy tail", v, N, 0);
	for (i = 0; i < N; i++)
		v[i] = (double)(int)(uniform01() * 5);
	check("0 to 4, many duplicates and zeros", v, N, 1);
	for (i = 0; i < N; i++)
		v[i] = 1 / (1 - uniform01());
	check("pareto(1), a very heavy tail", v, N, 0);
	free(v);
	return tap_done();
}
