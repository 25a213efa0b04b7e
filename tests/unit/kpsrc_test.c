/*
 * Unit tests for the exactly-once wire format (kpsrc.h): every shape kin
 * and wjoin write is read, every other shape is refused with its reason,
 * what is written reads back the same, and values are wrapped and
 * unwrapped byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "kpsrc.h"
#include "tap.h"

/* kpsrc_parse of a JSON text; the caller releases s. */
static int
parse(const char *text, enum kpsrc_form form, struct kpsrc *s)
{
	return kpsrc_parse(jv_parse(text), form, s);
}

/* Whether the text is refused with rc (and s holds nothing after). */
static int
refused(const char *text, enum kpsrc_form form, int rc)
{
	struct kpsrc s;
	int got = parse(text, form, &s);

	kpsrc_release(&s);
	if (got != rc)
		printf("# %s: %d, not %d\n", text, got, rc);
	return got == rc && s.group == NULL && s.topic == NULL;
}

/* What kpsrc_write writes for s. */
static char *
written(const struct kpsrc *s)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);

	kpsrc_write(fp, s);
	fclose(fp);
	return buf;
}

/* Whether a and b, parsed, hold the same position: they are written alike. */
static int
same_position(const struct kpsrc *a, const struct kpsrc *b)
{
	char *wa = written(a), *wb = written(b);
	int same = a->form == b->form && a->processed == b->processed &&
	    strcmp(wa, wb) == 0;

	free(wa);
	free(wb);
	return same;
}

/*
 * Whether kpsrc_parse_text reads the text as kpsrc_parse does (the same
 * result, or the same refusal), and kpsrc_parse_fast as want says: 0, it
 * reads it without libjq, or KPSRC_NOT_FAST.
 */
static int
read_as_libjq(const char *text, enum kpsrc_form form, int want)
{
	struct kpsrc a, b, f;
	int rc = parse(text, form, &a);
	int got = kpsrc_parse_text(text, strlen(text), form, &b);
	int fast = kpsrc_parse_fast(text, strlen(text), form, &f);
	int ok = got == rc && (rc != 0 || same_position(&a, &b)) &&
	    fast == want && (fast != 0 || same_position(&a, &f));

	if (!ok)
		printf("# %s: libjq %d, text %d, fast %d (wanted %d)\n", text,
		    rc, got, fast, want);
	if (fast != 0 && (f.group != NULL || f.topic != NULL))
		ok = 0;
	kpsrc_release(&a);
	kpsrc_release(&b);
	kpsrc_release(&f);
	return ok;
}

/* Whether kpsrc_kind_text says what kpsrc_kind says of the parsed text. */
static int
kind_as_libjq(const char *text)
{
	jv v = jv_parse(text);
	enum kpsrc_kind want = kpsrc_kind(v);

	jv_free(v);
	if (kpsrc_kind_text(text, strlen(text)) == want)
		return 1;
	printf("# %s: kind %d, not %d\n", text,
	    kpsrc_kind_text(text, strlen(text)), want);
	return 0;
}

/* Whether text parses and is written back byte for byte. */
static int
round_trip(const char *text, enum kpsrc_form form)
{
	struct kpsrc s;
	char *out;
	int ok;

	if (parse(text, form, &s) != 0) {
		printf("# %s: not read\n", text);
		return 0;
	}
	out = written(&s);
	ok = strcmp(out, text) == 0;
	if (!ok)
		printf("# %s written back as %s\n", text, out);
	free(out);
	kpsrc_release(&s);
	return ok;
}

/* A record's position to write: group "g", topic "t", member "m". */
static void
record(struct kpsrc *s, int32_t generation, int64_t offset)
{
	memset(s, 0, sizeof(*s));
	s->form = KPSRC_RECORD;
	s->group = "g";
	s->topic = "t";
	s->member = "m";
	s->generation = generation;
	s->offset = offset;
}

/* What kpsrc_write_line writes for a value (NULL: a tombstone). */
static char *
line_of(const char *value, size_t len, const struct kpsrc *s)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);

	if (kpsrc_write_line(fp, value, len, s) != 0)
		printf("# write error\n");
	fclose(fp);
	return buf;
}

/*
 * Whether the value is written as want, and what kout takes from that
 * line (its _kp_src removed, unwrapped) is back (NULL: a tombstone).
 */
