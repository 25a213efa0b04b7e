/*
 * wjoin's records: event times in every accepted form, bad lines and
 * their reasons, and keys that are equal text exactly when jq finds the
 * values equal, whether read from the raw text or through libjq.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wjoin/record.h"

static const struct {
	const char	*ts;		/* -t */
	int64_t		 unit;
	const char	*line;
	const char	*why;		/* NULL: accepted with time us */
	int64_t		 us;
} times[] = {
	{ ".ts", 1000, "{\"ts\":\"2026-11-24T02:27:28.123Z\"}", NULL, 1795487248123000 },
	{ ".ts", 1000, "{\"ts\":\"2026-11-24T02:27:28Z\"}", NULL, 1795487248000000 },
	{ ".ts", 1000, "{\"ts\":\"2026-11-24T03:27:28.5+01:00\"}", NULL, 1795487248500000 },
	{ ".ts", 1000, "{\"ts\":\"2026-11-24 02:27:28.000001\"}", NULL, 1795487248000001 },
	{ ".ts", 1000, "{\"ts\":1795487248123}", NULL, 1795487248123000 },
	{ ".ts", 1000, "{\"ts\":1795487248123.5}", NULL, 1795487248123500 },
	{ ".ts", 1000000, "{\"ts\":1795487248.123456}", NULL, 1795487248123456 },
	{ ".ts", 1, "{\"ts\":1795487248123456}", NULL, 1795487248123456 },
	{ ".ts", 1000, "{\"ts\":-1000}", NULL, -1000000 },
	{ ".ts", 1000, "{\"ts\":1e3}", NULL, 1000000 },
	{ ".a.t", 1000, " {\"a\":{\"t\":5},\"ts\":\"x\"} ", NULL, 5000 },
	{ ".ts", 1000, "{\"ts\":1,\"ts\":2}", NULL, 2000 },
	{ ".ts", 1000, "", "empty line", 0 },
	{ ".ts", 1000, "nope", "not JSON", 0 },
	{ ".ts", 1000, "{\"ts\":1", "not JSON: unterminated object or array", 0 },
	{ ".ts", 1000, "[1]", "not a JSON object", 0 },
	{ ".ts", 1000, "\"ts\"", "not a JSON object", 0 },
	{ ".ts", 1000, "{}", "no field .ts", 0 },
	{ ".ts", 1000, "{\"ts\":true}", ".ts is not a time (a string or a number)", 0 },
	{ ".ts", 1000, "{\"ts\":null}", ".ts is not a time (a string or a number)", 0 },
	{ ".ts", 1000, "{\"ts\":\"yesterday\"}",
	    ".ts is not an ISO 8601 time: \"yesterday\"", 0 },
	{ ".ts", 1000, "{\"ts\":\"2026-13-01T00:00:00Z\"}",
	    ".ts is not an ISO 8601 time (no such month): \"2026-13-01T00:00:00Z\"", 0 },
	{ ".ts", 1000, "{\"ts\":1e300}", ".ts is out of range: 1e300", 0 },
};

/* JSON values as keys, each with its text as jq prints it. */
static const struct {
	const char	*value, *text;
} keys[] = {
	{ "\"A\"", "\"A\"" }, { "\"\\u0041\"", "\"A\"" }, { "\"caf\xc3\xa9\"", "\"caf\xc3\xa9\"" },
	{ "\"caf\\u00e9\"", "\"caf\xc3\xa9\"" }, { "\"a\\/b\"", "\"a/b\"" },
	{ "\"tab\\t\"", "\"tab\\t\"" }, { "\"\x7f\"", "\"\\u007f\"" },
	{ "1", "1" }, { "1.0", "1" }, { "1e0", "1" }, { "10E-1", "1" },
	{ "-0", "-0" }, { "0.1", "0.1" }, { "1e400", "1.7976931348623157e+308" },
	{ "12345678901234567890", "12345678901234567000" }, { "1e17", "1e+17" },
	{ "true", "true" }, { "false", "false" }, { "null", "null" },
	{ "[1, 2.0]", "[1,2]" }, { "{\"b\":1, \"a\":[]}", "{\"a\":[],\"b\":1}" },
	{ "\"1\"", "\"1\"" },
};

