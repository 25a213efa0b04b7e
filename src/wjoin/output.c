#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "jqexpr.h"
#include "kp.h"
#include "kpsrc.h"
#include "lineio.h"
#include "output.h"
#include "xalloc.h"

/* A pair line's end with --eos: its position comes later (kpsrc.h). */
#define PENDING_TAIL	"," KPSRC_PENDING_MEMBER "}\n"

/* Returns prefix, then name as a JSON string, then a colon, allocated. */
static char *
member(const char *prefix, const char *name, size_t namelen, size_t *len)
{
	jv s = jv_dump_string(jv_string_sized(name, (int)namelen), 0);
	char *m;

	m = xasprintf("%s%s:", prefix, jv_string_value(s));
	jv_free(s);
	*len = strlen(m);
	return m;
}

int
pair_output_init(struct pair_output *out, const char *names, const char *emit)
{
	const char *comma;
	char *program;

	memset(out, 0, sizeof(*out));
	if (names == NULL)
		names = "left,right";
	comma = strchr(names, ',');
	if (comma == NULL || comma == names || comma[1] == '\0' ||
	    strchr(comma + 1, ',') != NULL ||
	    ((size_t)(comma - names) == strlen(comma + 1) &&
	    strncmp(names, comma + 1, (size_t)(comma - names)) == 0))
		return -1;
	out->open = member("{", names, (size_t)(comma - names), &out->openlen);
	out->middle = member(",", comma + 1, strlen(comma + 1),
	    &out->middlelen);
	if (emit != NULL) {
		/*
		 * Collecting the outputs in an array lets the expression give
		 * none (select) or several; the newline ends a comment.
		 */
		program = xasprintf("[%s\n]", emit);
		out->emit = jqexpr_compile(program, "--emit");
		free(program);
	}
	return 0;
}

void
pair_output_free(struct pair_output *out)
{
	free(out->open);
	free(out->middle);
	free(out->buf);
	jqexpr_free(out->emit);
	memset(out, 0, sizeof(*out));
}

static void
append(struct pair_output *out, const char *s, size_t n)
{
	if (out->len + n + 1 > out->cap) {
		size_t cap = out->cap ? out->cap : 1024;

		while (out->len + n + 1 > cap)
			cap *= 2;
		out->buf = xreallocarray(out->buf, cap, 1);
		out->cap = cap;
	}
	memcpy(out->buf + out->len, s, n);
	out->len += n;
	out->buf[out->len] = '\0';
}

static int
emit(struct pair_output *out, char why[OUTPUT_WHY_MAX])
{
	jv result, each, text;
	int i, n;

	result = jv_parse_sized(out->buf, (int)out->len);
	if (jv_is_valid(result))
		result = jqexpr_first(out->emit, result);
	if (!jv_is_valid(result)) {
		jv msg = jv_invalid_get_msg(result);

		snprintf(why, OUTPUT_WHY_MAX, "%s",
		    jv_get_kind(msg) == JV_KIND_STRING ? jv_string_value(msg) :
		    "--emit failed");
		jv_free(msg);
		return -1;
	}
	n = jv_array_length(jv_copy(result));
	if (out->eos != NULL && *out->eos)
		for (i = 0; i < n; i++) {
			jv_kind kind;

			each = jv_array_get(jv_copy(result), i);
			kind = jv_get_kind(each);
			jv_free(each);
			if (kind != JV_KIND_OBJECT) {
				jv_free(result);
				snprintf(why, OUTPUT_WHY_MAX, "--emit gave "
				    "something other than an object, which "
				    "cannot carry its _kp_src for kout --eos");
				return -1;
			}
		}
	for (i = 0; i < n; i++) {
		each = jv_array_get(jv_copy(result), i);
		if (out->eos != NULL && *out->eos)
			each = jv_object_set(each, jv_string(KPSRC_MEMBER),
			    jv_string(KPSRC_PENDING));
		text = jv_dump_string(each, 0);
		out_line(jv_string_value(text),
		    (size_t)jv_string_length_bytes(jv_copy(text)));
		jv_free(text);
	}
	jv_free(result);
	return 0;
}

int
pair_output_write(struct pair_output *out, const char *left, size_t leftlen,
    const char *right, size_t rightlen, char why[OUTPUT_WHY_MAX])
{
	if (left == NULL) {
		left = "null";
		leftlen = 4;
	}
	if (right == NULL) {
		right = "null";
		rightlen = 4;
	}
	if (out->emit == NULL) {
		fwrite_unlocked(out->open, 1, out->openlen, stdout);
		fwrite_unlocked(left, 1, leftlen, stdout);
		fwrite_unlocked(out->middle, 1, out->middlelen, stdout);
		fwrite_unlocked(right, 1, rightlen, stdout);
		if (out->eos != NULL && *out->eos)
			fwrite_unlocked(PENDING_TAIL, 1,
			    sizeof(PENDING_TAIL) - 1, stdout);
		else
			fwrite_unlocked("}\n", 1, 2, stdout);
		return 0;
	}
	out->len = 0;
	append(out, out->open, out->openlen);
	append(out, left, leftlen);
	append(out, out->middle, out->middlelen);
	append(out, right, rightlen);
	append(out, "}", 1);
	return emit(out, why);
}
