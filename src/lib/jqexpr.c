#include <err.h>
#include <stdlib.h>
#include <string.h>

#include <jq.h>

#include "jqexpr.h"
#include "kp.h"

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

	if ((e = calloc(1, sizeof(*e))) == NULL)
		err(KP_EXIT_FAIL, NULL);
	if ((e->jq = jq_init()) == NULL)
		errx(KP_EXIT_FAIL, "cannot start libjq");
	e->option = option;
	e->compile_error = jv_null();
	jq_set_error_cb(e->jq, on_compile_error, e);
	if (!jq_compile(e->jq, program)) {
		jv msg = e->compile_error;

		if (jv_get_kind(msg) == JV_KIND_STRING)
			errx(KP_EXIT_USAGE, "%s: %s", option, jv_string_value(msg));
		errx(KP_EXIT_USAGE, "%s: cannot compile jq expression: %s",
		    option, program);
	}
	jq_set_error_cb(e->jq, NULL, NULL);
	return e;
}

jv
jqexpr_first(struct jqexpr *e, jv input)
{
	jv out;

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
