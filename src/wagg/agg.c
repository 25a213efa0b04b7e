#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "agg.h"
#include "jqexpr.h"
#include "numfmt.h"
#include "sketch.h"
#include "xalloc.h"

static const struct {
	const char	*name;
	enum agg_fn	 fn;
	int		 arg;		/* 0 none, 1 optional, 2 required */
} fns[] = {
	{ "count", AGG_COUNT, 1 },
	{ "sum", AGG_SUM, 2 },
	{ "avg", AGG_AVG, 2 },
	{ "min", AGG_MIN, 2 },
	{ "max", AGG_MAX, 2 },
	{ "first", AGG_FIRST, 2 },
	{ "last", AGG_LAST, 2 },
	{ "count_distinct", AGG_COUNT_DISTINCT, 2 },
	{ "quantile", AGG_QUANTILE, 2 },
};

void
buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 256;

		while (c < *len + n + 1)
			c *= 2;
		*buf = xreallocarray(*buf, c, 1);
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/*
 * The end of s's part that starts at s and ends at the first of stop at
 * depth 0 (outside brackets and strings), or at the end.
 */
static const char *
top_level(const char *s, const char *end, const char *stop)
{
	int depth = 0, instr = 0;

	for (; s < end; s++) {
		if (instr) {
			if (*s == '\\' && s + 1 < end)
				s++;
			else if (*s == '"')
				instr = 0;
			continue;
		}
		if (*s == '"')
			instr = 1;
		else if (*s == '(' || *s == '[' || *s == '{')
			depth++;
		else if (*s == ')' || *s == ']' || *s == '}')
			depth--;
		else if (depth == 0 && strchr(stop, *s) != NULL)
			return s;
	}
	return end;
}

/* Whether p is outside every bracket and string that starts at s. */
static int
at_top(const char *s, const char *p)
{
	int depth = 0, instr = 0;

	for (; s < p; s++) {
		if (instr) {
			if (*s == '\\' && s + 1 < p)
				s++;
			else if (*s == '"')
				instr = 0;
		} else if (*s == '"')
			instr = 1;
		else if (*s == '(' || *s == '[' || *s == '{')
			depth++;
		else if (*s == ')' || *s == ']' || *s == '}')
			depth--;
	}
	return depth == 0 && !instr;
}

