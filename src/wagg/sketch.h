/*
 * Quantiles of a window's numbers. Up to SKETCH_EXACT values are kept as
 * they came and the answer is exact; past that they go into a
 * relative-error sketch (DDSketch: Masson, Rim and Lee, VLDB 2019), whose
 * answer is within SKETCH_ALPHA of the exact value, relatively, whatever
 * the distribution: |answer - exact| <= SKETCH_ALPHA * |exact|. The bins
 * of each sign are logarithmic, SKETCH_BINS at most; should the numbers
 * of one sign span more than a factor of about 10^17, the bins of the
 * smallest magnitudes are merged and only their quantiles lose the bound.
 *
 * The quantile q of n numbers is the one of rank floor(q * (n - 1)) in
 * ascending order, counting from 0 (the lower of the two around q, no
 * interpolation): p0 is the smallest, p100 the largest.
 */
#ifndef WAGG_SKETCH_H
#define WAGG_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#define SKETCH_EXACT	1024
#define SKETCH_ALPHA	0.01
#define SKETCH_BINS	2048

struct sketch_store {
	uint64_t	*bin;		/* bin[i] counts index lo + i */
	int		 lo, n;
};

struct sketch {
	uint64_t		 count;
	double			 min, max;
	double			*exact;		/* while count <= SKETCH_EXACT */
	size_t			 cap;
	int			 binned;
	struct sketch_store	 pos, neg;	/* neg holds magnitudes */
	uint64_t		 zero;
};

void	sketch_init(struct sketch *);
void	sketch_free(struct sketch *);
void	sketch_add(struct sketch *, double);
/* Adds what src holds to dst; src is left as it was. */
void	sketch_merge(struct sketch *dst, struct sketch *src);
/* The quantile q (0 to 1) of the numbers added; NaN if there are none. */
double	sketch_quantile(struct sketch *, double q);
/* Bytes held, for --stats. */
size_t	sketch_bytes(const struct sketch *);
/* The rank (from 0) of the quantile q of n numbers, as above. */
uint64_t sketch_rank(double q, uint64_t n);

#endif
