#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "jvint.h"
#include "kpsrc.h"
#include "xalloc.h"

#define WHY_RECORD	"_kp_src is not [group, topic, partition, offset, " \
			"generation, member]"
#define WHY_RUNS	"_kp_src's seventh element is not the runs that " \
			"joined the record, [[run, processed], ...], each " \
			"beyond its offset"
#define WHY_WINDOW	"a window filter's _kp_src is not a list of [group, " \
			"topic, partition, offset, generation, member, processed]"

enum kpsrc_kind
kpsrc_kind(jv v)
{
	jv first;
	jv_kind kind;

	if (jv_get_kind(v) == JV_KIND_STRING)
		return strcmp(jv_string_value(v), KPSRC_PENDING) == 0 ?
		    KPSRC_KIND_PENDING : KPSRC_KIND_RECORD;
	if (jv_get_kind(v) != JV_KIND_ARRAY ||
	    jv_array_length(jv_copy(v)) == 0)
		return KPSRC_KIND_RECORD;
	first = jv_array_get(jv_copy(v), 0);
	kind = jv_get_kind(first);
	jv_free(first);
	return kind == JV_KIND_ARRAY ? KPSRC_KIND_LIST : KPSRC_KIND_RECORD;
}

/* One run, ["id", processed] (x consumed), into *r. Returns 0 or -1. */
static int
run_parse(jv x, struct eos_run *r)
{
	jv id, done;
	int ok;

	if (jv_get_kind(x) != JV_KIND_ARRAY ||
	    jv_array_length(jv_copy(x)) != 2) {
		jv_free(x);
		return -1;
	}
	id = jv_array_get(jv_copy(x), 0);
	done = jv_array_get(x, 1);
	ok = jv_get_kind(id) == JV_KIND_STRING &&
	    eos_run_id_ok(jv_string_value(id),
	    (size_t)jv_string_length_bytes(jv_copy(id))) &&
	    jv_whole(done, 0, JVINT_EXACT_MAX, &r->processed) == 0;
	if (ok)
		strcpy(r->id, jv_string_value(id));
	jv_free(id);
	jv_free(done);
	return ok ? 0 : -1;
}

/*
 * A run list (consumed) into s->runs: every element a run, the first
 * EOS_RUNS_MAX of those beyond s->offset kept. A record's (strict) must
 * all reach beyond it, and may be an older kin's one number. Returns 0 or -1.
 */
static int
runs_parse(jv list, int strict, struct kpsrc *s)
{
	struct eos_run r;
	int i, n, rc = 0;

	s->nruns = 0;
	if (strict && jv_get_kind(list) == JV_KIND_NUMBER) {
		strcpy(r.id, "p");
		rc = jv_whole(list, 0, JVINT_EXACT_MAX, &r.processed);
		if (rc == 0 && r.processed > s->offset)
			s->runs[s->nruns++] = r;
		else
			rc = -1;
		jv_free(list);
		return rc;
	}
	if (jv_get_kind(list) != JV_KIND_ARRAY) {
		jv_free(list);
		return -1;
	}
	n = jv_array_length(jv_copy(list));
	for (i = 0; i < n && rc == 0; i++) {
		rc = run_parse(jv_array_get(jv_copy(list), i), &r);
		if (rc != 0)
			break;
		if (r.processed <= s->offset)
			rc = strict ? -1 : 0;
		else if (s->nruns < EOS_RUNS_MAX)
			s->runs[s->nruns++] = r;
	}
	jv_free(list);
	return rc;
}

/*
 * The elements of a position before its runs, as either reader found
 * them, for slots_take to judge: one rule whoever read the text.
 */
#define SLOTS	7
enum slot_kind { SLOT_OTHER, SLOT_STRING, SLOT_WHOLE };
struct slots {
	enum slot_kind	 kind[SLOTS];
	const char	*str[SLOTS];
	int64_t		 whole[SLOTS];	/* within +-JVINT_EXACT_MAX */
};

/* What each slot holds: a string, or a whole number from min to max. */
static const struct {
	int	 string;
	int64_t	 min, max;
} slot_rule[SLOTS] = {
	{ 1, 0, 0 },			/* group */
	{ 1, 0, 0 },			/* topic */
	{ 0, 0, INT32_MAX },		/* partition */
	{ 0, 0, JVINT_EXACT_MAX },	/* offset: a record's, or resume */
	{ 0, -1, INT32_MAX },		/* generation */
	{ 1, 0, 0 },			/* member */
	{ 0, 0, JVINT_EXACT_MAX }	/* processed: a window entry's */
};

