/*
 * The join's output lines: {"left":L,"right":R} made of the two records'
 * own bytes (null for a missing partner), with other member names if
 * asked, or whatever a jq expression makes of that object.
 */
#ifndef WJOIN_OUTPUT_H
#define WJOIN_OUTPUT_H

#include <stddef.h>

#define OUTPUT_WHY_MAX	256

struct jqexpr;

struct pair_output {
	char		*open;		/* {"left": */
	size_t		 openlen;
	char		*middle;	/* ,"right": */
	size_t		 middlelen;
	struct jqexpr	*emit;		/* --emit, or NULL */
	const int	*eos;		/* if *eos, lines carry "_kp_src":"+" */
	char		*buf;		/* the object, when --emit needs it */
	size_t		 len, cap;
};

/*
 * Sets up the member names, "left,right" unless names (--as) gives two
 * others, and the --emit expression (NULL: none; exits 2 if it does not
 * compile). Returns -1 if names is not two different names.
 */
int	pair_output_init(struct pair_output *, const char *names,
	    const char *emit);
void	pair_output_free(struct pair_output *);
/*
 * Writes the line(s) for left and right (either may be NULL: null) to
 * stdout. Returns 0, or -1 if --emit failed on this pair, with the reason;
 * then out->buf, out->len hold the object it was given.
 */
int	pair_output_write(struct pair_output *, const char *left,
	    size_t leftlen, const char *right, size_t rightlen,
	    char why[OUTPUT_WHY_MAX]);

#endif
