/* Unit tests for the JSON scanner: a table of lines and verdicts. */
#include <stdio.h>
#include <string.h>

#include "jsonscan.h"
#include "tap.h"

static const struct {
	const char	*line;
	int		 valid;
} cases[] = {
	{ "{}", 1 }, { "[]", 1 }, { "0", 1 }, { "-0.5e-3", 1 }, { "\"\"", 1 },
	{ " {\"a\" : [1, 2.5, true, false, null]} ", 1 },
	{ "12345678901234567890123456789", 1 }, { "1.000e2", 1 },
	{ "\"\\u00e9\\ud834\\udd1e\\n\\\"\"", 1 }, { "\"h\xc3\xa9llo\"", 1 },
	{ "\"\xf0\x9f\x9a\x80\"", 1 },
	{ "", 0 }, { "   ", 0 }, { "{", 0 }, { "}", 0 }, { "[1,]", 0 },
	{ "{\"a\":1,}", 0 }, { "{'a':1}", 0 }, { "{a:1}", 0 }, { "01", 0 },
	{ "1.", 0 }, { ".5", 0 }, { "1e", 0 }, { "+1", 0 }, { "NaN", 0 },
	{ "tru", 0 }, { "nul", 0 }, { "\"abc", 0 }, { "\"\\x\"", 0 },
	{ "\"\\u12g4\"", 0 }, { "\"tab\there\"", 0 }, { "{} {}", 0 },
	{ "{\"a\":1}x", 0 }, { "\"\xff\"", 0 }, { "\"\xc0\xaf\"", 0 },
	{ "\"\xed\xa0\x80\"", 0 }, { "[1 2]", 0 }, { "{\"a\" 1}", 0 },
};

