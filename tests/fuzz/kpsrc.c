/*
 * The exactly-once wire format (kpsrc.h) on any input. The first byte
 * picks the check; the rest is the input.
 *
 * As a _kp_src value, a record's or a window entry's: what kpsrc_parse
 * takes is within its types and the arity rule (runs valid, beyond the
 * record's offset or the entry's resume), and what kpsrc_write writes for
 * it is read back the same. Read from text without libjq
 * (kpsrc_parse_fast), it is taken only where kpsrc_parse takes it, and is
 * the same; kpsrc_parse_text's result is always kpsrc_parse's, and
 * kpsrc_kind_text's of valid JSON kpsrc_kind's.
 *
 * As a line kout --eos reads: kpsrc_take judges it as json_validate does
 * (with the same reason), takes out what json_member_remove takes out,
 * and reads it as kpsrc_kind and kpsrc_parse do.
 *
 * As a Kafka value: kpsrc_write_line writes one JSON object (libjq reads
 * it) whose _kp_src is the position given, and what kout takes out of it
 * (kpsrc_unwrap) is the value again: equal JSON for a JSON value, the
 * same bytes for UTF-8 text.
 */
#include <jv.h>

#include "fuzz.h"
#include "jsonscan.h"
#include "kpsrc.h"

static void
check_runs(const struct kpsrc *s)
{
	int i;

	if (s->nruns < 0 || s->nruns > EOS_RUNS_MAX)
		fuzz_fail("%d runs", s->nruns);
	for (i = 0; i < s->nruns; i++) {
		if (!eos_run_id_ok(s->runs[i].id, strlen(s->runs[i].id)))
			fuzz_fail("a run id that is not one: %s", s->runs[i].id);
		if (s->runs[i].processed <= s->offset)
			fuzz_fail("run %s at %lld, not beyond %lld",
			    s->runs[i].id, (long long)s->runs[i].processed,
			    (long long)s->offset);
	}
}

/* Whether a and b, parsed, hold different positions. */
static int
differ(const struct kpsrc *a, const struct kpsrc *b)
{
	int i;

	if (a->form != b->form || strcmp(a->group, b->group) != 0 ||
	    strcmp(a->topic, b->topic) != 0 ||
	    strcmp(a->member, b->member) != 0 ||
	    a->partition != b->partition || a->offset != b->offset ||
	    a->generation != b->generation || a->processed != b->processed ||
	    a->nruns != b->nruns)
		return 1;
	for (i = 0; i < a->nruns; i++)
		if (strcmp(a->runs[i].id, b->runs[i].id) != 0 ||
		    a->runs[i].processed != b->runs[i].processed)
			return 1;
	return 0;
}

/* The text read without libjq, against kpsrc_parse's s (rc). */
static void
check_text(const char *text, size_t n, enum kpsrc_form form, int rc,
    const struct kpsrc *s)
{
	struct kpsrc f;
	jv v;
	int got;

	got = kpsrc_parse_fast(text, n, form, &f);
	if (got != 0 && got != KPSRC_NOT_FAST)
		fuzz_fail("kpsrc_parse_fast gave %d", got);
	if (got == 0 && rc != 0)
		fuzz_fail("read without libjq, refused by kpsrc_parse (%d)", rc);
	if (got == 0 && differ(s, &f))
		fuzz_fail("read without libjq differently");
	if (got != 0 && (f.group != NULL || f.topic != NULL))
		fuzz_fail("not read without libjq, yet holding strings");
	kpsrc_release(&f);
	if ((got = kpsrc_parse_text(text, n, form, &f)) != rc)
		fuzz_fail("kpsrc_parse_text gave %d, kpsrc_parse %d", got, rc);
	if (got == 0 && differ(s, &f))
		fuzz_fail("kpsrc_parse_text read it differently");
	kpsrc_release(&f);
	if (json_validate(text, n, NULL) == 0) {
		v = jv_parse_sized(text, (int)n);
		if (kpsrc_kind_text(text, n) != kpsrc_kind(v))
			fuzz_fail("kpsrc_kind_text: %d, kpsrc_kind: %d",
			    kpsrc_kind_text(text, n), kpsrc_kind(v));
		jv_free(v);
	}
}

static void
check_position(const char *text, size_t n, enum kpsrc_form form)
{
	struct kpsrc s, again;
	char *buf = NULL;
	size_t size = 0;
	FILE *fp;
	int rc;

	rc = kpsrc_parse(jv_parse_sized(text, (int)n), form, &s);
	check_text(text, n, form, rc, &s);
	if (rc != 0) {
		kpsrc_release(&s);
		return;
	}
	if (s.partition < 0 || s.offset < 0 ||
	    s.offset > INT64_C(9007199254740992) || s.generation < -1)
		fuzz_fail("partition %d, offset %lld, generation %d taken",
		    (int)s.partition, (long long)s.offset, (int)s.generation);
	if (form == KPSRC_WINDOW ? s.processed < s.offset : s.processed != -1)
		fuzz_fail("processed %lld at %lld", (long long)s.processed,
		    (long long)s.offset);
	check_runs(&s);
	if ((fp = open_memstream(&buf, &size)) == NULL)
		abort();
	kpsrc_write(fp, &s);
	fclose(fp);
	if (kpsrc_parse(jv_parse(buf), form, &again) != 0)
		fuzz_fail("%s: written, not read back", buf);
	if (differ(&s, &again))
		fuzz_fail("%s: read back differently", buf);
	kpsrc_release(&again);
	/* What tools write is read without libjq where it is kin's form. */
	check_text(buf, size, form, 0, &s);
	kpsrc_release(&s);
	free(buf);
}

