/* jsonwalk: raw member spans of valid objects, and where they close. */
#include <stdio.h>
#include <string.h>

#include "jsonscan.h"
#include "jsonwalk.h"
#include "tap.h"

/*
 * Each case: a valid JSON text and its members as "key=value;" pairs,
 * then what follows the closing brace's position; NULL for non-objects.
 */
static const struct {
	const char	*json;
	const char	*members;
	const char	*close;
} table[] = {
	{ "{}", "", "}" },
	{ " { } ", "", "} " },
	{ "{\"a\":1}", "a=1;", "}" },
	{ "{\"a\":1,\"b\":-2.5e3,\"c\":true,\"d\":null}",
	    "a=1;b=-2.5e3;c=true;d=null;", "}" },
	{ "{ \"a\" : 1 , \"b\" :\t\"x\" }\r", "a=1;b=\"x\";", "}\r" },
	{ "{\"s\":\"}{,\\\"]\",\"t\":2}", "s=\"}{,\\\"]\";t=2;", "}" },
	{ "{\"k\\\"q\":[1,{\"x\":[]},\"]\"],\"z\":{\"y\":{}}}",
	    "k\\\"q=[1,{\"x\":[]},\"]\"];z={\"y\":{}};", "}" },
	{ "{\"a\":1,\"a\":2}", "a=1;a=2;", "}" },
	{ "{\"e\":\"\\\\\"}", "e=\"\\\\\";", "}" },
	/* Quotes after odd and even runs of backslashes. */
	{ "{\"a\\\\\":\"x\\\\\\\"y\\\\\\\\\",\"b\":1}",
	    "a\\\\=\"x\\\\\\\"y\\\\\\\\\";b=1;", "}" },
	{ "[1,2]", NULL, NULL },
	{ "\"x\"", NULL, NULL },
	{ "3", NULL, NULL },
};

int
main(void)
{
	char got[512], msg[600];
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const char *s = table[i].json;
		struct json_walk w;
		struct json_member m;
		size_t n = 0;

		if (json_validate(s, strlen(s), NULL) != 0) {
			tap_ok(0, s);
			continue;
		}
		snprintf(msg, sizeof(msg), "walk %s", s);
		if (json_walk_begin(&w, s, strlen(s)) != 0) {
			tap_ok(table[i].members == NULL, msg);
			continue;
		}
		got[0] = '\0';
		while (json_walk_next(&w, &m))
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%.*s=%.*s;",
			    (int)m.keylen, m.key, (int)m.valuelen, m.value);
		if (!tap_ok(table[i].members != NULL &&
		    strcmp(got, table[i].members) == 0 &&
		    strcmp(w.p, table[i].close) == 0, msg))
			printf("# got %s, closing at %s\n", got, w.p);
	}
	return tap_done();
}
