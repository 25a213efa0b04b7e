/*
 * strategy: the computation at its boundaries, paths, and the line
 * rewriting (bytes kept, result added or replaced, bad lines explained).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "strategy/transform.h"
#include "tap.h"

static const struct {
	double	value, result;
} formula[] = {
	{ 0, 0 }, { 29.999, 59.998 }, { 30, 55 }, { 45, 77.5 }, { 60, 100 },
	{ 60.0001, 60.0001 * 60.0001 / 100 }, { 100, 100 }, { -5, -10 },
	{ -1000, -2000 }, { 1e10, 1e18 },
};

/* Input lines and their output; an expected "!" line is a reason. */
static const struct {
	const char	*path, *name, *in, *out;
} table[] = {
	{ ".value", "result", "{\"value\":10}", "{\"value\":10,\"result\":20}" },
	{ ".value", "result",
	    "{\"strategy\":\"A\",\"value\":69.64,\"ts\":\"2026-11-24T02:27:28.123Z\"}",
	    "{\"strategy\":\"A\",\"value\":69.64,\"ts\":\"2026-11-24T02:27:28.123Z\","
	    "\"result\":48.497296}" },
	{ ".value", "result", "{\"value\":29.999}", "{\"value\":29.999,\"result\":59.998}" },
	{ ".value", "result", "{\"value\":30}", "{\"value\":30,\"result\":55}" },
	{ ".value", "result", "{\"value\":60}", "{\"value\":60,\"result\":100}" },
	{ ".value", "result", "{\"value\":60.0001}",
	    "{\"value\":60.0001,\"result\":36.000120000100004}" },
	{ ".value", "result", "{\"value\":-0}", "{\"value\":-0,\"result\":-0}" },
	{ ".value", "result", "{\"value\":1E2}", "{\"value\":1E2,\"result\":100}" },
	{ ".value", "result", "{\"value\":1e308}",
	    "{\"value\":1e308,\"result\":1.7976931348623157e+308}" },
	{ ".value", "result", "{\"value\":1e-7}", "{\"value\":1e-7,\"result\":2e-07}" },
	/* Bytes around the members stay as they were. */
	{ ".value", "result", " { \"value\" : 1.50 , \"x\":[1,{}] }\r",
	    " { \"value\" : 1.50 , \"x\":[1,{}] ,\"result\":3}\r" },
	{ ".value", "result", "{\"x\":\"\\u00e9\\\"}\",\"value\":5}",
	    "{\"x\":\"\\u00e9\\\"}\",\"value\":5,\"result\":10}" },
	/* An existing result is replaced where it stands, duplicates dropped. */
	{ ".value", "result", "{\"result\":\"old\",\"value\":10}",
	    "{\"result\":20,\"value\":10}" },
	{ ".value", "result", "{\"result\":1,\"value\":10,\"result\":{\"a\":2}}",
	    "{\"result\":20,\"value\":10}" },
	{ ".value", "result", "{\"value\":10, \"result\":1 ,\"result\":2,\"b\":3,\"result\":4}",
	    "{\"value\":10, \"result\":20,\"b\":3}" },
	/* The last of duplicate fields counts, as in jq. */
	{ ".value", "result", "{\"value\":10,\"value\":50}",
	    "{\"value\":10,\"value\":50,\"result\":85}" },
	/* -f and -o. */
	{ ".a.b", "result", "{\"a\":{\"b\":40},\"c\":1}",
	    "{\"a\":{\"b\":40},\"c\":1,\"result\":70}" },
	{ ".\"a b\".c", "r", "{\"a b\":{\"c\":1}}", "{\"a b\":{\"c\":1},\"r\":2}" },
	{ ".value", "out\"put", "{\"value\":1}", "{\"value\":1,\"out\\\"put\":2}" },
	{ ".value", "value", "{\"value\":10,\"x\":1}", "{\"value\":20,\"x\":1}" },
	/* Bad lines. */
	{ ".value", "result", "", "!empty line" },
	{ ".value", "result", "not json", "!not JSON" },
	{ ".value", "result", "{\"value\":1", "!not JSON: unterminated object or array" },
	{ ".value", "result", "{\"value\":01}", "!not JSON: missing ',' between elements" },
	{ ".value", "result", "{\"value\":1} {}", "!not JSON: more than one JSON value on the line" },
	{ ".value", "result", "[1,2]", "!not a JSON object" },
	{ ".value", "result", "42", "!not a JSON object" },
	{ ".value", "result", "{}", "!no field .value" },
	{ ".value", "result", "{\"Value\":1}", "!no field .value" },
	{ ".value", "result", "{\"value\":\"12\"}", "!.value is not a number" },
	{ ".value", "result", "{\"value\":null}", "!.value is not a number" },
	{ ".value", "result", "{\"value\":[1]}", "!.value is not a number" },
	{ ".a.b", "result", "{\"a\":1}", "!no field .a.b" },
	{ ".a.b", "result", "{\"a\":{\"c\":1}}", "!no field .a.b" },
};

