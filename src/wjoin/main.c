/*
 * wjoin: the stream-stream interval join as a filter. Records of stdin
 * (left) and of FILE (right) are paired when their event times are within
 * the window; a record is kept only while the watermark lets a partner
 * come, and both inputs are read at once, the one behind in event time
 * first.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "join.h"
#include "kp.h"
#include "lineio.h"
#include "opt.h"
#include "output.h"
#include "rejects.h"
#include "signals.h"
#include "state.h"
#include "timeparse.h"

/* Idleness and --stats are looked at after this many records. */
#define TICK_EVERY	1024
/*
 * The default -d: producers that retry or batch put records of one input
 * out of order by seconds, and a record lost as late is lost for good;
 * inner pairs are not held back by it, only state and outer null rows.
 */
#define DEFAULT_DELAY_US	(INT64_C(60) * 1000 * 1000)

enum {
	OPT_AFTER = 256, OPT_AS, OPT_BEFORE, OPT_EMIT, OPT_IDLE, OPT_LATE,
	OPT_LEFT_DELAY, OPT_LEFT_KEY, OPT_REJECTS, OPT_RIGHT_DELAY,
	OPT_RIGHT_KEY, OPT_STATE, OPT_STATS, OPT_STRICT, OPT_TS_UNIT, OPT_TYPE
};

static const struct option longopts[] = {
	{ "after",     required_argument, NULL, OPT_AFTER },
	{ "as",        required_argument, NULL, OPT_AS },
	{ "before",    required_argument, NULL, OPT_BEFORE },
	{ "delay",     required_argument, NULL, 'd' },
	{ "emit",      required_argument, NULL, OPT_EMIT },
	{ "idle",      required_argument, NULL, OPT_IDLE },
	{ "key",       required_argument, NULL, 'k' },
	{ "late",      required_argument, NULL, OPT_LATE },
	{ "left-delay", required_argument, NULL, OPT_LEFT_DELAY },
	{ "left-key",  required_argument, NULL, OPT_LEFT_KEY },
	{ "rejects",   required_argument, NULL, OPT_REJECTS },
	{ "right-delay", required_argument, NULL, OPT_RIGHT_DELAY },
	{ "right-key", required_argument, NULL, OPT_RIGHT_KEY },
	{ "state",     required_argument, NULL, OPT_STATE },
	{ "stats",     required_argument, NULL, OPT_STATS },
	{ "strict",    no_argument,       NULL, OPT_STRICT },
	{ "ts",        required_argument, NULL, 't' },
	{ "ts-unit",   required_argument, NULL, OPT_TS_UNIT },
	{ "type",      required_argument, NULL, OPT_TYPE },
	{ "window",    required_argument, NULL, 'w' },
	OPT_LONGOPTS_HELP_VERSION,
	{ NULL, 0, NULL, 0 }
};

/* Everything a run has, for the output callback and the stats. */
struct run {
	struct join		 join;
	struct inputs		 inputs;
	struct pair_output	 out;
	struct rejects		 rj;
	struct positions	 pos;
	FILE			*late;
	const char		*late_path;
	const char		*state_path;	/* --state FILE, or NULL */
	int64_t			 drain_until;	/* --state: end of the drain */
	unsigned long		 written;	/* output lines, for --emit */
	int64_t			 stats_ms;	/* --stats period, 0: none */
	int64_t			 stats_due;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: wjoin [-hV] [-d dur] [-k expr] [-t path] [-w dur] "
	    "[--after dur] [--as name,name]\n"
	    "             [--before dur] [--emit expr] [--idle dur] "
	    "[--late file] [--left-delay dur]\n"
	    "             [--left-key expr] [--rejects file] "
	    "[--right-delay dur] [--right-key expr]\n"
	    "             [--state file] [--stats seconds] [--strict] "
	    "[--ts-unit unit] [--type type]\n"
	    "             file\n");
}