/* The arity rule: whether a position of form may have len elements. */
static int
arity_ok(enum kpsrc_form form, int len)
{
	return form == KPSRC_RECORD ? len == 4 || len == 6 || len == 7 :
	    len == 7 || len == 8;
}

/* How many of a position's len elements are slots; the rest are runs. */
static int
slots_used(enum kpsrc_form form, int len)
{
	return form == KPSRC_WINDOW ? 7 : len >= 6 ? 6 : 4;
}

/* An empty position of form: what s holds before parsing. */
static void
kpsrc_clear(struct kpsrc *s, enum kpsrc_form form)
{
	s->form = form;
	s->group = s->topic = NULL;
	s->member = "";
	s->generation = -1;
	s->processed = -1;
	s->nruns = 0;
	s->holding = 0;
}

/*
 * Judges the slots of a position of len elements (arity_ok) and sets s's
 * fields but its runs from them. Returns 0 or KPSRC_BAD.
 */
static int
slots_take(const struct slots *sl, enum kpsrc_form form, int len,
    struct kpsrc *s)
{
	int i, n = slots_used(form, len);

	for (i = 0; i < n; i++)
		if (slot_rule[i].string ? sl->kind[i] != SLOT_STRING :
		    sl->kind[i] != SLOT_WHOLE ||
		    sl->whole[i] < slot_rule[i].min ||
		    sl->whole[i] > slot_rule[i].max)
			return KPSRC_BAD;
	if (form == KPSRC_WINDOW && sl->whole[6] < sl->whole[3])
		return KPSRC_BAD;
	s->group = sl->str[0];
	s->topic = sl->str[1];
	s->partition = (int32_t)sl->whole[2];
	s->offset = sl->whole[3];
	if (n >= 6) {
		s->generation = (int32_t)sl->whole[4];
		s->member = sl->str[5];
	}
	if (form == KPSRC_WINDOW)
		s->processed = sl->whole[6];
	return 0;
}

/* Element i (consumed) of a position into slot i, its string held in s. */
static void
slot_of_jv(jv x, int i, struct slots *sl, struct kpsrc *s)
{
	jv *held;

	sl->kind[i] = SLOT_OTHER;
	if (jv_get_kind(x) == JV_KIND_STRING && slot_rule[i].string) {
		held = &s->held[i < 2 ? i : 2];
		*held = x;
		sl->kind[i] = SLOT_STRING;
		sl->str[i] = jv_string_value(*held);
		return;
	}
	/* Whole numbers in range only: no cast of 1e20 or 9.5. */
	if (jv_whole(x, -JVINT_EXACT_MAX, JVINT_EXACT_MAX, &sl->whole[i]) == 0)
		sl->kind[i] = SLOT_WHOLE;
	jv_free(x);
}

int
kpsrc_parse(jv v, enum kpsrc_form form, struct kpsrc *s)
{
	struct slots sl;
	int i, len, rc = KPSRC_BAD;

	kpsrc_clear(s, form);
	s->held[0] = s->held[1] = s->held[2] = jv_null();
	s->holding = 1;
	if (jv_get_kind(v) != JV_KIND_ARRAY)
		goto out;
	len = jv_array_length(jv_copy(v));
	if (!arity_ok(form, len))
		goto out;
	for (i = 0; i < slots_used(form, len); i++)
		slot_of_jv(jv_array_get(jv_copy(v), i), i, &sl, s);
	if (slots_take(&sl, form, len, s) != 0)
		goto out;
	if (form == KPSRC_WINDOW && len == 8 &&
	    runs_parse(jv_array_get(jv_copy(v), 7), 0, s) != 0)
		goto out;
	if (form == KPSRC_RECORD && len == 7 &&
	    runs_parse(jv_array_get(jv_copy(v), 6), 1, s) != 0) {
		rc = KPSRC_BAD_RUNS;
		goto out;
	}
	rc = 0;
out:
	jv_free(v);
	if (rc != 0)
		kpsrc_release(s);
	return rc;
}

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ' && (*p == ' ' ||
	    *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * A string of ASCII without escapes or control characters at *p, copied
 * NUL-terminated to *to if it fits before tend. Returns -1 for any other:
 * libjq decodes escapes, and puts U+FFFD for bad UTF-8.
 */
static int
fast_string(const char **p, const char *end, char **to, const char *tend,
    const char **out)
{
	const char *from = *p + 1;
	size_t n = json_plain_span(from, (size_t)(end - from));

	if (from + n >= end || from[n] != '"' || n + 1 > (size_t)(tend - *to))
		return -1;
	memcpy(*to, from, n);
	(*to)[n] = '\0';
	*out = *to;
	*to += n + 1;
	*p = from + n + 1;
	return 0;
}