static const char *bad_paths[] = {
	"", ".", "value", "..a", ".a.", ".1a", ".a b", ".\"a", ".\"\\x\"", ".a[0]",
	".a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q",
};

int
main(void)
{
	struct strategy st;
	char why[STRATEGY_WHY_MAX], msg[512];
	size_t i;

	for (i = 0; i < sizeof(formula) / sizeof(formula[0]); i++) {
		snprintf(msg, sizeof(msg), "%g gives %.17g", formula[i].value,
		    formula[i].result);
		tap_ok(strategy_result(formula[i].value) == formula[i].result, msg);
	}
	tap_ok(strategy_result(nextafter(30, 0)) < 60 &&
	    strategy_result(nextafter(60, 100)) < 37, "the bands meet at 30 and 60");

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int rc;

		if (strategy_init(&st, table[i].path, table[i].name) != 0) {
			tap_ok(0, table[i].path);
			continue;
		}
		rc = strategy_apply(&st, table[i].in, strlen(table[i].in), why);
		snprintf(msg, sizeof(msg), "-f %s -o %s: %s", table[i].path,
		    table[i].name, table[i].in);
		if (table[i].out[0] == '!') {
			if (!tap_ok(rc == -1 && strcmp(why, table[i].out + 1) == 0, msg))
				printf("# rc %d, why: %s\n", rc, rc ? why : st.line);
		} else if (!tap_ok(rc == 0 && st.len == strlen(table[i].out) &&
		    strcmp(st.line, table[i].out) == 0, msg))
			printf("# rc %d, got: %s\n", rc, rc ? why : st.line);
		strategy_free(&st);
	}

	{
		/* More members than validation remembers: the object is walked. */
		char in[1024], want[1024];
		size_t n = 0;

		for (i = 0; i < 40; i++)
			n += (size_t)snprintf(in + n, sizeof(in) - n, "%s\"m%zu\":%zu",
			    i ? "," : "{", i, i == 5 ? (size_t)1 : i);
		memcpy(in + n, ",\"value\":10}", 13);	/* with its NUL */
		snprintf(want, sizeof(want), "%.*s,\"value\":10,\"result\":20}",
		    (int)n, in);
		tap_ok(strategy_init(&st, ".value", "result") == 0 &&
		    strategy_apply(&st, in, strlen(in), why) == 0 &&
		    strcmp(st.line, want) == 0, "41 members: the result is added");
		strategy_free(&st);
		tap_ok(strategy_init(&st, ".value", "m5") == 0 &&
		    strategy_apply(&st, in, strlen(in), why) == 0 &&
		    strstr(st.line, "\"m5\":20,") != NULL &&
		    strlen(st.line) == strlen(in) + 1, "41 members: the result replaced");
		strategy_free(&st);
	}

	for (i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
		snprintf(msg, sizeof(msg), "-f '%s' is refused", bad_paths[i]);
		if (strategy_init(&st, bad_paths[i], "result") == 0) {
			tap_ok(0, msg);
			strategy_free(&st);
		} else
			tap_ok(1, msg);
	}
	return tap_done();
}