static enum join_type
join_type(const char *s)
{
	static const char *names[] = { "inner", "left", "right", "full" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (enum join_type)i;
	errx(KP_EXIT_USAGE, "--type %s: not inner, left, right or full", s);
}

static int64_t
ts_unit(const char *s)
{
	if (strcmp(s, "s") == 0)
		return 1000000;
	if (strcmp(s, "ms") == 0)
		return 1000;
	if (strcmp(s, "us") == 0)
		return 1;
	errx(KP_EXIT_USAGE, "--ts-unit %s: not s, ms or us", s);
}

static void
on_output(void *arg, const char *left, size_t leftlen, const char *right,
    size_t rightlen)
{
	struct run *run = arg;
	char why[OUTPUT_WHY_MAX];

	run->written++;
	if (pair_output_write(&run->out, left, leftlen, right, rightlen,
	    why) != 0)
		rejects_add(&run->rj, "<output>", run->written, run->out.buf,
		    run->out.len, why);
}

static void
print_stats(struct run *run)
{
	const struct join *j = &run->join;
	int64_t wm = j->wm.value, wm_ms;
	char iso[64];

	fprintf(stderr, "{\"left_in\":%lu,\"right_in\":%lu,\"pairs\":%lu,"
	    "\"pairs_replayed\":%lu,\"left_unmatched\":%lu,\"right_unmatched\":%lu,\"late\":%lu,"
	    "\"left_late\":%lu,\"right_late\":%lu,\"rejected\":%lu,"
	    "\"state\":%zu,\"state_max\":%zu,\"state_bytes\":%zu,",
	    j->n.in[SIDE_LEFT], j->n.in[SIDE_RIGHT], j->n.pairs, j->n.replayed,
	    j->n.unmatched[SIDE_LEFT], j->n.unmatched[SIDE_RIGHT],
	    j->n.late[SIDE_LEFT] + j->n.late[SIDE_RIGHT],
	    j->n.late[SIDE_LEFT], j->n.late[SIDE_RIGHT], run->rj.count,
	    join_state(j), j->n.state_max, j->store[SIDE_LEFT].bytes +
	    j->store[SIDE_RIGHT].bytes);
	if (wm == WM_NONE || wm == WM_END) {
		fprintf(stderr, "\"watermark\":%s,\"watermark_lag_ms\":null}\n",
		    wm == WM_NONE ? "null" : "\"end\"");
		return;
	}
	wm_ms = wm >= 0 ? wm / 1000 : (wm - 999) / 1000;
	format_iso8601_ms(wm_ms, iso);
	fprintf(stderr, "\"watermark\":\"%s\",\"watermark_lag_ms\":%lld}\n",
	    iso, (long long)(now_ms() - wm_ms));
}

/*
 * Whether to stop reading: after SIGINT or SIGTERM at once, but with
 * --state only once both inputs have ended (the programs before wjoin
 * flush as they stop, and what they wrote is committed), a second signal
 * came, or KP_DRAIN_MS passed (kp_stop_reading).
 */
static int
stop_now(struct run *run)
{
	if (run->state_path == NULL)
		return kp_stop_signal != 0;
	return kp_stop_reading(&run->drain_until);
}

/*
 * --strict: a bad output line stops the join at once. A bad input line
 * ends that input there (input.c), and the join goes on reading the other
 * until no record read before the bad line can meet a partner any more:
 * its side's store is empty, the other input's watermark having passed
 * them all, or the other input having ended.
 */
static int
strict_stop(const struct run *run)
{
	int side = run->inputs.strict_side;

	if (!run->rj.stopped)
		return 0;
	return side < 0 || run->join.store[side].count == 0;
}

/* Idleness and --stats, by the wall clock. */
static void
tick(struct run *run)
{
	int64_t now = mono_ms();
	int pending[2];

	pending[SIDE_LEFT] = inputs_pending(&run->inputs, SIDE_LEFT);
	pending[SIDE_RIGHT] = inputs_pending(&run->inputs, SIDE_RIGHT);
	join_tick(&run->join, now, pending);
	positions_write(&run->pos);
	if (run->stats_ms > 0 && now >= run->stats_due) {
		print_stats(run);
		run->stats_due = now + run->stats_ms;
	}
}

/* Joins the record waiting on side; a late one goes to --late. */
static void
join_next(struct run *run, int side)
{
	struct input *in = &run->inputs.in[side];
	struct join_rec jr = {
		in->rec.ts, in->rec.key, in->rec.keylen, in->rec.nullkey,
		in->line, in->len, &in->pos
	};

	in->have = 0;
	if (join_add(&run->join, side, &jr) && run->late != NULL) {
		fwrite_unlocked(in->line, 1, in->len, run->late);
		putc_unlocked('\n', run->late);
	}
	positions_done(&run->pos, &in->pos);
}

/*
 * Waits for input when neither side has a complete line buffered. Output
 * is flushed first: every line read so far has been joined, so a pair
 * goes out as soon as its second record came, even while the inputs keep
 * coming; under load each read is large, and so is each write. Returns -1
 * to stop.
 */
static int
wait_for_lines(struct run *run)
{
	int ready[2], s;
	int64_t timeout, idle_in, now;

	positions_write(&run->pos);
	if (out_flush() != 0)
		return -1;
	if (!inputs_poll(&run->inputs, 0, ready)) {
		do {
			/* Idleness may let records go: they go out at once. */
			tick(run);
			if (out_flush() != 0)
				return -1;
			if (run->late != NULL)
				fflush(run->late);
			now = mono_ms();
			timeout = 1000;
			idle_in = watermark_idle_in(&run->join.wm, now);
			if (idle_in >= 0 && idle_in < timeout)
				timeout = idle_in + 1;
			if (run->stats_ms > 0 && run->stats_due - now < timeout)
				timeout = run->stats_due - now;
			if (run->drain_until > 0 &&
			    run->drain_until - now < timeout)
				timeout = run->drain_until - now;
			if (timeout < 0)
				timeout = 0;
		} while (!stop_now(run) &&
		    !inputs_poll(&run->inputs, (int)timeout, ready));
	}
	if (stop_now(run))
		return -1;
	for (s = 0; s < 2; s++)
		if (ready[s] && inputs_fill(&run->inputs, s) != 0)
			return -1;
	return 0;
}

int
main(int argc, char *argv[])
{
	static struct run run;
	const char *ts = ".ts", *key = NULL, *lkey = NULL, *rkey = NULL;
	const char *as = NULL, *emit = NULL, *rejects_path = NULL;
	int64_t window = -1, before = 0, after = 0, idle = 0, unit = 1000;
	int64_t delay = DEFAULT_DELAY_US, side_delay[2] = { -1, -1 };
	enum join_type type = JOIN_INNER;
	int ch, side, failed = 0, strict = 0, status = KP_EXIT_OK;
	int have_before = 0, have_after = 0;
	unsigned long taken = 0, late;

	while ((ch = getopt_long(argc, argv, "d:hk:t:Vw:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			delay = opt_duration_us("-d", optarg);
			break;
		case 'k':
			key = optarg;
			break;
		case 't':
			ts = optarg;
			break;
		case 'w':
			window = opt_duration_us("-w", optarg);
			break;
		case OPT_AFTER:
			after = opt_signed_duration_us("--after", optarg);
			have_after = 1;
			break;
		case OPT_AS:
			as = optarg;
			break;
		case OPT_BEFORE:
			before = opt_signed_duration_us("--before", optarg);
			have_before = 1;
			break;
		case OPT_EMIT:
			emit = optarg;
			break;
		case OPT_IDLE:
			idle = opt_duration_us("--idle", optarg) / 1000;
			break;
		case OPT_LATE:
			run.late_path = optarg;
			break;
		case OPT_LEFT_DELAY:
			side_delay[SIDE_LEFT] = opt_duration_us("--left-delay",
			    optarg);
			break;
		case OPT_LEFT_KEY:
			lkey = optarg;
			break;
		case OPT_REJECTS:
			rejects_path = optarg;
			break;
		case OPT_RIGHT_DELAY:
			side_delay[SIDE_RIGHT] = opt_duration_us("--right-delay",
			    optarg);
			break;
		case OPT_RIGHT_KEY:
			rkey = optarg;
			break;
		case OPT_STATE:
			run.state_path = optarg;
			break;
		case OPT_STATS:
			run.stats_ms = opt_stats_ms(optarg);
			break;
		case OPT_STRICT:
			strict = 1;
			break;
		case OPT_TS_UNIT:
			unit = ts_unit(optarg);
			break;
		case OPT_TYPE:
			type = join_type(optarg);
			break;
		default:
			opt_default(ch, usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		opt_usage_error(usage);
	if (window < 0 && !have_before && !have_after)
		errx(KP_EXIT_USAGE, "no window: give -w, or --before and --after");
	if (!have_before)
		before = window < 0 ? 0 : window;
	if (!have_after)
		after = window < 0 ? 0 : window;
	if (-before > after)
		errx(KP_EXIT_USAGE, "an empty window: r.ts - l.ts at least "
		    "%lldms (minus --before) and at most %lldms (--after)",
		    (long long)(-before / 1000), (long long)(after / 1000));
	for (side = 0; side < 2; side++)
		if (side_delay[side] < 0)
			side_delay[side] = delay;
	if (lkey == NULL)
		lkey = key;
	if (rkey == NULL)
		rkey = key;
	if ((lkey == NULL) != (rkey == NULL))
		errx(KP_EXIT_USAGE, "a key for one side only: give -k, or both "
		    "--left-key and --right-key");
	if (record_spec_init(&run.inputs.in[SIDE_LEFT].spec, ts, unit, lkey,
	    lkey == key ? "-k" : "--left-key") != 0 ||
	    record_spec_init(&run.inputs.in[SIDE_RIGHT].spec, ts, unit, rkey,
	    rkey == key ? "-k" : "--right-key") != 0)
		errx(KP_EXIT_USAGE, "-t %s: not a path like .ts or .a.b", ts);
	if (pair_output_init(&run.out, as, emit) != 0)
		errx(KP_EXIT_USAGE, "--as %s: not two different names, "
		    "name,name", as);

	kp_signals_install();
	rejects_open(&run.rj, rejects_path, strict);
	if (run.late_path != NULL &&
	    (run.late = fopen(run.late_path, "a")) == NULL)
		err(KP_EXIT_USAGE, "%s", run.late_path);
	join_init(&run.join, type, lkey != NULL, before, after, side_delay,
	    idle, mono_ms(), on_output, &run);
	positions_init(&run.pos);
	run.join.pos = &run.pos;
	run.out.eos = &run.pos.on;
	inputs_init(&run.inputs, STDIN_FILENO, "<stdin>", input_open(argv[0]),
	    argv[0], &run.join, &run.rj, &run.pos);
	if (run.state_path != NULL) {
		struct record_spec *specs[2] = {
			&run.inputs.in[SIDE_LEFT].spec,
			&run.inputs.in[SIDE_RIGHT].spec
		};
		long n;

		run.inputs.pause_at_end = 1;
		n = state_load(run.state_path, &run.join, specs, &run.rj);
		if (n < 0)
			return KP_EXIT_FAIL;
		if (n > 0)
			warnx("--state %s: %ld record%s of the last run back in "
			    "the window", run.state_path, n, n == 1 ? "" : "s");
	}
	/*
	 * From here a --strict stop lets what came before the bad line be
	 * joined (strict_stop); a bad line of the state file stopped at
	 * once, the file kept.
	 */
	run.rj.defer_exit = 1;
	run.stats_due = mono_ms() + run.stats_ms;
	out_init();

	while (!stop_now(&run) && !ferror(stdout) && !failed &&
	    !strict_stop(&run)) {
		side = inputs_next(&run.inputs, &failed);
		if (side == SIDE_LEFT || side == SIDE_RIGHT) {
			join_next(&run, side);
			if (++taken % TICK_EVERY == 0)
				tick(&run);
		} else if (side == INPUTS_BEHIND) {
			/* The pairs so far go out before the wait. */
			positions_write(&run.pos);
			if (out_flush() != 0)
				failed = !stop_now(&run) && !ferror(stdout);
			else
				inputs_wait_behind(&run.inputs, &failed);
		} else if (side == INPUTS_NONE) {
			if (run.inputs.in[SIDE_LEFT].done &&
			    run.inputs.in[SIDE_RIGHT].done)
				break;
			if (wait_for_lines(&run) != 0)
				failed = !stop_now(&run) && !ferror(stdout);
		}
	}

	if (run.state_path != NULL) {
		if (!(run.inputs.in[SIDE_LEFT].done &&
		    run.inputs.in[SIDE_RIGHT].done))
			warnx("--state %s: stopped before the end of %s: what "
			    "it held is not in the window kept", run.state_path,
			    run.inputs.in[SIDE_LEFT].done ? argv[0] :
			    run.inputs.in[SIDE_RIGHT].done ? "<stdin>" :
			    "either input");
		if (state_save(run.state_path, &run.join) != 0)
			status = KP_EXIT_FAIL;
	}
	if (run.stats_ms > 0)
		print_stats(&run);
	late = run.join.n.late[SIDE_LEFT] + run.join.n.late[SIDE_RIGHT];
	if (late > 0)
		warnx("%lu late record%s not joined (%lu left, %lu right)%s",
		    late, late == 1 ? "" : "s", run.join.n.late[SIDE_LEFT],
		    run.join.n.late[SIDE_RIGHT],
		    run.late != NULL ? "" : "; --late file keeps them");
	if (run.rj.stopped) {
		warnx("stopped at the first bad line (--strict)");
		status = KP_EXIT_FAIL;
	} else if (rejects_summary(&run.rj) != 0) {
		status = KP_EXIT_FAIL;
	}
	if (failed || run.inputs.in[SIDE_LEFT].cut ||
	    run.inputs.in[SIDE_RIGHT].cut)
		status = KP_EXIT_FAIL;
	if (run.late != NULL && (fflush(run.late) != 0 || ferror(run.late) ||
	    fclose(run.late) != 0)) {
		warn("%s", run.late_path);
		status = KP_EXIT_FAIL;
	}
	/* Where each source partition stands, for kout --eos to commit. */
	if (!ferror(stdout))
		positions_write(&run.pos);
	if (rejects_close(&run.rj) != 0 || out_close() < 0)
		status = KP_EXIT_FAIL;
	join_free(&run.join);
	positions_free(&run.pos);
	inputs_free(&run.inputs);
	pair_output_free(&run.out);
	return status;
}
