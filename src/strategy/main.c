/*
 * strategy: the tutorial's per-record computation as a filter. Each NDJSON
 * object gets "result" computed from its "value"; every other byte passes
 * through as it came.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kp.h"
#include "lineio.h"
#include "opt.h"
#include "rejects.h"
#include "signals.h"
#include "transform.h"

enum { OPT_REJECTS = 256, OPT_STRICT };

static const struct option longopts[] = {
	{ "field",   required_argument, NULL, 'f' },
	{ "output",  required_argument, NULL, 'o' },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "strict",  no_argument,       NULL, OPT_STRICT },
	OPT_LONGOPTS_HELP_VERSION,
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: strategy [-hV] [-f path] [-o name] [--rejects file] "
	    "[--strict]\n");
}

/*
 * Waits until stdin has more to read. Output is flushed first if the input
 * is idle, so a live record goes out at once, while under load the buffer
 * fills and goes out in large writes. Returns -1 once stdout has failed
 * or a signal asks to stop reading (kp_stop_reading: the input is read on
 * to its end for a moment first).
 */
static int
wait_input(int fd, int64_t *drain)
{
	struct pollfd pfd = { fd, POLLIN, 0 };

	if (poll(&pfd, 1, 0) == 1)
		return 0;
	if (out_flush() != 0)
		return -1;
	/* A signal interrupts the poll: wait on, for the drain's end. */
	while (!kp_stop_reading(drain))
		if (poll(&pfd, 1, 100) == 1)
			return 0;
	return -1;
}

int
main(int argc, char *argv[])
{
	struct strategy st;
	struct line_reader in;
	struct rejects rj;
	const char *field = ".value", *name = "result", *rejects_path = NULL;
	char *line, why[STRATEGY_WHY_MAX];
	size_t len;
	int64_t drain = 0;
	int ch, rc, strict = 0, status = KP_EXIT_OK;

	while ((ch = getopt_long(argc, argv, "f:ho:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			field = optarg;
			break;
		case 'o':
			name = optarg;
			break;
		case OPT_REJECTS:
			rejects_path = optarg;
			break;
		case OPT_STRICT:
			strict = 1;
			break;
		default:
			opt_default(ch, usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 0)
		opt_usage_error(usage);
	if (*name == '\0')
		errx(KP_EXIT_USAGE, "-o: the name is empty");
	if (strategy_init(&st, field, name) != 0)
		errx(KP_EXIT_USAGE, "-f %s: not a path like .value or .a.b",
		    field);

	kp_signals_install();
	rejects_open(&rj, rejects_path, strict);
	line_reader_init(&in, STDIN_FILENO, "<stdin>");
	out_init();
	while (!kp_stop_reading(&drain) && !ferror(stdout)) {
		rc = line_reader_next(&in, &line, &len);
		if (rc == 1) {
			if (strategy_apply(&st, line, len, why) == 0)
				out_line(st.line, st.len);
			else
				rejects_add(&rj, in.name, in.lineno, line, len,
				    why);
			continue;
		}
		if (rc == -1 || wait_input(in.fd, &drain) != 0)
			break;
		if (line_reader_fill(&in) == -1 && errno != EINTR &&
		    errno != EAGAIN) {
			warn("%s", in.name);
			status = KP_EXIT_FAIL;
			break;
		}
	}

	if (rejects_summary(&rj) != 0)
		status = KP_EXIT_FAIL;
	if (rejects_close(&rj) != 0 || out_close() < 0)
		status = KP_EXIT_FAIL;
	line_reader_free(&in);
	strategy_free(&st);
	return status;
}
