/* Unit tests for the runs a window filter leaves in a commit's metadata. */
#include <stdio.h>
#include <string.h>

#include "eosruns.h"
#include "tap.h"

static int
parse(const char *meta, int64_t offset, struct eos_run *runs)
{
	return eos_runs_parse(meta, strlen(meta), offset, runs);
}

int
main(void)
{
	struct eos_run runs[EOS_RUNS_MAX], many[EOS_RUNS_MAX + 4];
	char buf[1024], big[2048];
	int i, n, at;

	n = parse("kpipes runs=a1:120,b2:110,c3:90", 100, runs);
	tap_ok(n == 2 && strcmp(runs[0].id, "a1") == 0 &&
	    runs[0].processed == 120 && strcmp(runs[1].id, "b2") == 0 &&
	    runs[1].processed == 110, "runs beyond the offset, in order");
	tap_ok(parse("kpipes runs=a1:120", 120, runs) == 0,
	    "a run that reaches only the offset is left out");
	n = parse("kpipes processed=130", 100, runs);
	tap_ok(n == 1 && strcmp(runs[0].id, "p") == 0 &&
	    runs[0].processed == 130, "the older form is one run named p");
	tap_ok(parse("kpipes processed=100", 100, runs) == 0,
	    "the older form at the offset: none");
	tap_ok(parse("", 0, runs) == 0 && eos_runs_parse(NULL, 0, 0, runs) == 0,
	    "no metadata: none");
	tap_ok(parse("someone else's", 0, runs) == 0, "other metadata: none");
	tap_ok(parse("kpipes runs=a-b:5", 0, runs) == 0 &&
	    parse("kpipes runs=a:5,", 0, runs) == 0 &&
	    parse("kpipes runs=a:x", 0, runs) == 0 &&
	    parse("kpipes runs=:5", 0, runs) == 0 &&
	    parse("kpipes runs=a:99999999999999999999", 0, runs) == 0,
	    "malformed metadata: none");
	snprintf(big, sizeof(big), "kpipes runs=%033d:5", 1);
	tap_ok(parse(big, 0, runs) == 0, "an id longer than 32: none");

	n = eos_runs_format(runs, 0, buf, sizeof(buf));
	tap_ok(n == (int)strlen("kpipes runs=") && strcmp(buf, "kpipes runs=") == 0,
	    "format: no runs");
	parse("kpipes runs=a1:120,b2:110", 100, runs);
	n = eos_runs_format(runs, 2, buf, sizeof(buf));
	tap_ok(n > 0 && strcmp(buf, "kpipes runs=a1:120,b2:110") == 0 &&
	    (size_t)n == strlen(buf), "format: what parse read");
	tap_ok(eos_runs_format(runs, 2, buf, 10) == -1, "format: too small");

	/* More than EOS_RUNS_MAX: the first ones are kept. */
	at = snprintf(big, sizeof(big), "kpipes runs=");
	for (i = 0; i < EOS_RUNS_MAX + 4; i++)
		at += snprintf(big + at, sizeof(big) - (size_t)at, "%sr%d:%d",
		    i ? "," : "", i, 1000 + i);
	n = eos_runs_parse(big, strlen(big), 0, many);
	tap_ok(n == EOS_RUNS_MAX && strcmp(many[0].id, "r0") == 0,
	    "at most EOS_RUNS_MAX runs");
	tap_ok(eos_run_id_ok("0123456789abcdef", 16) &&
	    !eos_run_id_ok("a:b", 3) && !eos_run_id_ok("", 0),
	    "run ids: letters and digits");

	return tap_done();
}