/*
 * A whole number written as an integer at *p (no fraction, exponent or
 * minus zero) within +-JVINT_EXACT_MAX, which a double holds exactly, so
 * libjq reads the same. Returns -1 for any other number.
 */
static int
fast_whole(const char **p, const char *end, int64_t *out)
{
	const char *q = *p;
	int64_t v = 0;
	int neg = 0, digits = 0;

	if (q < end && *q == '-') {
		neg = 1;
		q++;
	}
	if (q < end && *q == '0' && (neg || (q + 1 < end && q[1] >= '0' &&
	    q[1] <= '9')))
		return -1;
	for (; q < end && *q >= '0' && *q <= '9'; q++, digits++)
		if ((v = v * 10 + (*q - '0')) > JVINT_EXACT_MAX)
			return -1;
	if (digits == 0 || (q < end && (*q == '.' || *q == 'e' || *q == 'E')))
		return -1;
	*out = neg ? -v : v;
	*p = q;
	return 0;
}

/*
 * kpsrc_parse_fast of the array that opens at t, up to its closing
 * bracket. Returns the length read; 0 if it is not such, s then holding
 * nothing.
 */
static size_t
fast_array(const char *t, const char *end, enum kpsrc_form form,
    struct kpsrc *s)
{
	struct slots sl;
	const char *p = t;
	char *to = s->text;
	int len;

	kpsrc_clear(s, form);
	if (p >= end || *p++ != '[')
		return 0;
	for (len = 0;;) {
		p = skip_ws(p, end);
		/* Past the slots: runs, or too many. */
		if (len == SLOTS || p >= end)
			return 0;
		if (*p == '"') {
			if (fast_string(&p, end, &to, s->text + sizeof(s->text),
			    &sl.str[len]) != 0)
				return 0;
			sl.kind[len++] = SLOT_STRING;
		} else {
			if (fast_whole(&p, end, &sl.whole[len]) != 0)
				return 0;
			sl.kind[len++] = SLOT_WHOLE;
		}
		p = skip_ws(p, end);
		if (p < end && *p == ',')
			p++;
		else if (p < end && *p == ']')
			break;
		else
			return 0;
	}
	if (!arity_ok(form, len) || slots_used(form, len) != len ||
	    slots_take(&sl, form, len, s) != 0) {
		kpsrc_clear(s, form);
		return 0;
	}
	return (size_t)(p + 1 - t);
}

int
kpsrc_parse_fast(const char *t, size_t n, enum kpsrc_form form,
    struct kpsrc *s)
{
	const char *p = skip_ws(t, t + n);
	size_t k = fast_array(p, t + n, form, s);

	if (k == 0 || skip_ws(p + k, t + n) != t + n) {
		kpsrc_clear(s, form);
		return KPSRC_NOT_FAST;
	}
	return 0;
}

int
kpsrc_parse_text(const char *t, size_t n, enum kpsrc_form form,
    struct kpsrc *s)
{
	if (kpsrc_parse_fast(t, n, form, s) == 0)
		return 0;
	return kpsrc_parse(jv_parse_sized(t, (int)n), form, s);
}

enum kpsrc_kind
kpsrc_kind_text(const char *t, size_t n)
{
	const char *p = skip_ws(t, t + n), *end = t + n;
	enum kpsrc_kind kind;
	jv v;

	if (p < end && *p == '[') {
		p = skip_ws(p + 1, end);
		return p < end && *p == '[' ? KPSRC_KIND_LIST :
		    KPSRC_KIND_RECORD;
	}
	if (p >= end || *p != '"')
		return KPSRC_KIND_RECORD;
	/* A string: only an escape needs libjq to say what it is. */
	if (memchr(p, '\\', (size_t)(end - p)) == NULL)
		return end - p >= 3 && p[1] == KPSRC_PENDING[0] && p[2] == '"' ?
		    KPSRC_KIND_PENDING : KPSRC_KIND_RECORD;
	v = jv_parse_sized(t, (int)n);
	kind = kpsrc_kind(v);
	jv_free(v);
	return kind;
}

void
kpsrc_release(struct kpsrc *s)
{
	int i;

	for (i = 0; i < 3 && s->holding; i++)
		jv_free(s->held[i]);
	s->holding = 0;
	s->group = s->topic = NULL;
	s->member = "";
}

