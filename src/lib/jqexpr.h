/*
 * jq expressions (libjq), compiled once and run per record. Ownership
 * follows jv's rule: every function consumes its jv arguments.
 */
#ifndef KP_JQEXPR_H
#define KP_JQEXPR_H

#include <jv.h>

struct jqexpr;

/* Compiles program; exits 2 with jq's message if it does not compile. */
struct jqexpr	*jqexpr_compile(const char *program, const char *option);
/*
 * Runs the program on input (consumed) and returns its first output, or
 * an invalid jv with a message if it raised an error or gave no output.
 */
jv		 jqexpr_first(struct jqexpr *, jv input);
void		 jqexpr_free(struct jqexpr *);

#endif