static unsigned long rng = 11;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng >> 33) % n);
}

/* Appends a random JSON value, nested at most depth deep, to b at *n. */
static void
random_value(char *b, size_t *n, int depth)
{
	static const char *pieces[] = { "a", "Z", " ", "\\n", "\\\"", "\\\\",
	    "\\/", "\\u0041", "\\u00e9", "\\u20ac", "\\ud83d\\ude00", "\xc3\xa9",
	    "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f", "\\u007f", "\\u0000", "1",
	    "\\ud800", "\\udfff" };
	int i, k;

	switch (rnd(depth > 0 ? 7 : 5)) {
	case 0:
		/* Now and then a lone surrogate: a bad line. */
		k = (int)rnd(5);
		b[(*n)++] = '"';
		for (i = 0; i < k; i++)
			*n += (size_t)sprintf(b + *n, "%s", pieces[rnd(rnd(10) ?
			    18 : sizeof(pieces) / sizeof(pieces[0]))]);
		b[(*n)++] = '"';
		break;
	case 1:
		*n += (size_t)sprintf(b + *n, "%s", rnd(3) == 0 ? "null" :
		    rnd(2) ? "true" : "false");
		break;
	case 5:
		b[(*n)++] = '[';
		for (i = 0, k = (int)rnd(3); i < k; i++) {
			if (i > 0)
				b[(*n)++] = ',';
			random_value(b, n, depth - 1);
		}
		b[(*n)++] = ']';
		break;
	case 6:
		b[(*n)++] = '{';
		for (i = 0, k = (int)rnd(3); i < k; i++) {
			*n += (size_t)sprintf(b + *n, "%s\"%c\":", i > 0 ? "," :
			    "", "abc"[rnd(3)]);
			random_value(b, n, depth - 1);
		}
		b[(*n)++] = '}';
		break;
	default:
		/* A number in any of JSON's forms. */
		if (rnd(3) == 0)
			b[(*n)++] = '-';
		if (rnd(4) == 0) {
			b[(*n)++] = '0';
		} else {
			b[(*n)++] = (char)('1' + rnd(9));
			for (i = 0, k = (int)rnd(rnd(4) == 0 ? 25 : 6); i < k; i++)
				b[(*n)++] = (char)('0' + rnd(10));
		}
		if (rnd(2)) {
			b[(*n)++] = '.';
			for (i = 0, k = 1 + (int)rnd(rnd(4) == 0 ? 20 : 4); i < k;
			    i++)
				b[(*n)++] = (char)('0' + rnd(10));
		}
		if (rnd(3) == 0)
			*n += (size_t)sprintf(b + *n, "%c%s%u", "eE"[rnd(2)],
			    rnd(2) ? "-" : rnd(2) ? "+" : "", rnd(rnd(4) ? 30 :
			    400));
		break;
	}
	b[*n] = '\0';
}