const char *
kpsrc_why(enum kpsrc_form form, int rc)
{
	if (form == KPSRC_WINDOW)
		return WHY_WINDOW;
	return rc == KPSRC_BAD_RUNS ? WHY_RUNS : WHY_RECORD;
}

/* s as a JSON string, as libjq writes it. */
static void
put_string(FILE *fp, const char *s)
{
	const unsigned char *p;
	jv text;

	/* Names are mostly printable ASCII: written as they are. */
	for (p = (const unsigned char *)s; *p >= 0x20 && *p < 0x7f &&
	    *p != '"' && *p != '\\'; p++)
		;
	if (*p == '\0') {
		putc_unlocked('"', fp);
		fwrite_unlocked(s, 1, (size_t)(p - (const unsigned char *)s), fp);
		putc_unlocked('"', fp);
		return;
	}
	text = jv_dump_string(jv_string(s), 0);
	fputs(jv_string_value(text), fp);
	jv_free(text);
}

/* A comma, then n in decimal: printf's "%" PRId64 costs kin more. */
static void
put_int(FILE *fp, int64_t n)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = n < 0 ? -(uint64_t)n : (uint64_t)n;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (n < 0)
		*--p = '-';
	*--p = ',';
	fwrite_unlocked(p, 1, (size_t)(buf + sizeof(buf) - p), fp);
}

static void
put_run(FILE *fp, const struct eos_run *r)
{
	putc_unlocked('[', fp);
	put_string(fp, r->id);
	put_int(fp, r->processed);
	putc_unlocked(']', fp);
}

void
kpsrc_write(FILE *fp, const struct kpsrc *s)
{
	int i, first = 1, beyond = 0;

	for (i = 0; i < s->nruns; i++)
		beyond += s->runs[i].processed > s->offset;
	putc_unlocked('[', fp);
	put_string(fp, s->group);
	putc_unlocked(',', fp);
	put_string(fp, s->topic);
	put_int(fp, s->partition);
	put_int(fp, s->offset);
	/* Four elements only when nothing comes after them. */
	if (s->form == KPSRC_WINDOW || s->generation >= 0 ||
	    *s->member != '\0' || beyond > 0) {
		put_int(fp, s->generation);
		putc_unlocked(',', fp);
		put_string(fp, s->member);
	}
	if (s->form == KPSRC_WINDOW) {
		put_int(fp, s->processed);
		fputs(",[", fp);
		for (i = 0; i < s->nruns; i++) {
			if (i > 0)
				putc_unlocked(',', fp);
			put_run(fp, &s->runs[i]);
		}
		putc_unlocked(']', fp);
	} else {
		for (i = 0; i < s->nruns; i++) {
			if (s->runs[i].processed <= s->offset)
				continue;
			fputs(first ? ",[" : ",", fp);
			put_run(fp, &s->runs[i]);
			first = 0;
		}
		if (!first)
			putc_unlocked(']', fp);
	}
	putc_unlocked(']', fp);
}

/* JSON text with its line breaks (only white space in JSON) as spaces. */
static void
put_raw(FILE *fp, const char *s, size_t n)
{
	const char *end = s + n, *nl, *cr, *brk;

	nl = memchr(s, '\n', n);
	cr = memchr(s, '\r', n);
	while ((brk = nl != NULL && (cr == NULL || nl < cr) ? nl : cr) !=
	    NULL) {
		fwrite_unlocked(s, 1, (size_t)(brk - s), fp);
		putc_unlocked(' ', fp);
		s = brk + 1;
		if (brk == nl)
			nl = memchr(s, '\n', (size_t)(end - s));
		else
			cr = memchr(s, '\r', (size_t)(end - s));
	}
	fwrite_unlocked(s, 1, (size_t)(end - s), fp);
}

int
kpsrc_write_line(FILE *fp, const char *v, size_t len, const struct kpsrc *s)
{
	const char *close, *p;
	int is_object = 0;
	jv text;

	if (v != NULL && json_validate(v, len, NULL) == 0) {
		for (p = v; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
		    p++)
			;
		is_object = *p == '{';
	}
	if (is_object) {
		/* Everything up to the closing brace, then our member. */
		for (close = v + len - 1; *close != '}'; close--)
			;
		put_raw(fp, v, (size_t)(close - v));
		for (close--; close > v && strchr(" \t\r\n", *close); close--)
			;
		if (*close != '{')
			putc_unlocked(',', fp);
	} else {
		putc_unlocked('{', fp);
		if (v == NULL) {
			fputs("\"_kp_tombstone\":true,", fp);
		} else if (json_validate_member(v, len, NULL) == 0) {
			fputs("\"_kp_value\":", fp);
			put_raw(fp, v, len);
			putc_unlocked(',', fp);
		} else {
			text = jv_dump_string(jv_string_sized(v, (int)len), 0);
			fprintf(fp, "\"_kp_text\":%s,", jv_string_value(text));
			jv_free(text);
		}
	}
	fputs("\"" KPSRC_MEMBER "\":", fp);
	kpsrc_write(fp, s);
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}