static int
wrapped(const char *value, const char *want, const char *back)
{
	size_t len = value != NULL ? strlen(value) : 0;
	size_t backlen = back != NULL ? strlen(back) : 0;
	struct kpsrc s;
	const char *v, *srcjs;
	char *line, *rec, *owned;
	size_t vlen, srclen;
	ssize_t n;
	int ok;

	record(&s, 3, 7);
	line = line_of(value, len, &s);
	ok = strcmp(line, want) == 0;
	if (!ok)
		printf("# written: %s# wanted:  %s", line, want);
	rec = malloc(strlen(line));
	n = json_member_remove(line, strlen(line) - 1, KPSRC_MEMBER, rec,
	    &srcjs, &srclen);
	if (n < 0 || srclen != strlen("[\"g\",\"t\",0,7,3,\"m\"]"))
		ok = 0;
	kpsrc_unwrap(rec, (size_t)n, &v, &vlen, &owned);
	if (back == NULL ? v != NULL : v == NULL || vlen != backlen ||
	    memcmp(v, back, backlen) != 0) {
		printf("# unwrapped: %.*s\n", v ? (int)vlen : 4, v ? v : "NULL");
		ok = 0;
	}
	free(owned);
	free(rec);
	free(line);
	return ok;
}

/* Shapes that are not one, each group with its reason. */
static const struct {
	const char	*what;
	enum kpsrc_form	 form;
	int		 rc;
	const char	*texts[8];
} refusals[] = {
	{ "a record: not of 4, 6 or 7 elements", KPSRC_RECORD, KPSRC_BAD, {
	    "\"x\"", "{}", "null", "[]", "[\"g\",\"t\",0]",
	    "[\"g\",\"t\",0,1,2]", "[\"g\",\"t\",0,1,2,\"m\",[],9]" } },
	{ "a record: group, topic or member not a string", KPSRC_RECORD,
	    KPSRC_BAD, {
	    "[1,\"t\",0,1]", "[\"g\",null,0,1]", "[\"g\",\"t\",0,1,3,7]" } },
	{ "a partition: not 2^31, 1e10, 1e20, -1, 0.5, \"1\" or null",
	    KPSRC_RECORD, KPSRC_BAD, {
	    "[\"g\",\"t\",2147483648,0]", "[\"g\",\"t\",1e10,0]",
	    "[\"g\",\"t\",1e20,0]", "[\"g\",\"t\",-1,0]", "[\"g\",\"t\",0.5,0]",
	    "[\"g\",\"t\",\"1\",0]", "[\"g\",\"t\",null,0]" } },
	{ "an offset: not 9.5, 1e300, -1e300, 2^54 or -1", KPSRC_RECORD,
	    KPSRC_BAD, {
	    "[\"g\",\"t\",0,9.5]", "[\"g\",\"t\",0,1e300]",
	    "[\"g\",\"t\",0,-1e300]", "[\"g\",\"t\",0,18014398509481984]",
	    "[\"g\",\"t\",0,-1]" } },
	{ "a generation: not -2, 1e10 or 2^31", KPSRC_RECORD, KPSRC_BAD, {
	    "[\"g\",\"t\",0,0,-2,\"m\"]", "[\"g\",\"t\",0,0,1e10,\"m\"]",
	    "[\"g\",\"t\",0,0,2147483648,\"m\"]" } },
	{ "a record's runs: each beyond its offset", KPSRC_RECORD,
	    KPSRC_BAD_RUNS, {
	    "[\"g\",\"t\",0,10,3,\"m\",[[\"a\",10]]]",
	    "[\"g\",\"t\",0,10,3,\"m\",10]",
	    "[\"g\",\"t\",0,10,3,\"m\",[[\"a\",12],[\"b\",9]]]" } },
	{ "a record's runs: [id, processed] pairs of whole offsets",
	    KPSRC_RECORD, KPSRC_BAD_RUNS, {
	    "[\"g\",\"t\",0,10,3,\"m\",[[\"a\",11.5]]]",
	    "[\"g\",\"t\",0,10,3,\"m\",1e300]",
	    "[\"g\",\"t\",0,10,3,\"m\",[[\"a\",\"11\"]]]",
	    "[\"g\",\"t\",0,10,3,\"m\",[[\"a\",11,1]]]",
	    "[\"g\",\"t\",0,10,3,\"m\",[\"a\",11]]",
	    "[\"g\",\"t\",0,10,3,\"m\",\"a\"]" } },
	{ "a run id: letters and digits, not empty", KPSRC_RECORD,
	    KPSRC_BAD_RUNS, {
	    "[\"g\",\"t\",0,1,3,\"m\",[[\"a:b\",5]]]",
	    "[\"g\",\"t\",0,1,3,\"m\",[[\"\",5]]]",
	    "[\"g\",\"t\",0,1,3,\"m\",[[\"a\\u0000\",5]]]",
	    "[\"g\",\"t\",0,1,3,\"m\",[[7,5]]]" } },
	{ "a window entry: not of 7 or 8 elements", KPSRC_WINDOW, KPSRC_BAD, {
	    "[\"g\",\"t\",0,10,3,\"m\"]", "[\"g\",\"t\",0,10]",
	    "[\"g\",\"t\",0,10,3,\"m\",11,[],1]" } },
	{ "a window entry: processed not below resume, runs a list of runs",
	    KPSRC_WINDOW, KPSRC_BAD, {
	    "[\"g\",\"t\",0,10,3,\"m\",9]", "[\"g\",\"t\",0,10,3,\"m\",10.5]",
	    "[\"g\",\"t\",0,10,3,\"m\",11,12]",
	    "[\"g\",\"t\",0,10,3,\"m\",11,[[\"a\",9.5]]]",
	    "[\"g\",\"t\",0,10,3,\"m\",11,[[\"a\",-1]]]",
	    "[\"g\",\"t\",0,10,3,\"m\",11,[[\"a-b\",12]]]" } },
};

