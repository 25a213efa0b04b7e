#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <jq.h>

#include "jqexpr.h"
#include "kp.h"
#include "xalloc.h"

struct jqexpr {
	jq_state	*jq;
	const char	*option;
	jv		 compile_error;
};

static void
on_compile_error(void *data, jv msg)
{
	struct jqexpr *e = data;

	/* Keep the first message; the caller reports it. */
	if (jv_get_kind(e->compile_error) == JV_KIND_NULL)
		e->compile_error = msg;
	else
		jv_free(msg);
}

struct jqexpr *
jqexpr_compile(const char *program, const char *option)
{
	struct jqexpr *e;
	char why[1024];

	e = xcalloc(1, sizeof(*e));
	if ((e->jq = jq_init()) == NULL)
		errx(KP_EXIT_FAIL, "cannot start libjq");
	e->option = option;
	e->compile_error = jv_null();
	jq_set_error_cb(e->jq, on_compile_error, e);
	if (!jq_compile(e->jq, program)) {
		/* Freed before exiting, so that nothing is left to leak. */
		if (jv_get_kind(e->compile_error) == JV_KIND_STRING)
			snprintf(why, sizeof(why), "%s",
			    jv_string_value(e->compile_error));
		else
			snprintf(why, sizeof(why), "cannot compile jq "
			    "expression: %s", program);
		jqexpr_free(e);
		errx(KP_EXIT_USAGE, "%s: %s", option, why);
	}
	jq_set_error_cb(e->jq, NULL, NULL);
	return e;
}

/*
 * Whether v (borrowed) holds a value inside more than max arrays and
 * objects, which jv_dump_string prints as "<stripped: exceeds max depth>".
 */
static int
too_deep(jv v, int max)
{
	jv_kind kind = jv_get_kind(v);
	int i, n, deep = 0;

	if (kind != JV_KIND_ARRAY && kind != JV_KIND_OBJECT)
		return 0;
	if (kind == JV_KIND_ARRAY) {
		n = jv_array_length(jv_copy(v));
		if (n > 0 && max == 0)
			return 1;
		for (i = 0; i < n && !deep; i++) {
			jv each = jv_array_get(jv_copy(v), i);

			deep = too_deep(each, max - 1);
			jv_free(each);
		}
		return deep;
	}
	for (i = jv_object_iter(v); jv_object_iter_valid(v, i) && !deep;
	    i = jv_object_iter_next(v, i)) {
		jv each;

		if (max == 0)
			return 1;
		each = jv_object_iter_value(v, i);
		deep = too_deep(each, max - 1);
		jv_free(each);
	}
	return deep;
}

jv
jqexpr_first(struct jqexpr *e, jv input)
{
	jv out;

	if (!jv_is_valid(input)) {
		/* jq_start asserts a valid input: a message, not an abort. */
		jv msg = jv_invalid_get_msg(input);

		out = jv_invalid_with_msg(jv_string_fmt("%s: jq cannot read the "
		    "record%s%s", e->option, jv_get_kind(msg) == JV_KIND_STRING ?
		    ": " : "", jv_get_kind(msg) == JV_KIND_STRING ?
		    jv_string_value(msg) : ""));
		jv_free(msg);
		return out;
	}
	jq_start(e->jq, input, 0);
	out = jq_next(e->jq);
	if (!jv_is_valid(out)) {
		jv msg = jv_invalid_get_msg(out);

		if (jv_get_kind(msg) == JV_KIND_NULL) {
			jv_free(msg);
			return jv_invalid_with_msg(jv_string_fmt(
			    "%s: the expression gave no output", e->option));
		}
		if (jv_get_kind(msg) != JV_KIND_STRING) {
			jv s = jv_dump_string(msg, 0);

			msg = jv_string_fmt("%s", jv_string_value(s));
			jv_free(s);
		}
		out = jv_invalid_with_msg(jv_string_fmt("%s: %s", e->option,
		    jv_string_value(msg)));
		jv_free(msg);
	} else if (too_deep(out, JQEXPR_PRINT_DEPTH)) {
		jv_free(out);
		out = jv_invalid_with_msg(jv_string_fmt("%s: the expression gave "
		    "a value nested more than %d deep, which jq cannot print",
		    e->option, JQEXPR_PRINT_DEPTH));
	}
	return out;
}

void
jqexpr_free(struct jqexpr *e)
{
	if (e == NULL)
		return;
	jq_teardown(&e->jq);
	jv_free(e->compile_error);
	free(e);
}

jv
jqexpr_parse(const char *s, size_t n)
{
	if (n > INT_MAX)
		return jv_invalid_with_msg(jv_string("longer than jq reads "
		    "(2 GiB)"));
	return jv_parse_sized(s, (int)n);
}
