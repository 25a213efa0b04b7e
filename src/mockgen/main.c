/*
 * mockgen: the tutorial's producer.py as a generator of NDJSON records,
 * {"strategy":"A","value":42.17,"ts":"2026-11-24T02:27:28.123Z"}, at a
 * steady rate or as fast as the pipe takes them, reproducible on request.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#include "kp.h"
#include "lineio.h"
#include "opt.h"
#include "signals.h"
#include "timeparse.h"

/* Records due this close together go out in one write. */
#define SLACK_NS	1000000LL
/* Further behind schedule than this, the schedule restarts (no burst). */
#define BEHIND_NS	1000000000LL

enum {
	OPT_MIN = 256, OPT_MAX, OPT_TS_FORMAT, OPT_SEED, OPT_START, OPT_STEP,
	OPT_DISORDER, OPT_LATE, OPT_LATE_BY, OPT_ID
};

static const struct option longopts[] = {
	{ "strategies", required_argument, NULL, 's' },
	{ "rate",       required_argument, NULL, 'r' },
	{ "count",      required_argument, NULL, 'n' },
	{ "min",        required_argument, NULL, OPT_MIN },
	{ "max",        required_argument, NULL, OPT_MAX },
	{ "ts-format",  required_argument, NULL, OPT_TS_FORMAT },
	{ "seed",       required_argument, NULL, OPT_SEED },
	{ "start",      required_argument, NULL, OPT_START },
	{ "step",       required_argument, NULL, OPT_STEP },
	{ "disorder",   required_argument, NULL, OPT_DISORDER },
	{ "late",       required_argument, NULL, OPT_LATE },
	{ "late-by",    required_argument, NULL, OPT_LATE_BY },
	{ "id",         no_argument,       NULL, OPT_ID },
	OPT_LONGOPTS_HELP_VERSION,
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: mockgen [-hV] [-n count] [-r rate] [-s list] "
	    "[--disorder dur] [--id]\n"
	    "               [--late ratio] [--late-by dur] [--max number] "
	    "[--min number]\n"
	    "               [--seed n] [--start time] [--step dur] "
	    "[--ts-format format]\n");
}

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleeps until the monotonic time due; returns -1 if a signal says stop. */
static int
sleep_until(int64_t due)
{
	struct timespec ts = { (time_t)(due / 1000000000), (long)(due % 1000000000) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		if (kp_stop_signal)
			return -1;
	return kp_stop_signal ? -1 : 0;
}

/*
 * Writes count records, one every interval_ns (0: no pause), with event
 * times from the wall clock or, if simulated, from start_ms on, step_ms a
 * round. Stops early on a signal or once stdout fails.
 */
static void
generate(struct mockgen *gen, uint64_t count, int64_t interval_ns,
    int simulated, int64_t start_ms, int64_t step_ms)
{
	char rec[MOCKGEN_RECORD_MAX];
	int64_t base_ns = mono_ns(), ts_ms;
	uint64_t base_i = 0, i;

	for (i = 0; i < count && !kp_stop_signal; i++) {
		if (interval_ns > 0) {
			int64_t due = base_ns + (int64_t)(i - base_i) * interval_ns;
			int64_t now = mono_ns();

			if (due - now > SLACK_NS) {
				if (out_flush() != 0 || sleep_until(due) != 0)
					break;
			} else if (now - due > BEHIND_NS) {
				base_ns = now;
				base_i = i;
			}
		}
		if (simulated)
			ts_ms = start_ms + (int64_t)(i /
			    (uint64_t)gen->nstrategies) * step_ms;
		else
			ts_ms = now_ms();
		if (out_line(rec, mockgen_next(gen, ts_ms, rec)) != 0)
			break;
	}
}

int
main(int argc, char *argv[])
{
	static struct mockgen gen;
	const char *strategies = "A,B,C,D";
	double rate = 1, min = 0, max = 100, late = 0;
	uint64_t count = UINT64_MAX, seed;
	int64_t start_ms = 0, step_ms = -1, disorder_ms = 0, late_by_ms = 600000;
	int ch, have_seed = 0, have_start = 0, simulated = 0, with_id = 0;
	int status = KP_EXIT_OK;
	enum mockgen_ts ts_format = MOCKGEN_TS_ISO;

	while ((ch = getopt_long(argc, argv, "hn:r:s:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			strategies = optarg;
			break;
		case 'r':
			rate = opt_number("-r", optarg, 0, HUGE_VAL);
			if (rate > 0 && rate < 0.001)
				errx(KP_EXIT_USAGE, "-r %s: 0 (no limit) or at "
				    "least 0.001 records a second", optarg);
			break;
		case 'n':
			count = opt_whole("-n", optarg, 0, UINT64_MAX);
			break;
		case OPT_MIN:
			min = opt_number("--min", optarg, -MOCKGEN_VALUE_LIMIT,
			    MOCKGEN_VALUE_LIMIT);
			break;
		case OPT_MAX:
			max = opt_number("--max", optarg, -MOCKGEN_VALUE_LIMIT,
			    MOCKGEN_VALUE_LIMIT);
			break;
		case OPT_TS_FORMAT:
			if (strcmp(optarg, "iso") == 0)
				ts_format = MOCKGEN_TS_ISO;
			else if (strcmp(optarg, "epoch-ms") == 0)
				ts_format = MOCKGEN_TS_EPOCH_MS;
			else
				errx(KP_EXIT_USAGE,
				    "--ts-format %s: iso or epoch-ms", optarg);
			break;
		case OPT_SEED:
			seed = opt_whole("--seed", optarg, 0, UINT64_MAX);
			have_seed = 1;
			break;
		case OPT_START:
			if (parse_time_ms(optarg, &start_ms) != 0)
				errx(KP_EXIT_USAGE, "--start %s: not an ISO 8601 "
				    "time or epoch milliseconds", optarg);
			have_start = simulated = 1;
			break;
		case OPT_STEP:
			step_ms = opt_duration_ms("--step", optarg);
			simulated = 1;
			break;
		case OPT_DISORDER:
			disorder_ms = opt_duration_ms("--disorder", optarg);
			break;
		case OPT_LATE:
			late = opt_number("--late", optarg, 0, 1);
			break;
		case OPT_LATE_BY:
			late_by_ms = opt_duration_ms("--late-by", optarg);
			break;
		case OPT_ID:
			with_id = 1;
			break;
		default:
			opt_default(ch, usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 0)
		opt_usage_error(usage);
	if (!have_seed && getentropy(&seed, sizeof(seed)) != 0)
		seed = (uint64_t)now_ms() ^ (uint64_t)getpid() << 32;
	if (mockgen_init(&gen, strategies, seed) != 0)
		errx(KP_EXIT_USAGE, "-s %s: a list like A,B,C,D (at most %d "
		    "names of up to %d bytes)", strategies,
		    MOCKGEN_MAX_STRATEGIES, MOCKGEN_MAX_NAME);
	if (mockgen_set_range(&gen, min, max) != 0)
		errx(KP_EXIT_USAGE, "--min %g --max %g: need min <= max, both "
		    "within +-%g", min, max, MOCKGEN_VALUE_LIMIT);
	gen.ts_format = ts_format;
	gen.disorder_ms = disorder_ms;
	gen.with_id = with_id;
	mockgen_set_late(&gen, late, late_by_ms);
	if (simulated && !have_start)
		start_ms = now_ms();
	if (step_ms < 0)
		step_ms = rate > 0 ? llround(1000 / rate) : 1000;

	kp_signals_install();
	out_init();
	generate(&gen, count,
	    rate > 0 ? llround(1e9 / (rate * gen.nstrategies)) : 0,
	    simulated, start_ms, step_ms);
	/* A closed pipe is the usual way a generator is told to stop. */
	if (out_close() < 0)
		status = KP_EXIT_FAIL;
	return status;
}