/* Lines as kout --eos takes them (kpsrc_take), and what it finds. */
static const struct {
	const char	*line;
	const char	*rest;		/* NULL: not JSON (why as json_validate's) */
	int		 none;		/* no _kp_src member */
	enum kpsrc_kind	 kind;
	const char	*text;		/* the member's value */
	int		 rc;		/* a record's */
	const char	*group;		/* a record's, parsed */
	int64_t		 offset;
} takes[] = {
	{ "{\"a\":1,\"_kp_src\":[\"g\",\"t\",0,5,2,\"m\"],\"b\":[2]}",
	    "{\"a\":1,\"b\":[2]}", 0, KPSRC_KIND_RECORD,
	    "[\"g\",\"t\",0,5,2,\"m\"]", 0, "g", 5 },
	{ "{ \"_kp_src\" : [ \"g\" , \"t\" , 1 , 7 ] }", "{ }", 0,
	    KPSRC_KIND_RECORD, "[ \"g\" , \"t\" , 1 , 7 ]", 0, "g", 7 },
	{ "{\"_kp_src\":[\"g\\u00e9\",\"t\",0,6,2,\"m\",[[\"a\",9]]]}", "{}", 0,
	    KPSRC_KIND_RECORD, "[\"g\\u00e9\",\"t\",0,6,2,\"m\",[[\"a\",9]]]", 0,
	    "g\xc3\xa9", 6 },
	{ "{\"_kp_src\":[\"g\",\"t\",0,1],\"_kp_src\":[\"h\",\"t\",0,2]}",
	    "{\"_kp_src\":[\"h\",\"t\",0,2]}", 0, KPSRC_KIND_RECORD,
	    "[\"g\",\"t\",0,1]", 0, "g", 1 },
	{ "{\"a\":1,\"_kp_src\":[\"g\",\"t\",0]}", "{\"a\":1}", 0,
	    KPSRC_KIND_RECORD, "[\"g\",\"t\",0]", KPSRC_BAD, NULL, 0 },
	{ "{\"_kp_src\":[\"g\",\"t\",0,5,2,\"m\",[[\"a\",5]]]}", "{}", 0,
	    KPSRC_KIND_RECORD, "[\"g\",\"t\",0,5,2,\"m\",[[\"a\",5]]]",
	    KPSRC_BAD_RUNS, NULL, 0 },
	{ "{\"v\":1,\"_kp_src\":\"+\"}", "{\"v\":1}", 0, KPSRC_KIND_PENDING,
	    "\"+\"", 0, NULL, 0 },
	{ "{\"_kp_src\":[[\"g\",\"t\",0,5,2,\"m\",6,[]]]}", "{}", 0,
	    KPSRC_KIND_LIST, "[[\"g\",\"t\",0,5,2,\"m\",6,[]]]", 0, NULL, 0 },
	{ "{\"a\":1}", "", 1, 0, NULL, 0, NULL, 0 },
	{ "[\"_kp_src\"]", "", 1, 0, NULL, 0, NULL, 0 },
	{ "{\"x\":{\"_kp_src\":[\"g\",\"t\",0,1]}}", "", 1, 0, NULL, 0, NULL,
	    0 },
	{ "{\"_kp_src\":[\"g\",\"t\",0,1],\"a\":tru}", NULL, 0, 0, NULL, 0,
	    NULL, 0 },
	{ "{\"a\":1,\"_kp_src\":[\"g\",\"t\",0,1]", NULL, 0, 0, NULL, 0, NULL,
	    0 },
	{ "{\"_kp_src\":[\"g\",\"t\",0,1,]}", NULL, 0, 0, NULL, 0, NULL, 0 },
};

