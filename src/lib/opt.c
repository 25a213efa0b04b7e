#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "kp.h"
#include "opt.h"
#include "timeparse.h"

int
parse_whole(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	uint64_t n = 0;
	unsigned d;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		d = (unsigned)(*s - '0');
		if (n > (UINT64_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	if (n < lo || n > hi)
		return -1;
	*v = n;
	return 0;
}

uint64_t
opt_whole(const char *opt, const char *arg, uint64_t lo, uint64_t hi)
{
	uint64_t v;

	if (parse_whole(arg, lo, hi, &v) == 0)
		return v;
	if (hi == UINT64_MAX)
		errx(KP_EXIT_USAGE, "%s %s: not a whole number, %" PRIu64
		    " or more", opt, arg, lo);
	errx(KP_EXIT_USAGE, "%s %s: not a whole number from %" PRIu64 " to %"
	    PRIu64, opt, arg, lo, hi);
}

double
opt_number(const char *opt, const char *arg, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end != arg && !isspace((unsigned char)*arg) && *end == '\0' &&
	    errno == 0 && isfinite(v) && v >= lo && v <= hi)
		return v;
	if (hi == HUGE_VAL)
		errx(KP_EXIT_USAGE, "%s %s: not a number, %g or more", opt, arg,
		    lo);
	errx(KP_EXIT_USAGE, "%s %s: not a number from %g to %g", opt, arg, lo,
	    hi);
}

int64_t
opt_duration_ms(const char *opt, const char *arg)
{
	int64_t ms;

	if (parse_duration_ms(arg, &ms) != 0 || ms > OPT_DURATION_MAX_MS)
		errx(KP_EXIT_USAGE, "%s %s: not a duration like 1500ms, 30s, "
		    "5m, 2h", opt, arg);
	return ms;
}

int64_t
opt_duration_us(const char *opt, const char *arg)
{
	return opt_duration_ms(opt, arg) * 1000;
}

/* A bound for a message: "1d", "90s", "1500ms". */
static const char *
duration_text(int64_t ms, char buf[32])
{
	static const struct {
		const char	*name;
		int64_t		 ms;
	} units[] = {
		{ "d", 86400000 }, { "h", 3600000 }, { "m", 60000 },
		{ "s", 1000 },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ms != 0 && ms % units[i].ms == 0) {
			snprintf(buf, 32, "%" PRId64 "%s", ms / units[i].ms,
			    units[i].name);
			return buf;
		}
	snprintf(buf, 32, "%" PRId64 "ms", ms);
	return buf;
}

int64_t
opt_duration_within_ms(const char *opt, const char *arg, int64_t lo_ms,
    int64_t hi_ms)
{
	char lo[32], hi[32];
	int64_t ms;

	if (parse_duration_ms(arg, &ms) != 0 || ms < lo_ms || ms > hi_ms)
		errx(KP_EXIT_USAGE, "%s %s: not a duration from %s to %s", opt,
		    arg, duration_text(lo_ms, lo), duration_text(hi_ms, hi));
	return ms;
}

int64_t
opt_signed_duration_us(const char *opt, const char *arg)
{
	int64_t ms;
	int neg = arg[0] == '-';

	/* "--5s" and "- 5s" are no durations; strtod would take "- 5s". */
	if ((neg && !isdigit((unsigned char)arg[1]) && arg[1] != '.') ||
	    parse_duration_ms(arg + neg, &ms) != 0 || ms > OPT_DURATION_MAX_MS)
		errx(KP_EXIT_USAGE, "%s %s: not a duration like 1500ms, 30s, "
		    "-5m", opt, arg);
	return neg ? -ms * 1000 : ms * 1000;
}

int64_t
opt_stats_ms(const char *arg)
{
	return llround(opt_number("--stats", arg, 0.001, 1e6) * 1000);
}

void
opt_default(int ch, void (*usage)(FILE *))
{
	switch (ch) {
	case 'h':
		usage(stdout);
		break;
	case 'V':
		kp_print_version();
		break;
	default:
		usage(stderr);
		exit(KP_EXIT_USAGE);
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		err(KP_EXIT_FAIL, "stdout");
	exit(KP_EXIT_OK);
}

void
opt_usage_error(void (*usage)(FILE *))
{
	usage(stderr);
	exit(KP_EXIT_USAGE);
}