static void
trim(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

static int
is_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* The default name: the function's, then the expression's words. */
static char *
default_name(const char *fn, const char *expr)
{
	char *name = NULL;
	size_t len = 0, cap = 0;
	int sep = 1;

	buf_add(&name, &len, &cap, fn, strlen(fn));
	for (; expr != NULL && *expr != '\0'; expr++) {
		if (isalnum((unsigned char)*expr) || *expr == '_') {
			if (sep)
				buf_add(&name, &len, &cap, "_", 1);
			buf_add(&name, &len, &cap, expr, 1);
			sep = 0;
		} else
			sep = 1;
	}
	return name;
}

/* "p99", "p99.9": the quantile 0.99, 0.999. */
static int
pname(const char *s, size_t n, double *q)
{
	char tmp[32], *end;
	double pct;

	if (n < 2 || n >= sizeof(tmp) || s[0] != 'p' ||
	    !isdigit((unsigned char)s[1]))
		return 0;
	memcpy(tmp, s + 1, n - 1);
	tmp[n - 1] = '\0';
	pct = strtod(tmp, &end);
	if (*end != '\0' || pct > 100)
		return 0;
	*q = pct / 100;
	return 1;
}

static int
parse_one(struct agg_spec *a, const char *s, const char *e,
    char why[AGG_WHY_MAX])
{
	const char *as, *p, *open, *args = NULL, *args_end = NULL, *semi;
	const char *name = NULL, *name_end = NULL;
	char fname[40], *qtext, *endp;
	size_t i, fnlen;
	int arg = -1;

	memset(a, 0, sizeof(*a));
	trim(&s, &e);
	/* A trailing "as name" at depth 0. */
	for (as = e; as > s; as--) {
		if (as - s >= 4 && isspace((unsigned char)as[-4]) &&
		    as[-3] == 'a' && as[-2] == 's' &&
		    isspace((unsigned char)as[-1]) && at_top(s, as - 4)) {
			name = as;
			name_end = e;
			trim(&name, &name_end);
			if (!is_name(name, (size_t)(name_end - name))) {
				snprintf(why, AGG_WHY_MAX, "%.*s: not a name "
				    "(letters, digits, _)", (int)(e - s), s);
				return -1;
			}
			e = as - 4;
			trim(&s, &e);
			break;
		}
	}
	for (p = s; p < e && (isalnum((unsigned char)*p) || *p == '_' ||
	    *p == '.'); p++)
		;
	fnlen = (size_t)(p - s);
	open = p;
	while (open < e && isspace((unsigned char)*open))
		open++;
	if (open < e) {
		if (*open != '(' || e[-1] != ')' ||
		    top_level(open + 1, e - 1, ")") != e - 1) {
			snprintf(why, AGG_WHY_MAX, "%.*s: not fn or fn(expr)",
			    (int)(e - s), s);
			return -1;
		}
		args = open + 1;
		args_end = e - 1;
		trim(&args, &args_end);
	}
	if (fnlen == 0 || fnlen >= sizeof(fname)) {
		snprintf(why, AGG_WHY_MAX, "%.*s: not an aggregate",
		    (int)(e - s), s);
		return -1;
	}
	memcpy(fname, s, fnlen);
	fname[fnlen] = '\0';
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (strcmp(fname, fns[i].name) == 0) {
			a->fn = fns[i].fn;
			arg = fns[i].arg;
		}
	if (arg < 0 && pname(s, fnlen, &a->q)) {
		a->fn = AGG_QUANTILE;
		arg = 2;
	}
	if (arg < 0) {
		snprintf(why, AGG_WHY_MAX, "%s: no such aggregate (count, sum, "
		    "avg, min, max, first, last, count_distinct, p50, p99, "
		    "quantile)", fname);
		return -1;
	}
	if (args != NULL && args == args_end)
		args = NULL;
	if (args == NULL && arg == 2) {
		snprintf(why, AGG_WHY_MAX, "%s: needs an expression, as in "
		    "%s(.value)", fname, fname);
		return -1;
	}
	if (a->fn == AGG_QUANTILE && strcmp(fname, "quantile") == 0) {
		semi = top_level(args, args_end, ";");
		if (semi == args_end) {
			snprintf(why, AGG_WHY_MAX, "quantile: needs "
			    "quantile(expr; q), q from 0 to 1");
			return -1;
		}
		qtext = xstrndup(semi + 1, (size_t)(args_end - semi - 1));
		a->q = strtod(qtext, &endp);
		while (isspace((unsigned char)*endp))
			endp++;
		if (endp == qtext || *endp != '\0' || !(a->q >= 0) ||
		    a->q > 1) {
			snprintf(why, AGG_WHY_MAX, "quantile: %s is not a "
			    "number from 0 to 1", qtext);
			free(qtext);
			return -1;
		}
		free(qtext);
		args_end = semi;
		trim(&args, &args_end);
		snprintf(fname, sizeof(fname), "p%g", a->q * 100);
		for (p = fname; *p != '\0'; p++)
			if (*p == '.')
				fname[p - fname] = '_';
	}
	if (args != NULL) {
		a->expr = xstrndup(args, (size_t)(args_end - args));
		a->jq = jqexpr_compile(a->expr, "the aggregate list");
		a->is_path = json_path_parse(&a->path, a->expr) == 0;
	}
	if (name != NULL)
		a->name = xstrndup(name, (size_t)(name_end - name));
	else {
		for (p = fname; *p != '\0'; p++)
			if (*p == '.')
				fname[p - fname] = '_';
		a->name = default_name(fname, a->expr);
	}
	return 0;
}

int
agg_parse(struct agg_list *l, const char *text, char why[AGG_WHY_MAX])
{
	const char *s = text, *end = text + strlen(text), *comma;
	int i, j;

	memset(l, 0, sizeof(*l));
	for (;;) {
		comma = top_level(s, end, ",");
		if (l->n == AGG_LIMIT) {
			snprintf(why, AGG_WHY_MAX, "more than %d aggregates",
			    AGG_LIMIT);
			return -1;
		}
		if (parse_one(&l->a[l->n], s, comma, why) != 0)
			return -1;
		if (l->a[l->n].expr != NULL && !l->a[l->n].is_path)
			l->need_jv = 1;
		l->n++;
		if (comma == end)
			break;
		s = comma + 1;
	}
	for (i = 0; i < l->n; i++) {
		l->a[i].same = -1;
		for (j = 0; j < i && l->a[i].expr != NULL; j++)
			if (l->a[j].expr != NULL && l->a[j].same < 0 &&
			    strcmp(l->a[i].expr, l->a[j].expr) == 0) {
				l->a[i].same = j;
				break;
			}
	}
	for (i = 0; i < l->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(l->a[i].name, l->a[j].name) == 0) {
				snprintf(why, AGG_WHY_MAX, "two aggregates "
				    "named %s: name one with 'as name'",
				    l->a[i].name);
				return -1;
			}
	return 0;
}

void
agg_free(struct agg_list *l)
{
	int i;

	for (i = 0; i < l->n; i++) {
		free(l->a[i].expr);
		free(l->a[i].name);
		json_path_free(&l->a[i].path);
		jqexpr_free(l->a[i].jq);
		free(l->buf[i]);
	}
	memset(l, 0, sizeof(*l));
}

static int
numeric(enum agg_fn fn)
{
	return fn == AGG_SUM || fn == AGG_AVG || fn == AGG_MIN ||
	    fn == AGG_MAX || fn == AGG_QUANTILE;
}

static void
set_raw(struct agg_value *v, const char *s, size_t n)
{
	v->text = s;
	v->len = n;
	if (*s == 'n')
		v->kind = VAL_NULL;
	else if (*s == '-' || isdigit((unsigned char)*s)) {
		v->kind = VAL_NUMBER;
		v->num = numfmt_parse(s, n);
	} else
		v->kind = VAL_OTHER;
}

/* The value of a jq expression, printed into l->buf[i]. */
static int
read_jq(struct agg_list *l, int i, jv *obj, const char *line, size_t len,
    char why[AGG_WHY_MAX])
{
	struct agg_value *v = &l->v[i];
	jv out, text;

	if (jv_get_kind(*obj) == JV_KIND_INVALID) {
		jv_free(*obj);
		*obj = jv_parse_sized(line, (int)len);
		if (!jv_is_valid(*obj)) {
			snprintf(why, AGG_WHY_MAX, "jq cannot parse it");
			return -1;
		}
	}
	out = jqexpr_first(l->a[i].jq, jv_copy(*obj));
	if (!jv_is_valid(out)) {
		jv msg = jv_invalid_get_msg(out);

		snprintf(why, AGG_WHY_MAX, "%s: %s", l->a[i].expr,
		    jv_get_kind(msg) == JV_KIND_STRING ? jv_string_value(msg) :
		    "no value");
		jv_free(msg);
		return -1;
	}
	v->kind = jv_get_kind(out) == JV_KIND_NULL ? VAL_NULL :
	    jv_get_kind(out) == JV_KIND_NUMBER ? VAL_NUMBER : VAL_OTHER;
	if (v->kind == VAL_NUMBER)
		v->num = jv_number_value(out);
	text = jv_dump_string(out, 0);
	free(l->buf[i]);
	l->buf[i] = xstrndup(jv_string_value(text),
	    (size_t)jv_string_length_bytes(jv_copy(text)));
	v->text = l->buf[i];
	v->len = strlen(l->buf[i]);
	jv_free(text);
	return 0;
}

int
agg_read(struct agg_list *l, const char *line, size_t len,
    char why[AGG_WHY_MAX])
{
	jv obj = jv_invalid();
	const char *s;
	size_t n;
	int i, escapes, rc = 0;

	for (i = 0; i < l->n && rc == 0; i++) {
		struct agg_spec *a = &l->a[i];
		struct agg_value *v = &l->v[i];

		v->kind = VAL_NULL;
		if (a->expr == NULL)
			continue;
		/* avg(.x) and p99(.x) read .x once. */
		if (a->same >= 0) {
			*v = l->v[a->same];
			goto check;
		}
		if (a->is_path) {
			if (json_path_find(&a->path, line, len, &s, &n,
			    &escapes) != 0 && !escapes)
				continue;
			if (!escapes) {
				set_raw(v, s, n);
				goto check;
			}
		}
		if ((rc = read_jq(l, i, &obj, line, len, why)) != 0)
			break;
check:
		if (numeric(a->fn) && v->kind == VAL_OTHER) {
			snprintf(why, AGG_WHY_MAX, "%s: %.*s%s is not a number",
			    a->name, v->len > 40 ? 40 : (int)v->len, v->text,
			    v->len > 40 ? "..." : "");
			rc = -1;
		}
	}
	jv_free(obj);
	return rc;
}

/*
 * A set of JSON texts, for count_distinct: open addressing, the texts
 * held one after another.
 */
struct strset {
	char		**slot;
	size_t		 nslots, n, bytes;
};

static uint64_t
hash_text(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static void strset_add(struct strset *, const char *, size_t);

static void
strset_grow(struct strset *set)
{
	struct strset big = { NULL, set->nslots ? set->nslots * 2 : 16, 0, 0 };
	size_t i;

	big.slot = xcalloc(big.nslots, sizeof(char *));
	for (i = 0; i < set->nslots; i++)
		if (set->slot[i] != NULL) {
			strset_add(&big, set->slot[i], strlen(set->slot[i]));
			free(set->slot[i]);
		}
	free(set->slot);
	*set = big;
}

static void
strset_add(struct strset *set, const char *s, size_t n)
{
	size_t i;

	if ((set->n + 1) * 2 > set->nslots)
		strset_grow(set);
	for (i = hash_text(s, n) & (set->nslots - 1); set->slot[i] != NULL;
	    i = (i + 1) & (set->nslots - 1))
		if (strlen(set->slot[i]) == n && memcmp(set->slot[i], s, n) == 0)
			return;
	set->slot[i] = xstrndup(s, n);
	set->n++;
	set->bytes += n + 1;
}

static void
strset_free(struct strset *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nslots; i++)
		free(set->slot[i]);
	free(set->slot);
	free(set);
}

/*
 * The text equal values share, as jq prints them sorted (1.0 and 1 are
 * one number; {"a":1,"b":2} and {"b":2,"a":1} one object).
 */
static void
distinct_add(struct strset *set, const struct agg_value *v)
{
	char num[NUMFMT_MAX];
	const char *p;
	jv val, text;

	if (v->kind == VAL_NUMBER) {
		strset_add(set, num, numfmt_double(v->num, num));
		return;
	}
	if (v->text[0] == '"') {
		for (p = v->text; p < v->text + v->len; p++)
			if (*p == '\\' || *p == 0x7f)
				break;
		if (p == v->text + v->len) {
			strset_add(set, v->text, v->len);
			return;
		}
	} else if (v->text[0] != '{' && v->text[0] != '[') {
		strset_add(set, v->text, v->len);
		return;
	}
	val = jv_parse_sized(v->text, (int)v->len);
	text = jv_dump_string(val, JV_PRINT_SORTED);
	strset_add(set, jv_string_value(text),
	    (size_t)jv_string_length_bytes(jv_copy(text)));
	jv_free(text);
}

void
agg_acc_init(const struct agg_list *l, struct agg_acc *acc)
{
	int i;

	for (i = 0; i < l->n; i++) {
		memset(&acc[i], 0, sizeof(acc[i]));
		if (l->a[i].fn == AGG_COUNT_DISTINCT) {
			acc[i].p = xcalloc(1, sizeof(struct strset));
		} else if (l->a[i].fn == AGG_QUANTILE) {
			acc[i].p = xmalloc(sizeof(struct sketch));
			sketch_init(acc[i].p);
		}
	}
}

void
agg_acc_free(const struct agg_list *l, struct agg_acc *acc)
{
	int i;

	for (i = 0; i < l->n; i++) {
		free(acc[i].text);
		if (l->a[i].fn == AGG_COUNT_DISTINCT)
			strset_free(acc[i].p);
		else if (l->a[i].fn == AGG_QUANTILE && acc[i].p != NULL) {
			sketch_free(acc[i].p);
			free(acc[i].p);
		}
	}
}

/* Neumaier's compensated sum: the result does not drift with the order. */
static void
sum_add(struct agg_acc *a, double x)
{
	double t = a->x + x;

	if (fabs(a->x) >= fabs(x))
		a->c += (a->x - t) + x;
	else
		a->c += (x - t) + a->x;
	a->x = t;
}

static void
keep_text(struct agg_acc *a, const char *s, size_t n, int64_t ts)
{
	free(a->text);
	a->text = xstrndup(s, n);
	a->len = n;
	a->ts = ts;
}

/* One value into one accumulator; first/last by event time. */
static void
acc_one(enum agg_fn fn, struct agg_acc *a, const struct agg_value *v,
    int64_t ts)
{
	a->n++;
	switch (fn) {
	case AGG_COUNT:
		break;
	case AGG_SUM:
	case AGG_AVG:
		sum_add(a, v->num);
		break;
	case AGG_MIN:
		if (a->n == 1 || v->num < a->x)
			a->x = v->num;
		break;
	case AGG_MAX:
		if (a->n == 1 || v->num > a->x)
			a->x = v->num;
		break;
	case AGG_FIRST:
		if (a->n == 1 || ts < a->ts)
			keep_text(a, v->text, v->len, ts);
		break;
	case AGG_LAST:
		if (a->n == 1 || ts >= a->ts)
			keep_text(a, v->text, v->len, ts);
		break;
	case AGG_COUNT_DISTINCT:
		distinct_add(a->p, v);
		break;
	case AGG_QUANTILE:
		sketch_add(a->p, v->num);
		break;
	}
}

void
agg_acc_add(const struct agg_list *l, struct agg_acc *acc, int64_t ts)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->a[i].expr == NULL || l->v[i].kind != VAL_NULL)
			acc_one(l->a[i].fn, &acc[i], &l->v[i], ts);
}