/* Whether kpsrc_take finds in takes[i].line what the table says. */
static int
taken(int i)
{
	const char *line = takes[i].line, *why, *why2;
	struct kpsrc_taken t;
	char out[512];
	ssize_t n;
	int ok;

	n = kpsrc_take(line, strlen(line), out, &t, &why);
	if (takes[i].rest == NULL)
		return n == -1 && json_validate(line, strlen(line), &why2) != 0 &&
		    strcmp(why, why2) == 0;
	if (takes[i].none)
		return n == KPSRC_NONE;
	ok = n == (ssize_t)strlen(takes[i].rest) &&
	    memcmp(out, takes[i].rest, (size_t)n) == 0 &&
	    t.kind == takes[i].kind && t.len == strlen(takes[i].text) &&
	    memcmp(t.text, takes[i].text, t.len) == 0;
	if (ok && t.kind == KPSRC_KIND_RECORD)
		ok = t.rc == takes[i].rc && (t.rc != 0 ||
		    (strcmp(t.src.group, takes[i].group) == 0 &&
		    t.src.offset == takes[i].offset));
	kpsrc_release(&t.src);
	return ok;
}

int
main(void)
{
	struct kpsrc s, w;
	const char *const *t;
	char big[4096], *out;
	int i, at, rc;
	jv v;

	/* Every shape a kpipes tool writes, or wrote. */
	rc = parse("[\"g\",\"t\",2,41,5,\"m-1\"]", KPSRC_RECORD, &s);
	tap_ok(rc == 0 && strcmp(s.group, "g") == 0 &&
	    strcmp(s.topic, "t") == 0 && s.partition == 2 && s.offset == 41 &&
	    s.generation == 5 && strcmp(s.member, "m-1") == 0 &&
	    s.processed == -1 && s.nruns == 0,
	    "a record: [group, topic, partition, offset, generation, member]");
	kpsrc_release(&s);
	rc = parse("[\"g\",\"t\",0,10,3,\"m\",[[\"a1\",12],[\"b\",11]]]",
	    KPSRC_RECORD, &s);
	tap_ok(rc == 0 && s.nruns == 2 && strcmp(s.runs[0].id, "a1") == 0 &&
	    s.runs[0].processed == 12 && strcmp(s.runs[1].id, "b") == 0 &&
	    s.runs[1].processed == 11, "a record read again: its runs");
	kpsrc_release(&s);
	rc = parse("[\"g\",\"t\",0,10,3,\"m\",[]]", KPSRC_RECORD, &s);
	tap_ok(rc == 0 && s.nruns == 0, "a record with no runs in its list");
	kpsrc_release(&s);
	rc = parse("[\"g\",\"t\",0,10]", KPSRC_RECORD, &s);
	tap_ok(rc == 0 && s.generation == -1 && strcmp(s.member, "") == 0 &&
	    s.offset == 10, "a record of four: no generation, member \"\"");
	kpsrc_release(&s);
	rc = parse("[\"g\",\"t\",0,10,3,\"m\",11]", KPSRC_RECORD, &s);
	tap_ok(rc == 0 && s.nruns == 1 && strcmp(s.runs[0].id, "p") == 0 &&
	    s.runs[0].processed == 11, "an older kin's runs, one number: run p");
	kpsrc_release(&s);
	rc = parse("[\"g\",\"t\",1,20,3,\"m\",25,[[\"a\",21],[\"b\",20],"
	    "[\"c\",30]]]", KPSRC_WINDOW, &s);
	tap_ok(rc == 0 && s.offset == 20 && s.processed == 25 &&
	    s.nruns == 2 && strcmp(s.runs[0].id, "a") == 0 &&
	    strcmp(s.runs[1].id, "c") == 0,
	    "a window entry: runs not beyond resume left out");
	kpsrc_release(&s);
	rc = parse("[\"g\",\"t\",1,20,-1,\"\",20]", KPSRC_WINDOW, &s);
	tap_ok(rc == 0 && s.processed == 20 && s.nruns == 0 &&
	    s.generation == -1, "an older window entry of seven, processed at resume");
	kpsrc_release(&s);
	rc = parse("[\"g\",\"C\",2147483647,9007199254740992,2147483647,\"m\"]",
	    KPSRC_RECORD, &s);
	tap_ok(rc == 0 && s.partition == 2147483647 &&
	    s.offset == INT64_C(9007199254740992) && s.generation == 2147483647,
	    "the largest: partition and generation 2^31-1, offset 2^53");
	kpsrc_release(&s);
	rc = parse("[\"g\",\"t\",1.0,5e2,3,\"m\"]", KPSRC_RECORD, &s);
	tap_ok(rc == 0 && s.partition == 1 && s.offset == 500,
	    "whole numbers however written: 1.0, 5e2");
	kpsrc_release(&s);

	/* Each shape that is not one, with its reason. */
	for (i = 0; i < (int)(sizeof(refusals) / sizeof(refusals[0])); i++) {
		rc = 1;
		for (t = refusals[i].texts; *t != NULL; t++)
			rc &= refused(*t, refusals[i].form, refusals[i].rc);
		tap_ok(rc, refusals[i].what);
	}
	rc = 1;
	for (i = 0; i < (int)(sizeof(refusals) / sizeof(refusals[0])); i++)
		for (t = refusals[i].texts; *t != NULL; t++)
			rc &= read_as_libjq(*t, refusals[i].form,
			    KPSRC_NOT_FAST);
	tap_ok(rc, "read from text: every refusal the same, none without libjq");
	snprintf(big, sizeof(big), "[\"g\",\"t\",0,1,3,\"m\",[[\"%033d\",5]]]",
	    1);
	tap_ok(refused(big, KPSRC_RECORD, KPSRC_BAD_RUNS),
	    "a run id: not longer than 32");
	tap_ok(strcmp(kpsrc_why(KPSRC_RECORD, KPSRC_BAD), "_kp_src is not "
	    "[group, topic, partition, offset, generation, member]") == 0 &&
	    strncmp(kpsrc_why(KPSRC_RECORD, KPSRC_BAD_RUNS), "_kp_src's "
	    "seventh element is not the runs", 39) == 0 &&
	    strncmp(kpsrc_why(KPSRC_WINDOW, KPSRC_BAD), "a window filter's "
	    "_kp_src is not a list", 38) == 0, "the reasons");

	/* More than EOS_RUNS_MAX: the first ones are kept. */
	at = snprintf(big, sizeof(big), "[\"g\",\"t\",0,1,3,\"m\",[");
	for (i = 0; i < EOS_RUNS_MAX + 4; i++)
		at += snprintf(big + at, sizeof(big) - (size_t)at,
		    "%s[\"r%d\",%d]", i ? "," : "", i, 1000 + i);
	snprintf(big + at, sizeof(big) - (size_t)at, "]]");
	rc = parse(big, KPSRC_RECORD, &s);
	tap_ok(rc == 0 && s.nruns == EOS_RUNS_MAX &&
	    strcmp(s.runs[0].id, "r0") == 0 &&
	    strcmp(s.runs[EOS_RUNS_MAX - 1].id, "r15") == 0,
	    "at most EOS_RUNS_MAX runs kept");
	kpsrc_release(&s);

	/* Read from text: kin's forms without libjq, all as libjq reads them. */
	tap_ok(read_as_libjq("[\"g\",\"t\",2,41,5,\"m-1\"]", KPSRC_RECORD, 0) &&
	    read_as_libjq("[\"g\",\"t\",0,10]", KPSRC_RECORD, 0) &&
	    read_as_libjq("[\"G\",\"T\",0,0,-1,\"\"]", KPSRC_RECORD, 0) &&
	    read_as_libjq("[\"g.1 ~x\",\"t-2_\",3,7,2,"
	    "\"rdkafka-0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e\"]", KPSRC_RECORD,
	    0) && read_as_libjq("[\"g\x7f\",\"t\",0,1]", KPSRC_RECORD, 0),
	    "read from text: kin's records without libjq");
	tap_ok(read_as_libjq("[\"g\",\"C\",2147483647,9007199254740992,"
	    "2147483647,\"m\"]", KPSRC_RECORD, 0) &&
	    read_as_libjq("[\"g\",\"t\",0,1000000000000000,0,\"m\"]",
	    KPSRC_RECORD, 0),
	    "read from text: the largest numbers, 16 digits");
	tap_ok(read_as_libjq(" [ \"g\" ,\t\"t\",\n2 ,41,\r5, \"m\" ] \n",
	    KPSRC_RECORD, 0), "read from text: white space anywhere JSON has it");
	tap_ok(read_as_libjq("[\"g\",\"t\",1,20,-1,\"\",20]", KPSRC_WINDOW, 0) &&
	    read_as_libjq("[\"g\",\"t\",1,20,3,\"m\",25]", KPSRC_WINDOW, 0),
	    "read from text: a window entry of seven without libjq");
	tap_ok(read_as_libjq("[\"a \\\"q\\\"\",\"t\",0,1]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\\u0041\",\"t\",0,1]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\\/x\",0,1,2,\"m\\n\"]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"caf\xc3\xa9\",\"t\",0,1]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\xff\",\"t\",0,1]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\x01\",0,1]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,1,2,\"m\tx\"]", KPSRC_RECORD,
	    KPSRC_NOT_FAST),
	    "read from text: escapes, UTF-8 and control characters left to libjq");
	tap_ok(read_as_libjq("[\"g\",\"t\",-0,1]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,1e3]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",1.0,5]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,5E0]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,0,-0,\"m\"]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,9007199254740993]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,10000000000000000]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,00012]", KPSRC_RECORD,
	    KPSRC_NOT_FAST),
	    "read from text: -0, 1e3, 1.0, past 2^53, leading zeros left to libjq");
	tap_ok(read_as_libjq("[\"g\",\"t\",0,10,3,\"m\",[[\"a1\",12]]]",
	    KPSRC_RECORD, KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,10,3,\"m\",11]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,10,3,\"m\",[]]", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",1,20,3,\"m\",25,[[\"a\",21]]]",
	    KPSRC_WINDOW, KPSRC_NOT_FAST),
	    "read from text: runs, nested or one number, left to libjq");
	tap_ok(read_as_libjq("[\"g\",\"t\",0,1] x", KPSRC_RECORD,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,1]]", KPSRC_RECORD, KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,1,]", KPSRC_RECORD, KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0 1]", KPSRC_RECORD, KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,1", KPSRC_RECORD, KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t", KPSRC_RECORD, KPSRC_NOT_FAST) &&
	    read_as_libjq("", KPSRC_RECORD, KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,1,2,\"m\",3,4,5]", KPSRC_WINDOW,
	    KPSRC_NOT_FAST) &&
	    read_as_libjq("[\"g\",\"t\",0,null]", KPSRC_RECORD,
	    KPSRC_NOT_FAST), "read from text: not JSON, or not the shape: libjq's word");
	/* Strings that fill the room for them, and one byte more. */
	memset(big, 'a', sizeof(big));
	at = snprintf(big, sizeof(big), "[\"g\",\"t\",0,1,2,\"");
	big[at + KPSRC_TEXT_MAX - 5] = '\0';
	strcat(big, "\"]");
	rc = read_as_libjq(big, KPSRC_RECORD, 0);
	big[at + KPSRC_TEXT_MAX - 5] = 'a';
	big[at + KPSRC_TEXT_MAX - 4] = '\0';
	strcat(big, "\"]");
	tap_ok(rc && read_as_libjq(big, KPSRC_RECORD, KPSRC_NOT_FAST),
	    "read from text: names up to KPSRC_TEXT_MAX without libjq, longer with");
	tap_ok(kind_as_libjq("\"+\"") && kind_as_libjq(" \"+\" ") &&
	    kind_as_libjq("\"\\u002b\"") && kind_as_libjq("\"\\u002bx\"") &&
	    kind_as_libjq("\"++\"") && kind_as_libjq("\"\"") &&
	    kind_as_libjq("\"x\\\\\"") && kind_as_libjq("[]") &&
	    kind_as_libjq("[ [1]]") && kind_as_libjq("[\n[]]") &&
	    kind_as_libjq("[\"g\",[]]") && kind_as_libjq("null") &&
	    kind_as_libjq("12") && kind_as_libjq("{\"a\":[]}"),
	    "kind from text: as kpsrc_kind says");

	/* Lines as kout --eos takes them: validated, _kp_src out and read. */
	for (i = 0; i < (int)(sizeof(takes) / sizeof(takes[0])); i++) {
		snprintf(big, sizeof(big), "take: %s", takes[i].line);
		tap_ok(taken(i), big);
	}
	at = snprintf(big, sizeof(big), "{");
	for (i = 0; i < 40; i++)
		at += snprintf(big + at, sizeof(big) - (size_t)at, "\"m%d\":%d,",
		    i, i);
	snprintf(big + at, sizeof(big) - (size_t)at,
	    "\"_kp_src\":[\"g\",\"t\",0,9]}");
	{
		struct kpsrc_taken t;
		char out[sizeof(big)];
		const char *why;
		ssize_t n = kpsrc_take(big, strlen(big), out, &t, &why);

		tap_ok(n == at && out[n - 1] == '}' &&
		    t.kind == KPSRC_KIND_RECORD && t.rc == 0 &&
		    t.src.offset == 9, "take: _kp_src after 40 members");
		kpsrc_release(&t.src);
	}

	/* The kinds of _kp_src a line may carry. */
	v = jv_parse("\"+\"");
	tap_ok(kpsrc_kind(v) == KPSRC_KIND_PENDING, "\"+\": pending");
	jv_free(v);
	v = jv_parse("[[\"g\",\"t\",0,1,3,\"m\",1,[]]]");
	tap_ok(kpsrc_kind(v) == KPSRC_KIND_LIST, "a list of lists: positions");
	jv_free(v);
	v = jv_parse("[\"g\",\"t\",0,1]");
	tap_ok(kpsrc_kind(v) == KPSRC_KIND_RECORD, "a list of values: a record");
	jv_free(v);
	v = jv_parse("\"++\"");
	rc = kpsrc_kind(v) == KPSRC_KIND_RECORD;
	jv_free(v);
	v = jv_parse("[]");
	rc = rc && kpsrc_kind(v) == KPSRC_KIND_RECORD;
	jv_free(v);
	tap_ok(rc, "anything else is a record's, to be refused by parse");

	/* Written back as read, in the form each tool writes it. */
	tap_ok(round_trip("[\"g\",\"t\",2,41,5,\"m-1\"]", KPSRC_RECORD) &&
	    round_trip("[\"g\",\"t\",0,10]", KPSRC_RECORD) &&
	    round_trip("[\"g\",\"t\",0,10,3,\"m\",[[\"a1\",12],[\"b\",11]]]",
	    KPSRC_RECORD) &&
	    round_trip("[\"g\",\"C\",2147483647,9007199254740992,3,\"m\"]",
	    KPSRC_RECORD), "records round trip");
	tap_ok(round_trip("[\"gl\",\"C\",0,10,3,\"m1\",13,[[\"p\",11],"
	    "[\"0123456789abcdef\",13]]]", KPSRC_WINDOW) &&
	    round_trip("[\"g\",\"t\",0,0,-1,\"\",1,[[\"r\",1]]]",
	    KPSRC_WINDOW), "window entries round trip");
	tap_ok(round_trip("[\"a \\\"q\\\" \\\\ b\\n\\u007f\\u0001\",\"t\",0,1,"
	    "0,\"caf\xc3\xa9\"]", KPSRC_RECORD),
	    "strings escaped as libjq escapes them");
	rc = parse("[\"g\",\"t\",0,10,-1,\"\"]", KPSRC_RECORD, &s);
	out = written(&s);
	tap_ok(rc == 0 && strcmp(out, "[\"g\",\"t\",0,10]") == 0,
	    "generation -1 and member \"\": written as four");
	free(out);
	kpsrc_release(&s);
	rc = parse("[\"g\",\"t\",0,10,-1,\"\",[[\"a\",11]]]", KPSRC_RECORD, &s);
	out = written(&s);
	tap_ok(rc == 0 && strcmp(out, "[\"g\",\"t\",0,10,-1,\"\",[[\"a\","
	    "11]]]") == 0, "but as seven with runs after them");
	free(out);
	kpsrc_release(&s);
	rc = parse("[\"g\",\"t\",0,10,3,\"m\",11]", KPSRC_RECORD, &s);
	out = written(&s);
	tap_ok(rc == 0 && strcmp(out, "[\"g\",\"t\",0,10,3,\"m\",[[\"p\",11]]]")
	    == 0, "an older kin's number: written as a run list");
	free(out);
	kpsrc_release(&s);

	/* A record's runs not beyond it are not written. */
	record(&w, 0, 10);
	w.nruns = 2;
	strcpy(w.runs[0].id, "a");
	w.runs[0].processed = 10;
	strcpy(w.runs[1].id, "b");
	w.runs[1].processed = 11;
	out = written(&w);
	tap_ok(strcmp(out, "[\"g\",\"t\",0,10,0,\"m\",[[\"b\",11]]]") == 0,
	    "a record's runs: only those beyond it written");
	free(out);
	w.runs[1].processed = 9;
	out = written(&w);
	tap_ok(strcmp(out, "[\"g\",\"t\",0,10,0,\"m\"]") == 0,
	    "none beyond it: no seventh element");
	free(out);
	/* A window entry holds this run's, even at resume. */
	w.form = KPSRC_WINDOW;
	w.processed = 10;
	w.nruns = 1;
	out = written(&w);
	tap_ok(strcmp(out, "[\"g\",\"t\",0,10,0,\"m\",10,[[\"a\",10]]]") == 0,
	    "a window entry: written with every run it holds");
	free(out);

	/* Values: wrapped by kin, unwrapped by kout, byte for byte. */
	tap_ok(wrapped("{\"a\":1}",
	    "{\"a\":1,\"_kp_src\":[\"g\",\"t\",0,7,3,\"m\"]}\n",
	    "{\"a\":1}"), "an object: the member added");
	tap_ok(wrapped("{}", "{\"_kp_src\":[\"g\",\"t\",0,7,3,\"m\"]}\n",
	    "{}"), "an empty object");
	tap_ok(wrapped(" {\"a\":\n1 } \n",
	    " {\"a\": 1 ,\"_kp_src\":[\"g\",\"t\",0,7,3,\"m\"]}\n",
	    " {\"a\": 1 }"), "an object over lines: line breaks as spaces");
	tap_ok(wrapped("{\"a\":\r\n1,\r\"b\":\n\n[2,\r3]}",
	    "{\"a\":  1, \"b\":  [2, 3],\"_kp_src\":[\"g\",\"t\",0,7,3,\"m\"]}\n",
	    "{\"a\":  1, \"b\":  [2, 3]}"),
	    "an object over CR, LF and CRLF lines: each break a space");
	tap_ok(wrapped("[1,\n2]",
	    "{\"_kp_value\":[1, 2],\"_kp_src\":[\"g\",\"t\",0,7,3,\"m\"]}\n",
	    "[1, 2]"), "other JSON: _kp_value");
	tap_ok(wrapped("42",
	    "{\"_kp_value\":42,\"_kp_src\":[\"g\",\"t\",0,7,3,\"m\"]}\n",
	    "42"), "a number: _kp_value");
	tap_ok(wrapped("plain\ntext \"q\"",
	    "{\"_kp_text\":\"plain\\ntext \\\"q\\\"\",\"_kp_src\":[\"g\",\"t\","
	    "0,7,3,\"m\"]}\n", "plain\ntext \"q\""),
	    "text: _kp_text, decoded back");
	tap_ok(wrapped("",
	    "{\"_kp_text\":\"\",\"_kp_src\":[\"g\",\"t\",0,7,3,\"m\"]}\n",
	    ""), "an empty value: text");
	tap_ok(wrapped(NULL,
	    "{\"_kp_tombstone\":true,\"_kp_src\":[\"g\",\"t\",0,7,3,\"m\"]}\n",
	    NULL), "no value: _kp_tombstone");

	tap_ok(kpsrc_carried("{\"a\":1,\"_kp_src\":[\"g\",\"t\",0,1]}", 31) &&
	    !kpsrc_carried("{\"a\":\"_kp_src\"}", 15) &&
	    !kpsrc_carried("[\"_kp_src\"]", 11) &&
	    !kpsrc_carried("{\"_kp_src\":", 11),
	    "carried: a member of a JSON object only");
	tap_ok(kpsrc_mentioned("{\"_kp_src\":[\"g\"", 15) &&
	    !kpsrc_mentioned("{\"_kp_srx\":1}", 13),
	    "mentioned: the member's name anywhere");
	return tap_done();
}