int
main(void)
{
	struct record_spec fast, slow;
	struct record rec = { 0 }, rec2 = { 0 };
	char why[RECORD_WHY_MAX], line[256], msg[512];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		record_spec_init(&fast, times[i].ts, times[i].unit, NULL, "-k");
		rc = record_parse(&fast, times[i].line, strlen(times[i].line),
		    &rec, why);
		snprintf(msg, sizeof(msg), "-t %s: %s", times[i].ts, times[i].line);
		if (times[i].why == NULL) {
			if (!tap_ok(rc == 0 && rec.ts == times[i].us, msg))
				printf("# rc %d %s, ts %" PRId64 "\n", rc,
				    rc ? why : "", rec.ts);
		} else if (!tap_ok(rc == -1 && strcmp(why, times[i].why) == 0, msg))
			printf("# rc %d, why: %s\n", rc, rc ? why : "");
		record_spec_free(&fast);
	}
	tap_ok(record_spec_init(&fast, "ts", 1000, NULL, "-k") == -1,
	    "-t must be a path");

	/* ".k" is read from the raw text; ".k | ." only by libjq. */
	record_spec_init(&fast, ".ts", 1000, ".k", "-k");
	record_spec_init(&slow, ".ts", 1000, ".k | .", "-k");
	tap_ok(fast.key_is_path && !slow.key_is_path, "a plain path is read raw");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(line, sizeof(line), "{\"ts\":1,\"k\":%s}", keys[i].value);
		snprintf(msg, sizeof(msg), "key %s is %s, raw or by jq",
		    keys[i].value, keys[i].text);
		rc = record_parse(&fast, line, strlen(line), &rec, why);
		rc |= record_parse(&slow, line, strlen(line), &rec2, why);
		if (!tap_ok(rc == 0 && strcmp(rec.key, keys[i].text) == 0 &&
		    strcmp(rec2.key, keys[i].text) == 0 &&
		    rec.nullkey == (strcmp(keys[i].value, "null") == 0) &&
		    rec2.nullkey == rec.nullkey, msg))
			printf("# rc %d, raw %s, jq %s\n", rc, rec.key, rec2.key);
	}
	rc = record_parse(&fast, "{\"ts\":1}", 8, &rec, why);
	tap_ok(rc == 0 && rec.nullkey, "a missing key is null, as in jq");
	rc = record_parse(&fast, "{\"ts\":1,\"\\u006b\":5}", 19, &rec, why);
	tap_ok(rc == 0 && strcmp(rec.key, "5") == 0,
	    "an escaped member name is found as jq finds it");

	{
		/*
		 * One rule for what a valid line is: a line libjq cannot read
		 * (a lone surrogate, nesting past its parser's limit) is bad
		 * whether the key is read raw or through libjq, for the same
		 * reason; nesting up to the limit is fine both ways.
		 */
		static const char *bad[] = {
			"{\"ts\":1,\"k\":1,\"s\":\"\\ud800\"}",
			"{\"ts\":1,\"k\":1,\"s\":\"\\udc00\"}",
			"{\"ts\":1,\"k\":\"\\ud800\\u0041\"}",
			"{\"s\":[\"\\ude00\\ud83d\"],\"ts\":1,\"k\":1}",
		};
		char deep[2048], why2[RECORD_WHY_MAX];
		size_t k, n;
		int rc2, levels;

		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			rc = record_parse(&fast, bad[k], strlen(bad[k]), &rec, why);
			rc2 = record_parse(&slow, bad[k], strlen(bad[k]), &rec2,
			    why2);
			snprintf(msg, sizeof(msg), "bad both ways, for one reason: "
			    "%s", bad[k]);
			if (!tap_ok(rc == -1 && rc2 == -1 && strcmp(why, why2) == 0 &&
			    strcmp(why, "not JSON: unpaired UTF-16 surrogate in a "
			    "\\u escape") == 0, msg))
				printf("# raw %d %s; jq %d %s\n", rc, rc ? why : "",
				    rc2, rc2 ? why2 : "");
		}
		/*
		 * The record is one object, with 126 to 128 more inside it: a
		 * pair nests it one deeper, so 128 objects are one too many
		 * for wjoin (json_validate_member), 129 for every tool.
		 */
		for (levels = 126; levels <= 128; levels++) {
			n = (size_t)sprintf(deep, "{\"ts\":1,\"k\":7,\"d\":");
			for (k = 0; k < (size_t)levels; k++)
				n += (size_t)sprintf(deep + n, "{\"a\":");
			deep[n++] = '1';
			for (k = 0; k <= (size_t)levels; k++)
				deep[n++] = '}';
			rc = record_parse(&fast, deep, n, &rec, why);
			rc2 = record_parse(&slow, deep, n, &rec2, why2);
			snprintf(msg, sizeof(msg), "%d objects deep: %s both ways",
			    levels + 1, levels == 126 ? "read" : "bad");
			if (!tap_ok(levels == 126 ? rc == 0 && rc2 == 0 &&
			    strcmp(rec.key, "7") == 0 && strcmp(rec2.key, "7") == 0 :
			    rc == -1 && rc2 == -1 && strcmp(why, why2) == 0 &&
			    strcmp(why, levels == 127 ? "nested too deeply to be "
			    "paired: the pair, one object deeper, would be more "
			    "than jq reads" : "not JSON: nested too deeply") == 0,
			    msg))
				printf("# raw %d %s; jq %d %s\n", rc, rc ? why : "",
				    rc2, rc2 ? why2 : "");
		}
	}

	{
		/*
		 * Random records: the key read raw (.k) is jq's (.k | .), in
		 * verdict and text, whatever the value and wherever .k is.
		 */
		char *buf = malloc(1 << 16), why2[RECORD_WHY_MAX];
		int rounds = 20000, differ = 0, raw = 0, r, rc2;
		size_t n;

		for (r = 0; r < rounds; r++) {
			n = 0;
			buf[n++] = '{';
			if (rnd(2)) {
				n += (size_t)sprintf(buf + n, "\"x\":");
				random_value(buf, &n, 2);
				buf[n++] = ',';
			}
			n += (size_t)sprintf(buf + n, "\"ts\":1");
			if (rnd(4)) {
				n += (size_t)sprintf(buf + n, ",%s:", rnd(8) == 0 ?
				    "\"\\u006b\"" : "\"k\"");
				random_value(buf, &n, 2);
			}
			if (rnd(4) == 0) {
				n += (size_t)sprintf(buf + n, ",\"k\":");
				random_value(buf, &n, 1);
			}
			buf[n++] = '}';
			buf[n] = '\0';
			rc = record_parse(&fast, buf, n, &rec, why);
			rc2 = record_parse(&slow, buf, n, &rec2, why2);
			if (rc != rc2 || (rc == 0 && (strcmp(rec.key, rec2.key) != 0 ||
			    rec.nullkey != rec2.nullkey))) {
				if (differ++ < 5)
					printf("# %s: raw %d %s, jq %d %s\n", buf, rc,
					    rc ? why : rec.key, rc2, rc2 ? why2 :
					    rec2.key);
			}
			raw += rc == 0;
		}
		snprintf(msg, sizeof(msg), "%d random records: the same key raw "
		    "and by jq (%d read)", rounds, raw);
		tap_ok(differ == 0 && raw > rounds / 2 && raw < rounds, msg);
		free(buf);
	}
	record_spec_free(&fast);
	record_spec_free(&slow);

	record_spec_init(&fast, ".ts", 1000, ".k.x", "--left-key");
	rc = record_parse(&fast, "{\"ts\":1,\"k\":3}", 14, &rec, why);
	if (!tap_ok(rc == -1 && strcmp(why,
	    "--left-key: Cannot index number with string \"x\"") == 0,
	    "a key expression's error is the line's reason"))
		printf("# rc %d, why: %s\n", rc, why);
	rc = record_parse(&fast, "{\"ts\":1,\"k\":null}", 17, &rec, why);
	tap_ok(rc == 0 && rec.nullkey, ".k.x of a null .k is null");
	record_spec_free(&fast);
	record_spec_init(&fast, ".ts", 1000, "empty", "-k");
	rc = record_parse(&fast, "{\"ts\":1}", 8, &rec, why);
	if (!tap_ok(rc == -1 && strstr(why, "no output") != NULL,
	    "a key expression with no output"))
		printf("# rc %d, why: %s\n", rc, why);
	record_spec_free(&fast);
	record_free(&rec);
	record_free(&rec2);
	return tap_done();
}
