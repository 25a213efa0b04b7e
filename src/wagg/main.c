/*
 * wagg: windowed aggregation on event time as a filter. Each NDJSON record
 * of stdin falls into one or more windows of its event time (tumbling,
 * hopping or session) and key; once the watermark passes a window's end,
 * its row of aggregates is written.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "eventtime.h"
#include "jsonpath.h"
#include "kp.h"
#include "kpsrc.h"
#include "lineio.h"
#include "numfmt.h"
#include "opt.h"
#include "record.h"
#include "rejects.h"
#include "signals.h"
#include "store.h"
#include "timeparse.h"
#include "watermark.h"

/* --emit update writes changed rows at least this often, in records. */
#define UPDATE_EVERY	1024
/* The default -d, wjoin's: a record lost as late is lost for good. */
#define DEFAULT_DELAY_US	(INT64_C(60) * 1000 * 1000)

enum {
	OPT_EMIT = 256, OPT_HOP, OPT_LATE, OPT_REJECTS, OPT_SESSION,
	OPT_STATS, OPT_STRICT, OPT_TS_UNIT
};

static const struct option longopts[] = {
	{ "delay",   required_argument, NULL, 'd' },
	{ "emit",    required_argument, NULL, OPT_EMIT },
	{ "hop",     required_argument, NULL, OPT_HOP },
	{ "key",     required_argument, NULL, 'k' },
	{ "late",    required_argument, NULL, OPT_LATE },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "stats",   required_argument, NULL, OPT_STATS },
	{ "strict",  no_argument,       NULL, OPT_STRICT },
	{ "ts",      required_argument, NULL, 't' },
	{ "ts-unit", required_argument, NULL, OPT_TS_UNIT },
	{ "window",  required_argument, NULL, 'w' },
	OPT_LONGOPTS_HELP_VERSION,
	{ NULL, 0, NULL, 0 }
};

struct run {
	struct agg_list		 aggs;
	struct record_spec	 spec;
	struct record		 rec;
	struct store		 store;
	struct watermark	 wm;
	struct rejects		 rj;
	FILE			*late;
	const char		*late_path;
	int			 keyed;
	int			 update;	/* --emit update */
	int			 iso;		/* times as ISO 8601, not numbers */
	int			 time_known;
	int64_t			 unit_us;
	unsigned long		 in, nlate, rows;
	int64_t			 stats_ms, stats_due;
	char			*row;
	size_t			 rowlen, rowcap;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: wagg [-hV] [-d dur] [-k expr] [-t path] [-w dur] "
	    "[--emit mode] [--hop dur]\n"
	    "            [--late file] [--rejects file] [--session gap] "
	    "[--stats seconds]\n"
	    "            [--strict] [--ts-unit unit] [aggregates]\n");
}

/* A window bound as the input wrote its times: ISO 8601, or a number. */
static void
add_time(struct run *run, int64_t us)
{
	char buf[80], num[NUMFMT_MAX];
	int64_t ms = us >= 0 ? us / 1000 : (us - 999) / 1000;
	size_t n;

	if (run->iso) {
		format_iso8601_ms(ms, buf + 1);
		buf[0] = '"';
		n = strlen(buf);
		if (us - ms * 1000 != 0)
			/* Microseconds too: .mmm becomes .mmmuuu. */
			n = (size_t)snprintf(buf + n - 1, sizeof(buf) - n + 1,
			    "%03dZ", (int)(us - ms * 1000)) + n - 1;
		buf[n++] = '"';
		buf_add(&run->row, &run->rowlen, &run->rowcap, buf, n);
	} else if (us % run->unit_us == 0) {
		n = (size_t)snprintf(buf, sizeof(buf), "%lld",
		    (long long)(us / run->unit_us));
		buf_add(&run->row, &run->rowlen, &run->rowcap, buf, n);
	} else
		buf_add(&run->row, &run->rowlen, &run->rowcap, num,
		    numfmt_double((double)us / (double)run->unit_us, num));
}

#define ADD(s)	buf_add(&run->row, &run->rowlen, &run->rowcap, s, strlen(s))

static void
on_row(void *arg, struct group *g, int final)
{
	struct run *run = arg;

	run->rowlen = 0;
	ADD("{\"window_start\":");
	add_time(run, g->start);
	ADD(",\"window_end\":");
	add_time(run, g->end);
	if (run->keyed) {
		ADD(",\"key\":");
		buf_add(&run->row, &run->rowlen, &run->rowcap, g->key,
		    g->keylen);
	}
	agg_acc_print(&run->aggs, g->acc, &run->row, &run->rowlen,
	    &run->rowcap);
	if (run->update)
		ADD(final ? ",\"final\":true" : ",\"final\":false");
	ADD("}");
	out_line(run->row, run->rowlen);
	run->rows++;
}