int
main(void)
{
	char what[128], deep[1024];
	const char *start, *why;
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(what, sizeof(what), "%s: %s", cases[i].valid ?
		    "valid" : "invalid", cases[i].line);
		tap_ok((json_validate(cases[i].line, strlen(cases[i].line),
		    &why) == 0) == cases[i].valid, what);
	}

	memset(deep, '[', 300);
	memset(deep + 300, ']', 300);
	tap_ok(json_validate(deep, 600, &why) != 0 &&
	    strcmp(why, "nested too deeply") == 0, "300 levels deep is refused");
	tap_ok(json_validate(deep + 100, 400, NULL) == 0,
	    "200 levels deep is accepted");

	const char *obj = "{\"topic\":\"t\",\"value\" : {\"v\":1.000e2} , \"z\":[1]}";
	tap_ok(json_member_span(obj, strlen(obj), "value", &start, &len) == 0 &&
	    len == 13 && memcmp(start, "{\"v\":1.000e2}", len) == 0,
	    "member span: the raw bytes of a nested value");
	tap_ok(json_member_span(obj, strlen(obj), "z", &start, &len) == 0 &&
	    len == 3 && memcmp(start, "[1]", 3) == 0, "member span: last member");
	tap_ok(json_member_span(obj, strlen(obj), "nope", &start, &len) == -1,
	    "member span: a missing member");
	tap_ok(json_member_span("[1]", 3, "a", &start, &len) == -1,
	    "member span: not an object");

	{
		static const struct {
			const char *in, *out;
		} rm[] = {
			{ "{\"a\":1,\"_k\":[1,2],\"b\":2}", "{\"a\":1,\"b\":2}" },
			{ "{\"_k\":\"x\",\"b\":2}", "{\"b\":2}" },
			{ "{\"a\":1,\"_k\":{}}", "{\"a\":1}" },
			{ "{\"_k\":0}", "{}" },
			{ "{ \"a\" : 1 , \"_k\" : 0 , \"c\":3 }", "{ \"a\" : 1  , \"c\":3 }" },
		};
		char out[128];
		size_t k;

		for (k = 0; k < sizeof(rm) / sizeof(rm[0]); k++) {
			ssize_t n = json_member_remove(rm[k].in, strlen(rm[k].in),
			    "_k", out, &start, &len);

			snprintf(what, sizeof(what), "member remove: %s", rm[k].in);
			tap_ok(n >= 0 && (size_t)n == strlen(rm[k].out) &&
			    memcmp(out, rm[k].out, (size_t)n) == 0, what);
			if (n >= 0)
				printf("# got %.*s\n", (int)n, out);
		}
		tap_ok(json_member_remove("{\"a\":1}", 7, "_k", out, &start,
		    &len) == -1, "member remove: no such member");
	}

	{
		/*
		 * Strings are scanned eight bytes at a time: put each kind of
		 * byte at every offset of the first three words, with plain
		 * bytes before and after, and check the verdict and, for the
		 * closing quote, that the scan stops there.
		 */
		static const struct {
			const char	*mid;
			int		 valid;
		} at[] = {
			{ "\\n", 1 }, { "\\u00e9", 1 }, { "\xc3\xa9", 1 },
			{ "\x7f", 1 }, { " ", 1 }, { "\\\"", 1 }, { "\\\\", 1 },
			{ "\x1f", 0 }, { "\t", 0 }, { "\\x", 0 }, { "\xff", 0 },
			{ "\xc3", 0 }, { "\xed\xa0\x80", 0 }, { "\"", 0 },
			{ "\x80", 0 }, { "\x9f", 0 },
		};
		char line[64];
		size_t k, pos, fails = 0;

		for (k = 0; k < sizeof(at) / sizeof(at[0]); k++)
			for (pos = 0; pos < 24; pos++) {
				int n = snprintf(line, sizeof(line), "[\"%.*s%s%.*s\",1]",
				    (int)pos, "abcdefghijklmnopqrstuvwxyz", at[k].mid,
				    (int)(23 - pos), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

				if ((json_validate(line, (size_t)n, NULL) == 0) !=
				    at[k].valid) {
					printf("# wrong verdict: %s\n", line);
					fails++;
				}
			}
		tap_ok(fails == 0, "strings: every kind of byte at offsets 0-23");
		tap_ok(json_member_span("{\"abcdefghij\":2,\"k\":\"abcdefghijklmnop\"}",
		    38, "k", &start, &len) == 0 && len == 18,
		    "strings: the scan stops at the closing quote");
	}

	{
		/* json_validate_object finds what json_walk finds, in one pass. */
		static const char *objs[] = {
			"{}", " { } ", "{\"a\":1}", "{ \"a\" : [1,{\"b\":2}] , \"c\":\"x\\\"}\" }",
			"{\"k\":1,\"k\":{\"k\":3},\"e\\u00e9\":null}",
		};
		struct json_member mem[32], m;
		struct json_walk w;
		const char *close, *why;
		char big[1024];
		size_t k, off;
		int count, i, same;

		for (k = 0; k < sizeof(objs) / sizeof(objs[0]); k++) {
			same = json_validate_object(objs[k], strlen(objs[k]), &why,
			    mem, 32, &count, &close) == 0;
			json_walk_begin(&w, objs[k], strlen(objs[k]));
			for (i = 0; same && json_walk_next(&w, &m); i++)
				same = i < count && m.key == mem[i].key &&
				    m.keylen == mem[i].keylen &&
				    m.value == mem[i].value &&
				    m.valuelen == mem[i].valuelen;
			snprintf(what, sizeof(what), "validate_object: %s", objs[k]);
			tap_ok(same && i == count && close == w.p, what);
		}
		tap_ok(json_validate_object("[1]", 3, &why, mem, 32, &count,
		    &close) == 0 && count == -1, "validate_object: an array");
		tap_ok(json_validate_object("{\"a\":}", 6, &why, mem, 32, &count,
		    &close) == -1 && strcmp(why, "not JSON") == 0,
		    "validate_object: invalid, with the reason");
		off = (size_t)snprintf(big, sizeof(big), "{");
		for (i = 0; i < 40; i++)
			off += (size_t)snprintf(big + off, sizeof(big) - off,
			    "%s\"m%d\":%d", i ? "," : "", i, i);
		off += (size_t)snprintf(big + off, sizeof(big) - off, "}");
		tap_ok(json_validate_object(big, off, &why, mem, 32, &count,
		    &close) == 0 && count == 40 && close == big + off - 1 &&
		    mem[31].keylen == 3 && memcmp(mem[31].key, "m31", 3) == 0,
		    "validate_object: 40 members, 32 recorded, all counted");
	}

	tap_ok(utf8_valid("h\xc3\xa9", 3) && !utf8_valid("\xc3", 1) &&
	    !utf8_valid("\xf5\x80\x80\x80", 4), "utf8_valid");
	return tap_done();
}
