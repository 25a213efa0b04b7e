/* jsonpath: parsing jq-style key paths and finding them in raw JSON. */
#include <stdio.h>
#include <string.h>

#include "jsonpath.h"
#include "tap.h"

/* A path, a record, and the raw value found ("!" if none). */
static const struct {
	const char	*path, *json, *found;
	int		 escapes;
} table[] = {
	{ ".ts", "{\"ts\":\"2026-11-24T00:00:00Z\",\"v\":1}",
	    "\"2026-11-24T00:00:00Z\"", 0 },
	{ ".v", "{\"ts\":1, \"v\" : 1.50 }", "1.50", 0 },
	{ ".a.b", "{\"a\":{\"b\":[1,{\"c\":2}]}}", "[1,{\"c\":2}]", 0 },
	{ ".a.b", "{\"a\":{\"x\":1},\"b\":2}", "!", 0 },
	{ ".a.b", "{\"a\":3}", "!", 0 },
	{ ".a.b", "{\"a\":null}", "!", 0 },
	{ ".a", "[{\"a\":1}]", "!", 0 },
	{ ".a", "{\"b\":{\"a\":1}}", "!", 0 },
	/* The last of duplicate keys counts, as in jq. */
	{ ".k", "{\"k\":1,\"x\":{\"k\":3},\"k\":2}", "2", 0 },
	{ ".\"a b\".c", "{\"a b\":{\"c\":true}}", "true", 0 },
	{ ".\"a\\\"b\"", "{\"a\\\"b\":7}", "7", 1 },
	/* Keys are compared as written; a caller learns of escapes. */
	{ ".a", "{\"\\u0061\":1}", "!", 1 },
	{ ".a", "{\"\\u0062\":1,\"a\":2}", "2", 1 },
	{ ".s", "{\"s\":\"x,}\\\"y\"}", "\"x,}\\\"y\"", 0 },
	{ ".n", "{\"n\":-1e+5}", "-1e+5", 0 },
};

static const char *bad[] = {
	"", ".", "ts", "..a", ".a.", ".1a", ".a b", ".\"a", ".\"\\x\"", ".a[0]",
	".a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q", "a.b", ".a | .b",
};

int
main(void)
{
	struct json_path jp;
	const char *v;
	size_t i, vlen;
	int rc, esc;
	char msg[512];

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		snprintf(msg, sizeof(msg), "%s in %s", table[i].path, table[i].json);
		if (json_path_parse(&jp, table[i].path) != 0) {
			tap_ok(0, msg);
			continue;
		}
		rc = json_path_find(&jp, table[i].json, strlen(table[i].json),
		    &v, &vlen, &esc);
		if (table[i].found[0] == '!')
			tap_ok(rc == -1 && esc == table[i].escapes, msg);
		else if (!tap_ok(rc == 0 && vlen == strlen(table[i].found) &&
		    memcmp(v, table[i].found, vlen) == 0 &&
		    esc == table[i].escapes, msg))
			printf("# rc %d, got %.*s, escapes %d\n", rc,
			    rc == 0 ? (int)vlen : 0, rc == 0 ? v : "", esc);
		json_path_free(&jp);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(msg, sizeof(msg), "'%s' is not a path", bad[i]);
		rc = json_path_parse(&jp, bad[i]);
		tap_ok(rc == -1, msg);
		if (rc == 0)
			json_path_free(&jp);
	}
	json_path_parse(&jp, ".a.\"b\"");
	tap_ok(jp.depth == 2 && jp.keylen[1] == 1 && jp.key[1][0] == 'b' &&
	    strcmp(jp.text, ".a.\"b\"") == 0, "a parsed path keeps its keys and text");
	json_path_free(&jp);
	json_path_free(&jp);
	tap_ok(1, "freeing twice is harmless");
	return tap_done();
}
