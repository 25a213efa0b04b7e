/*
 * Unit tests for option values (opt.h): whole numbers at their bounds,
 * past 64 bits, with junk, empty or negative; numbers; durations with
 * their units; and each refusal's message and exit status, run in a child
 * since the opt_* functions exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opt.h"
#include "tap.h"

static const struct {
	const char	*s;
	uint64_t	 lo, hi;
	int		 ok;
	uint64_t	 v;
} wholes[] = {
	{ "0", 0, 10, 1, 0 }, { "10", 0, 10, 1, 10 }, { "007", 0, 10, 1, 7 },
	{ "11", 0, 10, 0, 0 }, { "1", 2, 10, 0, 0 },
	{ "", 0, 10, 0, 0 }, { "-1", 0, 10, 0, 0 }, { "-0", 0, 10, 0, 0 },
	{ "+1", 0, 10, 0, 0 }, { " 1", 0, 10, 0, 0 }, { "1 ", 0, 10, 0, 0 },
	{ "1x", 0, 10, 0, 0 }, { "0x1", 0, 10, 0, 0 }, { "1.0", 0, 10, 0, 0 },
	{ "1e1", 0, 100, 0, 0 },
	{ "18446744073709551615", 0, UINT64_MAX, 1, UINT64_MAX },
	{ "18446744073709551616", 0, UINT64_MAX, 0, 0 },
	{ "99999999999999999999", 0, UINT64_MAX, 0, 0 },
	{ "000000000000000000000000000042", 0, UINT64_MAX, 1, 42 },
};

enum kind { WHOLE, NUMBER, DURATION_MS, DURATION_US, WITHIN_MS, SIGNED_US,
    STATS_MS };

/* A call of an opt_* function: which, its option, argument and bounds. */
struct call {
	enum kind	 kind;
	const char	*opt, *arg;
	double		 lo, hi;
};

/*
 * Durations taken: with each unit, in ms (opt_duration_ms as --step);
 * signed ones in µs (opt_signed_duration_us as --after).
 */
static const struct {
	enum kind	 kind;
	const char	*s;
	int64_t		 v;
} durations[] = {
	{ DURATION_MS, "1500ms", 1500 }, { DURATION_MS, "30s", 30000 },
	{ DURATION_MS, "5m", 300000 }, { DURATION_MS, "5min", 300000 },
	{ DURATION_MS, "2h", 7200000 }, { DURATION_MS, "1d", 86400000 },
	{ DURATION_MS, "1.5s", 1500 }, { DURATION_MS, "10", 10000 },
	{ DURATION_MS, "0", 0 },
	/* The largest µs in 64 bits, in days: 106751991 d and some. */
	{ DURATION_MS, "106751991d", 9223372022400000 },
	{ SIGNED_US, "-1s", -1000000 }, { SIGNED_US, "-.5s", -500000 },
	{ SIGNED_US, "5m", 300000000 }, { SIGNED_US, "-0", 0 },
};
/* And refused. */
static const struct {
	enum kind	 kind;
	const char	*s;
} bad_durations[] = {
	{ DURATION_MS, "5y" }, { DURATION_MS, "-1s" }, { DURATION_MS, "" },
	{ DURATION_MS, "1e300d" }, { DURATION_MS, "5 m" }, { DURATION_MS, "m" },
	{ DURATION_MS, "106751992d" }, { SIGNED_US, "--1s" },
	{ SIGNED_US, "- 1s" }, { SIGNED_US, "-" }, { SIGNED_US, "-x" },
	{ SIGNED_US, "+-1s" },
};
#define DURATION_OPT(kind)	((kind) == SIGNED_US ? "--after" : "--step")

/* Refused by opt_number(--late, 0 to 1). */
static const char *bad_numbers[] = { "1.5", "-0.5", "1e400", "inf", "nan",
    " 1", "1 ", "1x", "0x", "", NULL };

/*
 * Makes the call in a child, its stderr into out: the value it returned
 * as "= value", or what it said before it exited. Returns the exit status.
 */
