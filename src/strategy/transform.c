#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "jsonscan.h"
#include "jsonwalk.h"
#include "numfmt.h"
#include "transform.h"
#include "xalloc.h"

int
strategy_init(struct strategy *st, const char *path, const char *name)
{
	jv dumped;

	memset(st, 0, sizeof(*st));
	if (json_path_parse(&st->field, path) != 0)
		return -1;

	dumped = jv_dump_string(jv_string(name), 0);
	st->out_key = xstrdup(jv_string_value(dumped) + 1);
	jv_free(dumped);
	st->out_keylen = strlen(st->out_key) - 1;	/* the closing quote */
	st->out_key[st->out_keylen] = '\0';
	return 0;
}

void
strategy_free(struct strategy *st)
{
	json_path_free(&st->field);
	free(st->out_key);
	free(st->line);
	st->out_key = st->line = NULL;
}

double
strategy_result(double value)
{
	if (value < 30)
		return value * 2;
	if (value <= 60)
		return value * 1.5 + 10;
	return value * value / 100;
}

static void
append(struct strategy *st, const char *s, size_t n)
{
	if (st->len + n + 1 > st->cap) {
		size_t cap = st->cap ? st->cap : 256;

		while (st->len + n + 1 > cap)
			cap *= 2;
		st->line = xreallocarray(st->line, cap, 1);
		st->cap = cap;
	}
	memcpy(st->line + st->len, s, n);
	st->len += n;
}

static int
key_is(const struct json_member *m, const char *key, size_t keylen)
{
	return m->keylen == keylen && memcmp(m->key, key, keylen) == 0;
}

/* Sets *val to the last member named key of the valid object s, or NULL. */
static void
find_last(const char *s, size_t n, const char *key, size_t keylen,
    const char **val, size_t *vallen)
{
	struct json_walk w;
	struct json_member m;

	*val = NULL;
	if (json_walk_begin(&w, s, n) != 0)
		return;
	while (json_walk_next(&w, &m))
		if (key_is(&m, key, keylen)) {
			*val = m.value;
			*vallen = m.valuelen;
		}
}

/* Rewrites the line when the result member is there more than once. */
static void
replace_all(struct strategy *st, const char *line, size_t len,
    const char *num, size_t numlen)
{
	struct json_walk w;
	struct json_member m;
	const char *copied = line, *prev_end = line;
	int seen = 0;

	json_walk_begin(&w, line, len);
	while (json_walk_next(&w, &m)) {
		if (key_is(&m, st->out_key, st->out_keylen)) {
			if (!seen++) {
				append(st, copied, (size_t)(m.value - copied));
				append(st, num, numlen);
			} else
				append(st, copied, (size_t)(prev_end - copied));
			copied = m.value + m.valuelen;
		}
		prev_end = m.value + m.valuelen;
	}
	append(st, copied, (size_t)(line + len - copied));
}

/* Members of a record remembered as validation finds them (more: walked). */
#define MEMBERS_MAX	32

/* Keeps the last member named as the field and the first named as the result. */
static void
look(const struct strategy *st, const struct json_member *m, const char **val,
    size_t *vallen, const char **outval, size_t *outvallen, int *nout)
{
	if (key_is(m, st->field.key[0], st->field.keylen[0])) {
		*val = m->value;
		*vallen = m->valuelen;
	}
	if (key_is(m, st->out_key, st->out_keylen) && (*nout)++ == 0) {
		*outval = m->value;
		*outvallen = m->valuelen;
	}
}

int
strategy_apply(struct strategy *st, const char *line, size_t len,
    char why[STRATEGY_WHY_MAX])
{
	struct json_walk w;
	struct json_member m, mem[MEMBERS_MAX];
	const char *reason, *val = NULL, *outval = NULL, *close;
	size_t vallen = 0, outvallen = 0, numlen;
	char num[NUMFMT_MAX];
	int i, nmembers = 0, nout = 0;

	st->len = 0;
	if (json_validate_object(line, len, &reason, mem, MEMBERS_MAX,
	    &nmembers, &close) != 0) {
		if (strcmp(reason, "empty line") == 0 ||
		    strcmp(reason, "not JSON") == 0)
			snprintf(why, STRATEGY_WHY_MAX, "%s", reason);
		else
			snprintf(why, STRATEGY_WHY_MAX, "not JSON: %s", reason);
		return -1;
	}
	if (nmembers < 0) {
		snprintf(why, STRATEGY_WHY_MAX, "not a JSON object");
		return -1;
	}
	/*
	 * The field (the last of its name, as jq) and the result, from the
	 * members the validation found; an object with more is walked again.
	 */
	if (nmembers <= MEMBERS_MAX) {
		for (i = 0; i < nmembers; i++)
			look(st, &mem[i], &val, &vallen, &outval, &outvallen,
			    &nout);
	} else {
		json_walk_begin(&w, line, len);
		while (json_walk_next(&w, &m))
			look(st, &m, &val, &vallen, &outval, &outvallen, &nout);
	}
	for (i = 1; val != NULL && i < st->field.depth; i++)
		find_last(val, vallen, st->field.key[i], st->field.keylen[i], &val, &vallen);
	if (val == NULL) {
		snprintf(why, STRATEGY_WHY_MAX, "no field %s", st->field.text);
		return -1;
	}
	if (*val != '-' && (*val < '0' || *val > '9')) {
		snprintf(why, STRATEGY_WHY_MAX, "%s is not a number", st->field.text);
		return -1;
	}
	numlen = numfmt_double(strategy_result(numfmt_parse(val, vallen)), num);

	if (nout == 0) {
		append(st, line, (size_t)(close - line));
		if (nmembers > 0)
			append(st, ",", 1);
		append(st, "\"", 1);
		append(st, st->out_key, st->out_keylen);
		append(st, "\":", 2);
		append(st, num, numlen);
		append(st, close, (size_t)(line + len - close));
	} else if (nout == 1) {
		append(st, line, (size_t)(outval - line));
		append(st, num, numlen);
		append(st, outval + outvallen,
		    (size_t)(line + len - outval - outvallen));
	} else
		replace_all(st, line, len, num, numlen);
	st->line[st->len] = '\0';
	return 0;
}
