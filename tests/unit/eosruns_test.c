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

/* Whether the JSON text is taken as the field, and gives want. */
static int
src_number(const char *text, enum eos_src_field field, int64_t want)
{
	jv x = jv_parse(text);
	int64_t v = -12345;
	int ok = eos_src_number(x, field, &v) == 0;

	jv_free(x);
	return ok && v == want;
}

/* Whether the JSON text is refused as the field. */
static int
src_refused(const char *text, enum eos_src_field field)
{
	jv x = jv_parse(text);
	int64_t v;
	int refused = eos_src_number(x, field, &v) != 0;

	jv_free(x);
	return refused;
}

/* Whether the run ["a", text] is refused. */
static int
run_refused(const char *text)
{
	char json[128];
	struct eos_run r;
	jv x;
	int refused;

	snprintf(json, sizeof(json), "[\"a\",%s]", text);
	x = jv_parse(json);
	refused = eos_run_from_jv(x, &r) != 0;
	jv_free(x);
	return refused;
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

	/* The numbers of a _kp_src: whole, in range, never a wild cast. */
	tap_ok(src_number("0", EOS_SRC_PARTITION, 0) &&
	    src_number("2147483647", EOS_SRC_PARTITION, 2147483647) &&
	    src_number("1.0", EOS_SRC_PARTITION, 1) &&
	    src_number("5e2", EOS_SRC_PARTITION, 500),
	    "a partition: 0 to 2^31-1");
	tap_ok(src_refused("2147483648", EOS_SRC_PARTITION) &&
	    src_refused("1e10", EOS_SRC_PARTITION) &&
	    src_refused("1e20", EOS_SRC_PARTITION) &&
	    src_refused("-1", EOS_SRC_PARTITION) &&
	    src_refused("0.5", EOS_SRC_PARTITION) &&
	    src_refused("\"1\"", EOS_SRC_PARTITION) &&
	    src_refused("null", EOS_SRC_PARTITION),
	    "a partition: not 2^31, 1e10, 1e20, -1, 0.5, \"1\" or null");
	tap_ok(src_number("9007199254740992", EOS_SRC_OFFSET,
	    INT64_C(9007199254740992)) && src_number("42", EOS_SRC_OFFSET, 42),
	    "an offset: 0 to 2^53");
	tap_ok(src_refused("9.5", EOS_SRC_OFFSET) &&
	    src_refused("1e300", EOS_SRC_OFFSET) &&
	    src_refused("-1e300", EOS_SRC_OFFSET) &&
	    src_refused("18014398509481984", EOS_SRC_OFFSET) &&
	    src_refused("-1", EOS_SRC_OFFSET),
	    "an offset: not 9.5, 1e300, -1e300, 2^54 or -1");
	tap_ok(src_number("-1", EOS_SRC_GENERATION, -1) &&
	    src_number("7", EOS_SRC_GENERATION, 7) &&
	    src_refused("-2", EOS_SRC_GENERATION) &&
	    src_refused("1e10", EOS_SRC_GENERATION),
	    "a generation: -1 to 2^31-1");
	tap_ok(!run_refused("7") && run_refused("9.5") &&
	    run_refused("1e300") && run_refused("-1") &&
	    run_refused("\"7\""), "a run's processed offset: whole, 0 to 2^53");
	return tap_done();
}
