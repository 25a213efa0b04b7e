/*
 * What every tool's options share: the values of numbers and durations,
 * read one way and refused in one shape, "tool: OPT ARG: not a whole
 * number from 1 to 100" (err(3) adds the program's name), with exit
 * KP_EXIT_USAGE, as sbase's estrtonum does; and the end of every getopt
 * switch (-h, -V, a usage error).
 *
 * The opt_* functions exit on a bad value; the parse_* ones return -1,
 * for a value that is part of a larger argument ("-t name:4").
 */
#ifndef KP_OPT_H
#define KP_OPT_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A whole decimal number from lo to hi: digits only, no sign, blank or
 * other base. Returns 0 and sets *v, or -1 without touching *v (empty,
 * junk, out of range, more than 64 bits).
 */
int	parse_whole(const char *s, uint64_t lo, uint64_t hi, uint64_t *v);
/*
 * The same for an option's argument; exits "OPT ARG: not a whole number
 * from LO to HI" (with hi UINT64_MAX: "..., LO or more").
 */
uint64_t opt_whole(const char *opt, const char *arg, uint64_t lo,
	    uint64_t hi);
/*
 * A finite decimal number ("42", "-1.5", "1e3") from lo to hi; exits
 * "OPT ARG: not a number from LO to HI" (with hi HUGE_VAL: "..., LO or
 * more").
 */
double	opt_number(const char *opt, const char *arg, double lo, double hi);

/* The longest duration an option takes, in ms: what µs in 64 bits hold. */
#define OPT_DURATION_MAX_MS	(INT64_MAX / 1000)
/*
 * A duration (parse_duration_ms: "1500ms", "30s", "5m", "2h", "1d", a
 * bare number is seconds) in ms, 0 or more; exits "OPT ARG: not a
 * duration like 1500ms, 30s, 5m, 2h".
 */
int64_t	opt_duration_ms(const char *opt, const char *arg);
/* The same in µs ("-w 5m"). */
int64_t	opt_duration_us(const char *opt, const char *arg);
/*
 * A duration in ms from lo_ms to hi_ms; exits "OPT ARG: not a duration
 * from 1ms to 1d" (each bound in its largest whole unit).
 */
int64_t	opt_duration_within_ms(const char *opt, const char *arg,
	    int64_t lo_ms, int64_t hi_ms);
/*
 * A duration in µs that may be negative ("--after -1s"); exits "OPT ARG:
 * not a duration like 1500ms, 30s, -5m".
 */
int64_t	opt_signed_duration_us(const char *opt, const char *arg);
/* --stats SECONDS, 0.001 to 1e6, in ms; exits as opt_number does. */
int64_t	opt_stats_ms(const char *arg);

/* The long forms of -h and -V, which opt_default handles. */
#define OPT_LONGOPTS_HELP_VERSION \
	{ "help",    no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }
/*
 * The default case of every tool's getopt switch: -h prints the synopsis
 * (usage) to stdout, -V the version, and exits 0 (1 if stdout could not
 * be written); any other option, already named by getopt (unknown, or
 * its argument missing), is a usage error: the synopsis to stderr, exit 2.
 */
void	opt_default(int ch, void (*usage)(FILE *)) __attribute__((noreturn));
/* A usage error the synopsis shows (operands missing or too many): exit 2. */
void	opt_usage_error(void (*usage)(FILE *)) __attribute__((noreturn));

#endif
