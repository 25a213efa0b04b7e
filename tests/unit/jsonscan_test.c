/*
 * Unit tests for the JSON scanner: a table of lines and verdicts, and
 * libjq 1.6 as the judge of what a valid line is (kpipes(7)): accepted
 * exactly when libjq reads it, unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "jsonscan.h"
#include "tap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Whether libjq 1.6 reads s[0..n) as one value. */
static int
jq_reads(const char *s, size_t n)
{
	jv v = jv_parse_sized(s, (int)n);
	int ok = jv_is_valid(v);

	jv_free(v);
	return ok;
}

/*
 * Whether json_member_cut of the member called name, as
 * json_validate_object finds it, leaves what json_member_remove leaves.
 */
static int
cut_as_removed(const char *in, const char *name)
{
	struct json_member mem[8];
	const char *close, *start;
	char out[128], cut[128];
	size_t len;
	ssize_t n;
	int count, i;

	n = json_member_remove(in, strlen(in), name, out, &start, &len);
	if (json_validate_object(in, strlen(in), NULL, mem, 8, &count,
	    &close) != 0)
		return 0;
	for (i = 0; i < count && i < 8; i++)
		if (mem[i].keylen == strlen(name) &&
		    memcmp(mem[i].key, name, mem[i].keylen) == 0)
			return mem[i].value == start && mem[i].valuelen == len &&
			    json_member_cut(in, strlen(in), &mem[i], cut) == n &&
			    memcmp(cut, out, (size_t)n) == 0;
	return n == -1;
}

/* A json_reader that notes what it is given and says it read give bytes. */
struct given {
	size_t	 give;
	int	 calls;
	char	 seen[64];
};

static size_t
read_given(const char *v, size_t n, void *arg)
{
	struct given *g = arg;

	g->calls++;
	snprintf(g->seen, sizeof(g->seen), "%.*s", (int)n, v);
	return g->give;
}

/*
 * Writes into buf a value nested as kinds says, outermost first ('[' an
 * array, '{' an object with one member), around inner. Returns its length.
 */