static void
check_take(const char *line, size_t n)
{
	struct kpsrc_taken t;
	struct kpsrc s;
	const char *why, *why2, *text;
	char *out, *rest;
	size_t len;
	ssize_t got, want;
	jv v;
	int rc;

	if ((out = malloc(n + 1)) == NULL || (rest = malloc(n + 1)) == NULL)
		abort();
	got = kpsrc_take(line, n, out, &t, &why);
	if (json_validate(line, n, &why2) != 0) {
		if (got != -1 || strcmp(why, why2) != 0)
			fuzz_fail("not JSON (%s), taken: %zd", why2, got);
		goto done;
	}
	want = json_member_remove(line, n, KPSRC_MEMBER, rest, &text, &len);
	if (want < 0) {
		if (got != KPSRC_NONE)
			fuzz_fail("no _kp_src, taken: %zd", got);
		goto done;
	}
	if (got != want || memcmp(out, rest, (size_t)got) != 0 ||
	    t.text != text || t.len != len)
		fuzz_fail("_kp_src taken out otherwise than json_member_remove");
	v = jv_parse_sized(text, (int)len);
	if (t.kind != kpsrc_kind(v))
		fuzz_fail("kind %d, kpsrc_kind %d", t.kind, kpsrc_kind(v));
	if (t.kind == KPSRC_KIND_RECORD) {
		rc = kpsrc_parse(v, KPSRC_RECORD, &s);
		if (rc != t.rc || (rc == 0 && differ(&s, &t.src)))
			fuzz_fail("read %d, kpsrc_parse %d, or otherwise", t.rc,
			    rc);
		kpsrc_release(&s);
	} else
		jv_free(v);
	kpsrc_release(&t.src);
done:
	free(out);
	free(rest);
}

static void
check_value(const char *value, size_t n, int tombstone)
{
	struct kpsrc s;
	const char *srcjs, *back;
	char *line = NULL, *rec, *owned;
	size_t size = 0, srclen, backlen;
	ssize_t m;
	FILE *fp;
	jv a, b;

	memset(&s, 0, sizeof(s));
	s.form = KPSRC_RECORD;
	s.group = "g";
	s.topic = "t";
	s.member = "";
	s.generation = -1;
	s.offset = 7;
	if ((fp = open_memstream(&line, &size)) == NULL)
		abort();
	if (kpsrc_write_line(fp, tombstone ? NULL : value, n, &s) != 0)
		fuzz_fail("write error");
	fclose(fp);
	if (size == 0 || line[size - 1] != '\n' ||
	    memchr(line, '\n', size - 1) != NULL)
		fuzz_fail("not one line: %s", line);
	if (json_validate(line, size - 1, NULL) != 0)
		fuzz_fail("not JSON: %s", line);
	a = jv_parse_sized(line, (int)size - 1);
	if (jv_get_kind(a) != JV_KIND_OBJECT)
		fuzz_fail("libjq does not read an object: %s", line);
	jv_free(a);
	/* A value of our own members is not told apart from a wrapper. */
	if (memmem(value, n, "_kp_", 4) != NULL) {
		free(line);
		return;
	}
	if ((rec = malloc(size)) == NULL)
		abort();
	m = json_member_remove(line, size - 1, KPSRC_MEMBER, rec, &srcjs,
	    &srclen);
	if (m < 0 || srclen != strlen("[\"g\",\"t\",0,7]") ||
	    memcmp(srcjs, "[\"g\",\"t\",0,7]", srclen) != 0)
		fuzz_fail("no _kp_src of ours: %s", line);
	kpsrc_unwrap(rec, (size_t)m, &back, &backlen, &owned);
	if (tombstone) {
		if (back != NULL)
			fuzz_fail("a tombstone unwrapped as a value: %s", line);
	} else if (back == NULL) {
		fuzz_fail("a value unwrapped as a tombstone: %s", line);
	} else if (json_validate(value, n, NULL) == 0) {
		a = jv_parse_sized(value, (int)n);
		b = jv_parse_sized(back, (int)backlen);
		if (!jv_equal(a, b))
			fuzz_fail("JSON unwrapped differently: %s", line);
	} else if (utf8_valid(value, n) &&
	    (backlen != n || memcmp(back, value, n) != 0)) {
		fuzz_fail("text unwrapped differently: %s", line);
	}
	free(owned);
	free(rec);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *s;

	if (n < 1)
		return 0;
	s = fuzz_strndup(data + 1, n - 1);
	switch (data[0] % 5) {
	case 0:
		check_position(s, n - 1, KPSRC_RECORD);
		break;
	case 1:
		check_position(s, n - 1, KPSRC_WINDOW);
		break;
	case 2:
		check_value(s, n - 1, 0);
		break;
	case 3:
		check_value(s, n - 1, 1);
		break;
	case 4:
		check_take(s, n - 1);
		break;
	}
	free(s);
	return 0;
}