/* Whether rec[0..n) begins with the n bytes of prefix. */
static int
begins(const char *rec, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(rec, prefix, k) == 0;
}

void
kpsrc_unwrap(const char *rec, size_t n, const char **value, size_t *len,
    char **owned)
{
	const char *inner;
	size_t innerlen;
	jv text;

	*value = rec;
	*len = n;
	*owned = NULL;
	/* Values kin had to wrap, being no JSON object: nothing else is left. */
	if (begins(rec, n, "{\"_kp_value\":") &&
	    json_member_span(rec, n, "_kp_value", &inner, &innerlen) == 0) {
		*value = inner;
		*len = innerlen;
	} else if (begins(rec, n, "{\"_kp_text\":") &&
	    json_member_span(rec, n, "_kp_text", &inner, &innerlen) == 0) {
		text = jv_parse_sized(inner, (int)innerlen);
		if (jv_get_kind(text) == JV_KIND_STRING) {
			*len = (size_t)jv_string_length_bytes(jv_copy(text));
			*owned = xmalloc(*len + 1);
			memcpy(*owned, jv_string_value(text), *len + 1);
			*value = *owned;
		}
		jv_free(text);
	} else if (begins(rec, n, "{\"_kp_tombstone\":true}")) {
		*value = NULL;
		*len = 0;
	}
}

/* Members of a line kpsrc_take looks through in its pass; kin's have 5. */
#define TAKE_MEMBERS	32

/* kpsrc_take's reader of _kp_src, in the scan: a record's, without libjq. */
static size_t
take_record(const char *v, size_t n, void *arg)
{
	struct kpsrc_taken *t = arg;
	size_t k = fast_array(v, v + n, KPSRC_RECORD, &t->src);

	t->rc = k > 0 ? 0 : KPSRC_NOT_FAST;
	return k;
}

ssize_t
kpsrc_take(const char *line, size_t len, char *out, struct kpsrc_taken *t,
    const char **why)
{
	struct json_reader reader = { KPSRC_MEMBER, take_record, t };
	struct json_member mem[TAKE_MEMBERS];
	const char *close;
	ssize_t n = KPSRC_NONE;
	int count, i;

	t->rc = KPSRC_NOT_FAST;
	kpsrc_clear(&t->src, KPSRC_RECORD);
	if (json_validate_object_with(line, len, why, mem, TAKE_MEMBERS,
	    &count, &close, &reader) != 0) {
		kpsrc_release(&t->src);
		return -1;
	}
	for (i = 0; i < count && i < TAKE_MEMBERS && n < 0; i++)
		if (mem[i].keylen == strlen(KPSRC_MEMBER) &&
		    memcmp(mem[i].key, KPSRC_MEMBER, mem[i].keylen) == 0) {
			t->text = mem[i].value;
			t->len = mem[i].valuelen;
			n = json_member_cut(line, len, &mem[i], out);
		}
	/* More members than were kept: the rest are looked through again. */
	if (n < 0 && count > TAKE_MEMBERS && (n = json_member_remove(line, len,
	    KPSRC_MEMBER, out, &t->text, &t->len)) < 0)
		n = KPSRC_NONE;
	if (n < 0) {
		kpsrc_release(&t->src);
		return n;
	}
	if (t->rc == 0) {
		t->kind = KPSRC_KIND_RECORD;
		return n;
	}
	t->kind = kpsrc_kind_text(t->text, t->len);
	if (t->kind == KPSRC_KIND_RECORD)
		t->rc = kpsrc_parse(jv_parse_sized(t->text, (int)t->len),
		    KPSRC_RECORD, &t->src);
	return n;
}

int
kpsrc_mentioned(const char *line, size_t len)
{
	return memmem(line, len, "\"" KPSRC_MEMBER "\"",
	    strlen(KPSRC_MEMBER) + 2) != NULL;
}

int
kpsrc_carried(const char *line, size_t len)
{
	const char *v;
	size_t vlen;

	return kpsrc_mentioned(line, len) && json_validate(line, len,
	    NULL) == 0 && json_member_span(line, len, KPSRC_MEMBER, &v,
	    &vlen) == 0;
}
