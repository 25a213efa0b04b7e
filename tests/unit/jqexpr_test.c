/*
 * jq expressions: an input libjq could not parse is a message, not an
 * abort in jq_start; a result is refused exactly when jq's printer would
 * strip part of it; errors and empty results are messages too.
 */
#include <stdio.h>
#include <string.h>

#include <jv.h>

#include "jqexpr.h"
#include "tap.h"

/* Whether e's first output for input is refused with a message containing want. */
static int
refused(struct jqexpr *e, jv input, const char *want)
{
	jv out = jqexpr_first(e, input), msg;
	int ok;

	if (jv_is_valid(out)) {
		jv_free(out);
		return 0;
	}
	msg = jv_invalid_get_msg(out);
	ok = jv_get_kind(msg) == JV_KIND_STRING &&
	    strstr(jv_string_value(msg), want) != NULL;
	if (!ok && jv_get_kind(msg) == JV_KIND_STRING)
		printf("# message: %s\n", jv_string_value(msg));
	jv_free(msg);
	return ok;
}

static unsigned long rng = 7;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng >> 33) % n);
}

int
main(void)
{
	struct jqexpr *id = jqexpr_compile(".id", "-k");
	struct jqexpr *same = jqexpr_compile(".", "-k");
	struct jqexpr *wrap = jqexpr_compile("[.]", "--emit");
	jv v, text;
	char what[160];
	int i, fails = 0, stripped = 0, kept = 0;

	tap_ok(refused(id, jv_parse("{\"id\":1,\"s\":\"\\ud800\"}"),
	    "-k: jq cannot read the record: Invalid \\uXXXX\\uXXXX surrogate "
	    "pair escape"), "a line libjq cannot parse is a message, not an "
	    "abort");
	tap_ok(refused(id, jv_invalid(), "-k: jq cannot read the record"),
	    "an invalid input without a message too");
	tap_ok(refused(id, jv_parse("[1]"), "-k: Cannot index array with "
	    "string \"id\""), "an error in the expression is its message");
	{
		struct jqexpr *none = jqexpr_compile("empty", "-T");

		tap_ok(refused(none, jv_object(), "-T: the expression gave no "
		    "output"), "no output is a message");
		jqexpr_free(none);
	}
	{
		const char *line = "{\"id\":\"\\ud83d\\ude00\"}";
		jv out = jqexpr_first(id, jqexpr_parse(line, strlen(line)));

		tap_ok(jv_get_kind(out) == JV_KIND_STRING &&
		    strcmp(jv_string_value(out), "\xf0\x9f\x98\x80") == 0,
		    "a surrogate pair is read as its character");
		jv_free(out);
	}

	/*
	 * Results of every shape around jq's print depth, as they are (.)
	 * and one level deeper ([.]): refused exactly when jv_dump_string
	 * would print "<stripped: exceeds max depth>" for them.
	 */
	for (i = 0; i < 2000; i++) {
		int depth = 250 + (int)rnd(12), k, e;

		v = rnd(3) == 0 ? jv_array() : jv_number(1);
		for (k = 0; k < depth; k++)
			v = rnd(2) ? jv_array_append(jv_array(), v) :
			    jv_object_set(jv_object(), jv_string("a"), v);
		for (e = 0; e < 2; e++) {
			jv result = e == 0 ? jv_copy(v) :
			    jv_array_append(jv_array(), jv_copy(v));
			int dropped, ours;

			text = jv_dump_string(result, 0);
			dropped = strstr(jv_string_value(text), "<stripped") !=
			    NULL;
			jv_free(text);
			ours = refused(e == 0 ? same : wrap, jv_copy(v),
			    "the expression gave a value nested more than 256 "
			    "deep, which jq cannot print");
			if (ours != dropped && fails++ < 5)
				printf("# depth %d%s: refused %d, stripped by jq "
				    "%d\n", depth, e ? " in [.]" : "", ours,
				    dropped);
			ours ? stripped++ : kept++;
		}
		jv_free(v);
	}
	snprintf(what, sizeof(what), "results nested around 256 levels: "
	    "refused exactly when jq's printer strips them (%d of %d)",
	    stripped, stripped + kept);
	tap_ok(fails == 0 && stripped > 0 && kept > 0, what);

	jqexpr_free(id);
	jqexpr_free(same);
	jqexpr_free(wrap);
	return tap_done();
}
