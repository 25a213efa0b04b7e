#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "eventtime.h"
#include "jqexpr.h"
#include "jsonscan.h"
#include "numfmt.h"
#include "record.h"
#include "timeparse.h"
#include "xalloc.h"

int
record_spec_init(struct record_spec *rs, const char *ts_path, int64_t unit_us,
    const char *key, const char *option)
{
	memset(rs, 0, sizeof(*rs));
	if (json_path_parse(&rs->ts.path, ts_path) != 0)
		return -1;
	rs->ts.unit_us = unit_us;
	rs->key_text = key;
	if (key != NULL) {
		rs->key_expr = jqexpr_compile(key, option);
		rs->key_is_path = json_path_parse(&rs->key_path, key) == 0;
	}
	return 0;
}

void
record_spec_free(struct record_spec *rs)
{
	eventtime_free(&rs->ts);
	json_path_free(&rs->key_path);
	jqexpr_free(rs->key_expr);
	rs->key_expr = NULL;
	if (rs->parser != NULL)
		jv_parser_free(rs->parser);
	rs->parser = NULL;
}

void
record_free(struct record *rec)
{
	free(rec->key);
	rec->key = NULL;
	rec->keylen = rec->keycap = 0;
}

static void
set_key(struct record *rec, const char *s, size_t len)
{
	if (len + 1 > rec->keycap) {
		size_t cap = rec->keycap ? rec->keycap : 64;

		while (cap < len + 1)
			cap *= 2;
		free(rec->key);
		rec->key = xmalloc(cap);
		rec->keycap = cap;
	}
	memcpy(rec->key, s, len);
	rec->key[len] = '\0';
	rec->keylen = len;
}

int
record_key_text(const char *v, size_t len, struct record *out)
{
	char num[NUMFMT_MAX];
	size_t i;

	out->nullkey = 0;
	switch (*v) {
	case '"':
		/* jq prints a string as written unless it has escapes or DEL. */
		for (i = 1; i + 1 < len; i++)
			if (v[i] == '\\' || v[i] == 0x7f)
				return -1;
		set_key(out, v, len);
		return 0;
	case 'n':
		out->nullkey = 1;
		set_key(out, "null", 4);
		return 0;
	case 't':
	case 'f':
		set_key(out, v, len);
		return 0;
	case '{':
	case '[':
		return -1;
	default:
		/* jq keeps numbers as doubles and prints the shortest form. */
		set_key(out, num, numfmt_double(numfmt_parse(v, len), num));
		return 0;
	}
}

static int
read_ts(const struct record_spec *rs, const char *line, size_t len,
    struct record *rec, char why[RECORD_WHY_MAX])
{
	return eventtime_read(&rs->ts, line, len, &rec->ts, why);
}

/*
 * Parses a line that json_validate accepted as an object. One parser is
 * fed line after line: the object's closing brace ends the value, and a
 * second call takes what white space is left.
 */
static jv
parse_object(struct record_spec *rs, const char *line, size_t len)
{
	jv v, rest;

	if (len > INT_MAX)
		return jv_invalid_with_msg(jv_string("longer than jq reads "
		    "(2 GiB)"));
	/* jv_parser_new never returns NULL: libjq aborts out of memory. */
	if (rs->parser == NULL)
		rs->parser = jv_parser_new(0);
	jv_parser_set_buf(rs->parser, line, (int)len, 1);
	v = jv_parser_next(rs->parser);
	rest = jv_parser_next(rs->parser);
	if (!jv_is_valid(v) || jv_is_valid(rest) ||
	    jv_invalid_has_msg(jv_copy(rest))) {
		/* Not one value for jq's parser: start the next line afresh. */
		jv_parser_free(rs->parser);
		rs->parser = NULL;
		if (jv_is_valid(v)) {
			jv_free(v);
			v = jv_invalid_with_msg(jv_string("jq cannot parse it"));
		}
	}
	jv_free(rest);
	return v;
}

static int
read_key(struct record_spec *rs, const char *line, size_t len,
    struct record *rec, char why[RECORD_WHY_MAX])
{
	const char *v;
	size_t vlen;
	int escapes;
	jv key, text;

	if (rs->key_is_path && json_path_find(&rs->key_path, line, len, &v,
	    &vlen, &escapes) == 0 && !escapes && record_key_text(v, vlen,
	    rec) == 0)
		return 0;

	key = parse_object(rs, line, len);
	if (jv_is_valid(key))
		key = jqexpr_first(rs->key_expr, key);
	if (!jv_is_valid(key)) {
		jv msg = jv_invalid_get_msg(key);

		snprintf(why, RECORD_WHY_MAX, "%s",
		    jv_get_kind(msg) == JV_KIND_STRING ? jv_string_value(msg) :
		    "the key expression failed");
		jv_free(msg);
		return -1;
	}
	rec->nullkey = jv_get_kind(key) == JV_KIND_NULL;
	text = jv_dump_string(key, JV_PRINT_SORTED);
	set_key(rec, jv_string_value(text), (size_t)jv_string_length_bytes(
	    jv_copy(text)));
	jv_free(text);
	return 0;
}

int
record_parse(struct record_spec *rs, const char *line, size_t len,
    struct record *rec, char why[RECORD_WHY_MAX])
{
	const char *reason, *p;

	/*
	 * A record goes out inside a pair, one object deeper: it must still
	 * be valid there. The plain check runs only to name a failure.
	 */
	if (json_validate_member(line, len, &reason) != 0) {
		if (json_validate(line, len, &reason) == 0)
			snprintf(why, RECORD_WHY_MAX, "nested too deeply to be "
			    "paired: the pair, one object deeper, would be "
			    "more than jq reads");
		else if (strcmp(reason, "empty line") == 0 ||
		    strcmp(reason, "not JSON") == 0)
			snprintf(why, RECORD_WHY_MAX, "%s", reason);
		else
			snprintf(why, RECORD_WHY_MAX, "not JSON: %s", reason);
		return -1;
	}
	for (p = line; *p == ' ' || *p == '\t' || *p == '\r'; p++)
		;
	if (*p != '{') {
		snprintf(why, RECORD_WHY_MAX, "not a JSON object");
		return -1;
	}
	if (read_ts(rs, line, len, rec, why) != 0)
		return -1;
	if (rs->key_expr != NULL && read_key(rs, line, len, rec, why) != 0)
		return -1;
	return 0;
}
