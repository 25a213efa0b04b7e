/*
 * jq expressions (libjq), compiled once and run per record. Ownership
 * follows jv's rule: every function consumes its jv arguments.
 */
#ifndef KP_JQEXPR_H
#define KP_JQEXPR_H

#include <stddef.h>

#include <jv.h>

/* jq prints a value no deeper than this (jv_dump_string strips the rest). */
#define JQEXPR_PRINT_DEPTH	256

struct jqexpr;

/* Compiles program; exits 2 with jq's message if it does not compile. */
struct jqexpr	*jqexpr_compile(const char *program, const char *option);
/*
 * Runs the program on input (consumed) and returns its first output, or
 * an invalid jv with a message if it raised an error, gave no output,
 * gave a value nested deeper than jq prints, or input was itself invalid
 * (never handed to libjq, which would abort).
 */
jv		 jqexpr_first(struct jqexpr *, jv input);
void		 jqexpr_free(struct jqexpr *);

/*
 * Parses the JSON text s[0..n) as libjq reads it; an invalid jv with jq's
 * message if it cannot (which a text json_validate accepted never is).
 */
jv		 jqexpr_parse(const char *s, size_t n);

#endif