static size_t
nest(char *buf, const char *kinds, const char *inner)
{
	size_t n = 0, i, k = strlen(kinds);

	for (i = 0; i < k; i++)
		n += (size_t)sprintf(buf + n, "%s", kinds[i] == '[' ? "[" :
		    "{\"k\":");
	n += (size_t)sprintf(buf + n, "%s", inner);
	while (k-- > 0)
		buf[n++] = kinds[k] == '[' ? ']' : '}';
	buf[n] = '\0';
	return n;
}

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
	/* A \u escape of a surrogate: only as a pair, high then low. */
	{ "\"\\ud83d\\ude00\"", 1 }, { "\"\\uDBFF\\uDFFF\"", 1 },
	{ "\"\\ud800\"", 0 }, { "\"\\udc00\"", 0 }, { "\"\\ud800\\u0041\"", 0 },
	{ "\"\\ud800\\ud800\"", 0 }, { "\"\\ude00\\ud83d\"", 0 },
	{ "\"\\ud800x\"", 0 }, { "\"\\ud800\\n\"", 0 }, { "\"\\ud800\\udc0\"", 0 },
	{ "{\"id\":1,\"s\":\"\\ud800\"}", 0 }, { "{\"\\udfff\":1}", 0 },
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
	tap_ok(json_validate("{\"a\":", 5, &why) != 0 && strcmp(why,
	    "the line ends where a value should be, inside an object or "
	    "array") == 0, "a line cut after a key says so, not 'empty input'");
	tap_ok(json_validate(deep + 100, 400, NULL) == 0,
	    "200 levels deep is accepted");
	tap_ok(json_validate(deep + 44, 512, NULL) == 0 &&
	    json_validate(deep + 43, 514, NULL) != 0,
	    "arrays: 256 deep is accepted, 257 refused");
	tap_ok(json_validate_member(deep + 46, 508, NULL) == 0 &&
	    json_validate_member(deep + 45, 510, NULL) != 0,
	    "a member's value: 254 arrays deep is accepted, 255 refused");

	{
		/*
		 * Nesting: libjq counts an array as one level and an object as
		 * two, to 256. Shapes of arrays and objects around the limit,
		 * and the same inside an object (json_validate_member).
		 */
		char kinds[300], *buf = malloc(300 * 8 + 64), *wrap;
		size_t n, k, depth, fails = 0, members = 0, objects128 = 0;
		static const char *inner[] = { "1", "[]", "{}", "\"s\"" };

		wrap = malloc(300 * 8 + 64 + 16);
		for (k = 0; k < 3000; k++) {
			size_t units = 0, i;

			depth = 100 + rnd(200);
			for (i = 0; i < depth; i++) {
				kinds[i] = rnd(3) == 0 ? '[' : '{';
				units += kinds[i] == '[' ? 1 : 2;
			}
			kinds[depth] = '\0';
			n = nest(buf, kinds, inner[rnd(4)]);
			if ((json_validate(buf, n, &why) == 0) != jq_reads(buf, n)) {
				if (fails++ < 5)
					printf("# verdicts differ at %zu levels (%zu "
					    "of jq's), %s\n", depth, units, kinds);
			}
			n = (size_t)sprintf(wrap, "{\"v\":%s}", buf);
			if ((json_validate_member(buf, n - 6, NULL) == 0) !=
			    jq_reads(wrap, n)) {
				if (fails++ < 5)
					printf("# member verdicts differ at %zu "
					    "levels\n", depth);
			}
			members++;
		}
		memset(kinds, '{', 129);
		kinds[128] = '\0';
		n = nest(buf, kinds, "1");
		objects128 = json_validate(buf, n, NULL) == 0 && jq_reads(buf, n);
		kinds[128] = '{';
		kinds[129] = '\0';
		n = nest(buf, kinds, "1");
		objects128 = objects128 && json_validate(buf, n, &why) != 0 &&
		    strcmp(why, "nested too deeply") == 0 && !jq_reads(buf, n);
		tap_ok(objects128, "objects: 128 deep is accepted, 129 refused, "
		    "as by libjq");
		snprintf(what, sizeof(what), "nesting: %zu shapes of arrays and "
		    "objects, as a line and as a member, judged as libjq does",
		    members);
		tap_ok(fails == 0, what);
		free(buf);
		free(wrap);
	}

	{
		/*
		 * \u escapes of UTF-16 code units in runs of one to three:
		 * valid exactly when libjq reads the string without putting
		 * U+FFFD for a code unit it could not pair.
		 */
		static const char *unit[] = { "0041", "00e9", "d7ff", "d800",
		    "D83D", "dbff", "dc00", "DE00", "dfff", "e000", "ffff" };
		size_t nu = sizeof(unit) / sizeof(unit[0]), a, b, c, runs = 0;
		size_t fails = 0, refused = 0;
		char line[64];

		for (a = 0; a < nu; a++)
			for (b = 0; b <= nu; b++)
				for (c = 0; c <= nu; c++) {
					int n, ours, theirs;
					jv v;

					if (b == nu && c < nu)
						continue;
					n = snprintf(line, sizeof(line),
					    "\"\\u%s%s%s%s%s\"", unit[a],
					    b < nu ? "\\u" : "", b < nu ? unit[b] : "",
					    c < nu ? "\\u" : "", c < nu ? unit[c] : "");
					ours = json_validate(line, (size_t)n, &why) == 0;
					v = jv_parse_sized(line, n);
					theirs = jv_get_kind(v) == JV_KIND_STRING &&
					    strstr(jv_string_value(v), "\xef\xbf\xbd") == NULL;
					jv_free(v);
					if (ours != theirs && fails++ < 5)
						printf("# %s: ours %d, libjq %d\n", line,
						    ours, theirs);
					if (!ours && strcmp(why, "unpaired UTF-16 "
					    "surrogate in a \\u escape") != 0 &&
					    fails++ < 5)
						printf("# %s: %s\n", line, why);
					refused += !ours;
					runs++;
				}
		snprintf(what, sizeof(what), "\\u escapes: %zu runs of code units "
		    "(%zu refused), judged as libjq reads them", runs, refused);
		tap_ok(fails == 0 && refused > 0 && refused < runs, what);
	}

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
			snprintf(what, sizeof(what), "member cut: %s", rm[k].in);
			tap_ok(cut_as_removed(rm[k].in, "_k"), what);
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

	{
		/* A reader given one member's value in the scan. */
		static const struct {
			const char	*in;
			size_t		 give;	/* what the reader says it read */
			const char	*seen;	/* what it is given, NULL: none */
			int		 valid, count;
		} rd[] = {
			{ "{\"a\":1,\"r\":[1,2],\"b\":2}", 5, "[1,2],\"b\":2}", 1, 3 },
			{ "{\"a\":1,\"r\":[1,2],\"b\":2}", 0, "[1,2],\"b\":2}", 1, 3 },
			{ "{\"r\" : \"x\" }", 3, "\"x\" }", 1, 1 },
			{ "{\"r\":1,\"r\":2}", 1, "1,\"r\":2}", 1, 2 },
			{ "{\"x\":{\"r\":1}}", 0, NULL, 1, 1 },
			{ "[{\"r\":1}]", 0, NULL, 1, -1 },
			{ "{\"\\u0072\":1}", 0, NULL, 1, 1 },
			{ "{\"r\":[1,2],\"b\":}", 5, "[1,2],\"b\":}", 0, 0 },
			{ "{\"a\":tru,\"r\":1}", 0, NULL, 0, 0 },
		};
		struct json_member mem[8];
		struct json_reader r = { "r", read_given, NULL };
		struct given g;
		const char *close, *why, *why2;
		size_t k;
		int count, i, rc, ok;

		for (k = 0; k < sizeof(rd) / sizeof(rd[0]); k++) {
			memset(&g, 0, sizeof(g));
			g.give = rd[k].give;
			r.arg = &g;
			rc = json_validate_object_with(rd[k].in, strlen(rd[k].in),
			    &why, mem, 8, &count, &close, &r);
			ok = (rc == 0) == rd[k].valid &&
			    (rc != 0 || count == rd[k].count) &&
			    g.calls == (rd[k].seen != NULL) &&
			    (rd[k].seen == NULL || strcmp(g.seen, rd[k].seen) == 0);
			if (rc != 0)
				ok &= json_validate(rd[k].in, strlen(rd[k].in),
				    &why2) != 0 && strcmp(why, why2) == 0;
			/* The member's value: what the reader read. */
			for (i = 0; rc == 0 && rd[k].give > 0 && i < count; i++)
				if (mem[i].keylen == 1 && mem[i].key[0] == 'r') {
					ok &= mem[i].valuelen == rd[k].give;
					break;
				}
			snprintf(what, sizeof(what), "validate_object_with: %s, "
			    "%zu read", rd[k].in, rd[k].give);
			tap_ok(ok, what);
		}
	}

	tap_ok(json_plain_span("abc\"d", 5) == 3 &&
	    json_plain_span("abcdefghij\\k", 12) == 10 &&
	    json_plain_span("a\x01", 2) == 1 &&
	    json_plain_span("abcdefgh\x7fij\xc3\xa9", 13) == 11 &&
	    json_plain_span("abcdefghijklmnopqrstu", 21) == 21 &&
	    json_plain_span("abcdefghijklmnopqrstu", 9) == 9 &&
	    json_plain_span("", 0) == 0,
	    "plain span: up to a quote, backslash, control or non-ASCII byte");
	tap_ok(utf8_valid("h\xc3\xa9", 3) && !utf8_valid("\xc3", 1) &&
	    !utf8_valid("\xf5\x80\x80\x80", 4), "utf8_valid");
	return tap_done();
}