void
agg_acc_merge(const struct agg_list *l, struct agg_acc *dst,
    struct agg_acc *src)
{
	struct strset *set;
	size_t k;
	int i;

	for (i = 0; i < l->n; i++) {
		struct agg_acc *d = &dst[i], *s = &src[i];

		if (s->n == 0)
			continue;
		switch (l->a[i].fn) {
		case AGG_COUNT:
			break;
		case AGG_SUM:
		case AGG_AVG:
			sum_add(d, s->x);
			sum_add(d, s->c);
			break;
		case AGG_MIN:
			if (d->n == 0 || s->x < d->x)
				d->x = s->x;
			break;
		case AGG_MAX:
			if (d->n == 0 || s->x > d->x)
				d->x = s->x;
			break;
		case AGG_FIRST:
			if (d->n == 0 || s->ts < d->ts)
				keep_text(d, s->text, s->len, s->ts);
			break;
		case AGG_LAST:
			if (d->n == 0 || s->ts >= d->ts)
				keep_text(d, s->text, s->len, s->ts);
			break;
		case AGG_COUNT_DISTINCT:
			set = s->p;
			for (k = 0; k < set->nslots; k++)
				if (set->slot[k] != NULL)
					strset_add(d->p, set->slot[k],
					    strlen(set->slot[k]));
			break;
		case AGG_QUANTILE:
			sketch_merge(d->p, s->p);
			break;
		}
		d->n += s->n;
	}
}