static int
run_call(const struct call *c, char *out, size_t size)
{
	int fd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	/* The child exits through exit(3): nothing of ours left to flush. */
	fflush(stdout);
	if (pipe(fd) != 0 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		int64_t n = 0;

		dup2(fd[1], STDERR_FILENO);
		close(fd[0]);
		switch (c->kind) {
		case WHOLE:
			n = (int64_t)opt_whole(c->opt, c->arg, (uint64_t)c->lo,
			    c->hi < 0 ? UINT64_MAX : (uint64_t)c->hi);
			break;
		case NUMBER:
			dprintf(STDERR_FILENO, "= %g", opt_number(c->opt, c->arg,
			    c->lo, c->hi));
			_exit(0);
		case DURATION_MS:
			n = opt_duration_ms(c->opt, c->arg);
			break;
		case DURATION_US:
			n = opt_duration_us(c->opt, c->arg);
			break;
		case WITHIN_MS:
			n = opt_duration_within_ms(c->opt, c->arg,
			    (int64_t)c->lo, (int64_t)c->hi);
			break;
		case SIGNED_US:
			n = opt_signed_duration_us(c->opt, c->arg);
			break;
		case STATS_MS:
			n = opt_stats_ms(c->arg);
			break;
		}
		dprintf(STDERR_FILENO, "= %" PRId64, n);
		_exit(0);
	}
	close(fd[1]);
	while (len + 1 < size &&
	    (n = read(fd[0], out + len, size - len - 1)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Checks a call: taken with the value want ("= 5"), or refused with exit
 * 2 and the message "opt_test: OPT ARG: " then want.
 */
static void
check(enum kind kind, const char *opt, const char *arg, double lo, double hi,
    const char *want)
{
	const struct call c = { kind, opt, arg, lo, hi };
	char what[256], out[256], said[256];
	int status, taken = want[0] == '=';

	status = run_call(&c, out, sizeof(out));
	if (taken)
		snprintf(said, sizeof(said), "%s", want);
	else
		snprintf(said, sizeof(said), "opt_test: %s %s: %s\n", opt, arg,
		    want);
	snprintf(what, sizeof(what), "%s '%s': %s", opt, arg, want);
	if (!tap_ok(status == (taken ? 0 : 2) && strcmp(out, said) == 0, what))
		printf("# exit %d: %s\n", status, out);
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: opt_test [-hV]\n");
}

/* opt_default(ch) in a child with stdout to path; returns its exit status. */
static int
run_default(int ch, const char *path)
{
	int status, fd;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((fd = open(path, O_WRONLY)) == -1)
			_exit(99);
		dup2(fd, STDOUT_FILENO);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, STDERR_FILENO);
		opt_default(ch, usage);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int
main(void)
{
	char what[256], want[64];
	uint64_t v;
	size_t i;

	check(WHOLE, "-c", "5", 1, 5, "= 5");
	check(WHOLE, "-c", "0", 1, 5, "not a whole number from 1 to 5");
	check(WHOLE, "-c", "x", 1, 5, "not a whole number from 1 to 5");
	check(WHOLE, "-n", "18446744073709551616", 1, -1,
	    "not a whole number, 1 or more");

	check(NUMBER, "--late", "0.25", 0, 1, "= 0.25");
	check(NUMBER, "--min", "-1.5e-1", -1, 1, "= -0.15");
	for (i = 0; bad_numbers[i] != NULL; i++)
		check(NUMBER, "--late", bad_numbers[i], 0, 1,
		    "not a number from 0 to 1");
	check(NUMBER, "-r", "-1", 0, HUGE_VAL, "not a number, 0 or more");

	for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		snprintf(want, sizeof(want), "= %" PRId64, durations[i].v);
		check(durations[i].kind, DURATION_OPT(durations[i].kind),
		    durations[i].s, 0, 0, want);
	}
	for (i = 0; i < sizeof(bad_durations) / sizeof(bad_durations[0]); i++)
		check(bad_durations[i].kind, DURATION_OPT(bad_durations[i].kind),
		    bad_durations[i].s, 0, 0, bad_durations[i].kind == SIGNED_US ?
		    "not a duration like 1500ms, 30s, -5m" :
		    "not a duration like 1500ms, 30s, 5m, 2h");
	check(DURATION_US, "-w", "5m", 0, 0, "= 300000000");
	check(DURATION_US, "-w", "106751992d", 0, 0,
	    "not a duration like 1500ms, 30s, 5m, 2h");

	/* Bounds are written in their largest whole unit. */
	check(WITHIN_MS, "--timeout", "1ms", 1, 86400000, "= 1");
	check(WITHIN_MS, "--timeout", "24h", 1, 86400000, "= 86400000");
	check(WITHIN_MS, "--timeout", "0", 1, 86400000,
	    "not a duration from 1ms to 1d");
	check(WITHIN_MS, "--timeout", "1441m", 1, 86400000,
	    "not a duration from 1ms to 1d");
	check(WITHIN_MS, "--idle", "1s", 1500, 5400000,
	    "not a duration from 1500ms to 90m");

	check(STATS_MS, "--stats", "0.5", 0, 0, "= 500");
	check(STATS_MS, "--stats", "0", 0, 0,
	    "not a number from 0.001 to 1e+06");

	/* A refused string leaves v as it was: 0. */
	for (i = 0; i < sizeof(wholes) / sizeof(wholes[0]); i++) {
		snprintf(what, sizeof(what), "parse_whole '%s', %" PRIu64
		    " to %" PRIu64 ": %s", wholes[i].s, wholes[i].lo,
		    wholes[i].hi, wholes[i].ok ? "taken" : "refused");
		v = 0;
		tap_ok(parse_whole(wholes[i].s, wholes[i].lo, wholes[i].hi,
		    &v) == (wholes[i].ok ? 0 : -1) && v == wholes[i].v, what);
	}

	tap_ok(run_default('h', "/dev/null") == 0, "-h: exit 0");
	tap_ok(run_default('V', "/dev/null") == 0, "-V: exit 0");
	tap_ok(run_default('h', "/dev/full") == 1,
	    "-h to a full disk: exit 1, not 0");
	tap_ok(run_default('?', "/dev/null") == 2, "an unknown option: exit 2");
	return tap_done();
}