static void
print_stats(struct run *run)
{
	int64_t wm = run->wm.value, wm_ms;
	char iso[64];

	fprintf(stderr, "{\"in\":%lu,\"late\":%lu,\"rejected\":%lu,"
	    "\"rows\":%lu,\"windows\":%zu,\"windows_max\":%zu,"
	    "\"state_bytes\":%zu,", run->in, run->nlate, run->rj.count,
	    run->rows, run->store.open, run->store.open_max,
	    store_bytes(&run->store));
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
 * Exactly-once input (kin --eos) carries each record's source position;
 * wagg cannot hold a partition's commit back until a window's row is
 * written, so it refuses such a stream rather than break kout --eos's
 * promise (wagg(1), EXACTLY ONCE). As for wjoin, the first record tells:
 * kin --eos marks every record.
 */
static void
refuse_eos(const char *line, size_t len)
{
	if (kpsrc_carried(line, len))
		errx(KP_EXIT_USAGE, "<stdin>: records with \"_kp_src\" (kin "
		    "--eos): wagg does not take part in exactly-once; read "
		    "without --eos (see wagg(1), EXACTLY ONCE)");
}

/* The format of window times: the first record's. */
static void
note_time_format(struct run *run, const char *line, size_t len)
{
	const char *v;
	size_t vlen;

	run->time_known = 1;
	if (json_path_find(&run->spec.ts.path, line, len, &v, &vlen,
	    NULL) == 0)
		run->iso = *v == '"';
}

static void
take(struct run *run, const char *source, unsigned long lineno,
    const char *line, size_t len)
{
	char why[RECORD_WHY_MAX > AGG_WHY_MAX ? RECORD_WHY_MAX : AGG_WHY_MAX];

	if (!run->time_known)
		refuse_eos(line, len);
	if (record_parse(&run->spec, line, len, &run->rec, why) != 0) {
		rejects_add(&run->rj, source, lineno, line, len, why);
		return;
	}
	if (watermark_late(&run->wm, run->rec.ts)) {
		run->nlate++;
		if (run->late != NULL) {
			fwrite_unlocked(line, 1, len, run->late);
			putc_unlocked('\n', run->late);
		}
		return;
	}
	if (agg_read(&run->aggs, line, len, why) != 0) {
		rejects_add(&run->rj, source, lineno, line, len, why);
		return;
	}
	if (!run->time_known)
		note_time_format(run, line, len);
	run->in++;
	store_add(&run->store, run->rec.ts, run->keyed ? run->rec.key : NULL,
	    run->rec.keylen);
	if (watermark_observe(&run->wm, SIDE_LEFT, run->rec.ts))
		store_close(&run->store, run->wm.value);
	if (run->update && run->in % UPDATE_EVERY == 0)
		store_updates(&run->store);
}

static void
tick(struct run *run)
{
	int64_t now = mono_ms();

	if (run->stats_ms > 0 && now >= run->stats_due) {
		print_stats(run);
		run->stats_due = now + run->stats_ms;
	}
}

/*
 * Waits until stdin has more, as strategy does: changed rows (--emit
 * update) and the output so far go out first. Returns -1 once stdout has
 * failed or a signal asks to stop reading.
 */
static int
wait_input(struct run *run, int fd, int64_t *drain)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	int timeout;

	if (poll(&pfd, 1, 0) == 1)
		return 0;
	if (run->update)
		store_updates(&run->store);
	if (out_flush() != 0)
		return -1;
	if (run->late != NULL)
		fflush(run->late);
	while (!kp_stop_reading(drain)) {
		tick(run);
		timeout = 100;
		if (poll(&pfd, 1, timeout) == 1)
			return 0;
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	static struct run run;
	struct line_reader in;
	const char *ts = EVENTTIME_DEFAULT_PATH, *key = NULL, *list = "count";
	const char *rejects_path = NULL;
	char *line, why[AGG_WHY_MAX];
	size_t len;
	int64_t size = -1, hop = -1, gap = -1, drain = 0;
	int64_t delay[2] = { DEFAULT_DELAY_US, DEFAULT_DELAY_US };
	int ch, rc, strict = 0, ended = 0, status = KP_EXIT_OK;

	run.unit_us = 1000;
	while ((ch = getopt_long(argc, argv, "d:hk:t:Vw:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			delay[0] = delay[1] = opt_duration_us("-d", optarg);
			break;
		case 'k':
			key = optarg;
			break;
		case 't':
			ts = optarg;
			break;
		case 'w':
			size = opt_duration_us("-w", optarg);
			break;
		case OPT_EMIT:
			if (strcmp(optarg, "update") == 0)
				run.update = 1;
			else if (strcmp(optarg, "append") != 0)
				errx(KP_EXIT_USAGE, "--emit %s: not append or "
				    "update", optarg);
			break;
		case OPT_HOP:
			hop = opt_duration_us("--hop", optarg);
			break;
		case OPT_LATE:
			run.late_path = optarg;
			break;
		case OPT_REJECTS:
			rejects_path = optarg;
			break;
		case OPT_SESSION:
			gap = opt_duration_us("--session", optarg);
			break;
		case OPT_STATS:
			run.stats_ms = opt_stats_ms(optarg);
			break;
		case OPT_STRICT:
			strict = 1;
			break;
		case OPT_TS_UNIT:
			if ((run.unit_us = eventtime_unit_us(optarg)) < 0)
				errx(KP_EXIT_USAGE, "--ts-unit %s: not s, ms "
				    "or us", optarg);
			break;
		default:
			opt_default(ch, usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		opt_usage_error(usage);
	if (argc == 1)
		list = argv[0];
	if (size >= 0 && gap >= 0)
		errx(KP_EXIT_USAGE, "-w and --session: one kind of window");
	if (size < 0 && gap < 0)
		errx(KP_EXIT_USAGE, "give a window: -w dur (with --hop dur "
		    "for hopping windows) or --session gap");
	if (size == 0 || gap == 0 || hop == 0)
		errx(KP_EXIT_USAGE, "a window, hop or gap of 0");
	if (hop >= 0 && gap >= 0)
		errx(KP_EXIT_USAGE, "--hop is for -w, not --session");
	if (hop > size)
		errx(KP_EXIT_USAGE, "--hop longer than -w: records between "
		    "windows would be in none");
	if (hop < 0)
		hop = size;
	if (size > 0 && size / hop > 1000)
		errx(KP_EXIT_USAGE, "-w / --hop: more than 1000 windows per "
		    "record");
	if (agg_parse(&run.aggs, list, why) != 0)
		errx(KP_EXIT_USAGE, "%s", why);
	if (record_spec_init(&run.spec, ts, run.unit_us, key, "-k") != 0)
		errx(KP_EXIT_USAGE, "-t %s: not a path like .ts or .a.b", ts);
	run.keyed = key != NULL;

	kp_signals_install();
	rejects_open(&run.rj, rejects_path, strict);
	if (run.late_path != NULL &&
	    (run.late = fopen(run.late_path, "a")) == NULL)
		err(KP_EXIT_USAGE, "%s", run.late_path);
	/* One input: the watermark module's second side has ended already. */
	watermark_init(&run.wm, delay, 0, mono_ms());
	watermark_eof(&run.wm, SIDE_RIGHT);
	store_init(&run.store, &run.aggs, size > 0 ? size : 0,
	    size > 0 ? hop : 0, gap > 0 ? gap : 0, on_row, &run);
	line_reader_init(&in, STDIN_FILENO, "<stdin>");
	run.stats_due = mono_ms() + run.stats_ms;
	out_init();

	while (!kp_stop_reading(&drain) && !ferror(stdout)) {
		rc = line_reader_next(&in, &line, &len);
		if (rc == 1) {
			take(&run, in.name, in.lineno, line, len);
			if (run.in % UPDATE_EVERY == 0)
				tick(&run);
			continue;
		}
		if (rc == -1) {
			ended = 1;
			break;
		}
		if (wait_input(&run, in.fd, &drain) != 0)
			break;
		if (line_reader_fill(&in) == -1 && errno != EINTR &&
		    errno != EAGAIN) {
			warn("%s", in.name);
			status = KP_EXIT_FAIL;
			break;
		}
	}

	/* At the end every window is complete; after a signal, as it is. */
	if (!ended && run.store.open > 0 && !ferror(stdout))
		warnx("stopped before the end of the input: %zu window%s "
		    "written as they stood", run.store.open,
		    run.store.open == 1 ? "" : "s");
	watermark_eof(&run.wm, SIDE_LEFT);
	if (!ferror(stdout))
		store_close(&run.store, WM_END);
	if (run.stats_ms > 0)
		print_stats(&run);
	if (run.nlate > 0)
		warnx("%lu late record%s not counted%s", run.nlate,
		    run.nlate == 1 ? "" : "s",
		    run.late != NULL ? "" : "; --late file keeps them");
	if (rejects_summary(&run.rj) != 0)
		status = KP_EXIT_FAIL;
	if (run.late != NULL && (fflush(run.late) != 0 || ferror(run.late) ||
	    fclose(run.late) != 0)) {
		warn("%s", run.late_path);
		status = KP_EXIT_FAIL;
	}
	if (rejects_close(&run.rj) != 0 || out_close() < 0)
		status = KP_EXIT_FAIL;
	line_reader_free(&in);
	store_free(&run.store);
	record_free(&run.rec);
	record_spec_free(&run.spec);
	agg_free(&run.aggs);
	free(run.row);
	return status;
}