size_t
agg_acc_bytes(const struct agg_list *l, const struct agg_acc *acc)
{
	const struct strset *set;
	size_t bytes = 0;
	int i;

	for (i = 0; i < l->n; i++) {
		bytes += acc[i].len;
		if (l->a[i].fn == AGG_COUNT_DISTINCT) {
			set = acc[i].p;
			bytes += sizeof(*set) + set->bytes +
			    set->nslots * sizeof(char *);
		} else if (l->a[i].fn == AGG_QUANTILE)
			bytes += sizeof(struct sketch) + sketch_bytes(acc[i].p);
	}
	return bytes;
}

static void
add_number(char **buf, size_t *len, size_t *cap, double x)
{
	char num[NUMFMT_MAX];

	buf_add(buf, len, cap, num, numfmt_double(x, num));
}

void
agg_acc_print(const struct agg_list *l, struct agg_acc *acc, char **buf,
    size_t *len, size_t *cap)
{
	char tmp[32];
	int i;

	for (i = 0; i < l->n; i++) {
		struct agg_acc *a = &acc[i];

		buf_add(buf, len, cap, ",\"", 2);
		buf_add(buf, len, cap, l->a[i].name, strlen(l->a[i].name));
		buf_add(buf, len, cap, "\":", 2);
		if (l->a[i].fn == AGG_COUNT || l->a[i].fn ==
		    AGG_COUNT_DISTINCT) {
			snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)
			    (l->a[i].fn == AGG_COUNT ? a->n :
			    ((struct strset *)a->p)->n));
			buf_add(buf, len, cap, tmp, strlen(tmp));
		} else if (a->n == 0)
			buf_add(buf, len, cap, "null", 4);
		else if (l->a[i].fn == AGG_SUM)
			add_number(buf, len, cap, a->x + a->c);
		else if (l->a[i].fn == AGG_AVG)
			add_number(buf, len, cap, (a->x + a->c) / (double)a->n);
		else if (l->a[i].fn == AGG_MIN || l->a[i].fn == AGG_MAX)
			add_number(buf, len, cap, a->x);
		else if (l->a[i].fn == AGG_QUANTILE)
			add_number(buf, len, cap, sketch_quantile(a->p,
			    l->a[i].q));
		else
			buf_add(buf, len, cap, a->text, a->len);
	}
}
