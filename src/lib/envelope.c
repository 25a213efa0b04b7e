#include <err.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base64.h"
#include "envelope.h"
#include "jsonscan.h"
#include "kp.h"

/* Writes bytes as a JSON string. */
static int
write_json_string(FILE *fp, const char *s, size_t n)
{
	jv str = jv_dump_string(jv_string_sized(s, (int)n), 0);
	int rc = fputs(jv_string_value(str), fp);

	jv_free(str);
	return rc == EOF ? -1 : 0;
}

/* Writes JSON text, line breaks (white space in valid JSON) turned into spaces. */
static int
write_json_one_line(FILE *fp, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '\n' && s[i] != '\r')
			continue;
		if (fwrite_unlocked(s + from, 1, i - from, fp) != i - from ||
		    putc_unlocked(' ', fp) == EOF)
			return -1;
		from = i + 1;
	}
	return fwrite_unlocked(s + from, 1, n - from, fp) == n - from ? 0 : -1;
}

/* Writes "text_name":<string> for text, or "NAME_base64":"..." for binary. */
static int
write_bytes_member(FILE *fp, const char *name, const char *text_name,
    const char *s, size_t n)
{
	if (utf8_valid(s, n) && memchr(s, '\0', n) == NULL) {
		fprintf(fp, ",\"%s\":", text_name);
		return write_json_string(fp, s, n);
	}
	char *b64 = base64_encode(s, n);
	int rc = fprintf(fp, ",\"%s_base64\":\"%s\"", name, b64);
	free(b64);
	return rc < 0 ? -1 : 0;
}

int
envelope_write(FILE *fp, const rd_kafka_message_t *m)
{
	rd_kafka_timestamp_type_t tstype;
	rd_kafka_headers_t *hdrs;
	int64_t ts = rd_kafka_message_timestamp(m, &tstype);
	const char *v = m->payload;

	fputs("{\"topic\":", fp);
	write_json_string(fp, rd_kafka_topic_name(m->rkt),
	    strlen(rd_kafka_topic_name(m->rkt)));
	fprintf(fp, ",\"partition\":%" PRId32 ",\"offset\":%" PRId64
	    ",\"timestamp\":%" PRId64, m->partition, m->offset, ts);
	if (m->key == NULL)
		fputs(",\"key\":null", fp);
	else
		write_bytes_member(fp, "key", "key", m->key, m->key_len);
	if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
		const char *name;
		const void *hv;
		size_t hlen, i;

		fputs(",\"headers\":[", fp);
		for (i = 0; rd_kafka_header_get_all(hdrs, i, &name, &hv,
		    &hlen) == RD_KAFKA_RESP_ERR_NO_ERROR; i++) {
			fputs(i == 0 ? "[" : ",[", fp);
			write_json_string(fp, name, strlen(name));
			putc_unlocked(',', fp);
			if (hv == NULL) {
				fputs("null", fp);
			} else if (utf8_valid(hv, hlen)) {
				write_json_string(fp, hv, hlen);
			} else {
				char *b64 = base64_encode(hv, hlen);
				fprintf(fp, "{\"base64\":\"%s\"}", b64);
				free(b64);
			}
			putc_unlocked(']', fp);
		}
		putc_unlocked(']', fp);
	} else {
		fputs(",\"headers\":[]", fp);
	}
	if (v != NULL) {
		if (json_validate(v, m->len, NULL) == 0) {
			fputs(",\"value\":", fp);
			write_json_one_line(fp, v, m->len);
		} else {
			write_bytes_member(fp, "value", "value_text", v, m->len);
		}
	}
	return putc_unlocked('}', fp) == EOF || ferror(fp) ? -1 : 0;
}

int
value_write_line(FILE *fp, const char *v, size_t len, int *changed)
{
	*changed = 0;
	if (v == NULL) {
		*changed = 1;
		return fputs("null\n", fp) == EOF ? -1 : 0;
	}
	if (len == 0) {
		*changed = 1;
		return fputs("\"\"\n", fp) == EOF ? -1 : 0;
	}
	if (memchr(v, '\n', len) != NULL || memchr(v, '\r', len) != NULL) {
		*changed = 1;
		if (json_validate(v, len, NULL) == 0) {
			if (write_json_one_line(fp, v, len) != 0)
				return -1;
		} else if (write_json_string(fp, v, len) != 0) {
			return -1;
		}
		return putc_unlocked('\n', fp) == EOF ? -1 : 0;
	}
	if (fwrite_unlocked(v, 1, len, fp) != len ||
	    putc_unlocked('\n', fp) == EOF)
		return -1;
	return 0;
}

/* Copies a jv string's bytes into a malloc'd buffer. */
static char *
jv_bytes(jv s, size_t *len)
{
	char *out;

	*len = (size_t)jv_string_length_bytes(jv_copy(s));
	if ((out = malloc(*len + 1)) == NULL)
		err(KP_EXIT_FAIL, NULL);
	memcpy(out, jv_string_value(s), *len);
	out[*len] = '\0';
	return out;
}

/* Reads "name" (string or null) or "name_base64" into *out. */
static int
parse_bytes_member(jv obj, const char *name, char **out, size_t *len,
    const char **why)
{
	char b64name[64];
	jv v = jv_object_get(jv_copy(obj), jv_string(name));

	*out = NULL;
	*len = 0;
	if (jv_get_kind(v) == JV_KIND_STRING) {
		*out = jv_bytes(v, len);
		jv_free(v);
		return 0;
	}
	jv_free(v);
	snprintf(b64name, sizeof(b64name), "%s_base64", name);
	v = jv_object_get(jv_copy(obj), jv_string(b64name));
	if (jv_get_kind(v) == JV_KIND_STRING) {
		*out = base64_decode(jv_string_value(v),
		    (size_t)jv_string_length_bytes(jv_copy(v)), len);
		jv_free(v);
		if (*out == NULL) {
			*why = "envelope: bad base64";
			return -1;
		}
		return 0;
	}
	jv_free(v);
	return 0;
}

static int
parse_headers(jv list, rd_kafka_headers_t **out, const char **why)
{
	rd_kafka_headers_t *hdrs;
	int i, n;

	*out = NULL;
	if (jv_get_kind(list) == JV_KIND_NULL) {
		jv_free(list);
		return 0;
	}
	if (jv_get_kind(list) != JV_KIND_ARRAY) {
		jv_free(list);
		*why = "envelope: headers is not an array";
		return -1;
	}
	n = jv_array_length(jv_copy(list));
	if (n == 0) {
		jv_free(list);
		return 0;
	}
	hdrs = rd_kafka_headers_new((size_t)n);
	for (i = 0; i < n; i++) {
		jv pair = jv_array_get(jv_copy(list), i);
		jv name, val;

		if (jv_get_kind(pair) != JV_KIND_ARRAY ||
		    jv_array_length(jv_copy(pair)) != 2) {
			jv_free(pair);
			goto bad;
		}
		name = jv_array_get(jv_copy(pair), 0);
		val = jv_array_get(pair, 1);
		if (jv_get_kind(name) != JV_KIND_STRING) {
			jv_free(name);
			jv_free(val);
			goto bad;
		}
		if (jv_get_kind(val) == JV_KIND_NULL) {
			rd_kafka_header_add(hdrs, jv_string_value(name), -1,
			    NULL, 0);
		} else if (jv_get_kind(val) == JV_KIND_STRING) {
			rd_kafka_header_add(hdrs, jv_string_value(name), -1,
			    jv_string_value(val),
			    jv_string_length_bytes(jv_copy(val)));
		} else if (jv_get_kind(val) == JV_KIND_OBJECT) {
			jv b = jv_object_get(jv_copy(val), jv_string("base64"));
			size_t blen;
			void *bytes = NULL;

			if (jv_get_kind(b) == JV_KIND_STRING)
				bytes = base64_decode(jv_string_value(b),
				    (size_t)jv_string_length_bytes(jv_copy(b)),
				    &blen);
			jv_free(b);
			if (bytes == NULL) {
				jv_free(name);
				jv_free(val);
				goto bad;
			}
			rd_kafka_header_add(hdrs, jv_string_value(name), -1,
			    bytes, (ssize_t)blen);
			free(bytes);
		} else {
			jv_free(name);
			jv_free(val);
			goto bad;
		}
		jv_free(name);
		jv_free(val);
	}
	jv_free(list);
	*out = hdrs;
	return 0;
bad:
	jv_free(list);
	rd_kafka_headers_destroy(hdrs);
	*why = "envelope: a header is not [name, value]";
	return -1;
}

int
envelope_parse(const char *line, size_t len, struct envelope *env,
    const char **why)
{
	jv obj, f;
	const char *raw;
	size_t rawlen;

	memset(env, 0, sizeof(*env));
	env->partition = -1;
	env->timestamp = -1;
	obj = jv_parse_sized(line, (int)len);
	if (jv_get_kind(obj) != JV_KIND_OBJECT) {
		jv_free(obj);
		*why = "envelope: not a JSON object";
		return -1;
	}
	f = jv_object_get(jv_copy(obj), jv_string("topic"));
	if (jv_get_kind(f) == JV_KIND_STRING) {
		size_t n;
		env->topic = jv_bytes(f, &n);
	}
	jv_free(f);
	f = jv_object_get(jv_copy(obj), jv_string("partition"));
	if (jv_get_kind(f) == JV_KIND_NUMBER)
		env->partition = (int32_t)jv_number_value(f);
	jv_free(f);
	f = jv_object_get(jv_copy(obj), jv_string("timestamp"));
	if (jv_get_kind(f) == JV_KIND_NUMBER)
		env->timestamp = (int64_t)jv_number_value(f);
	jv_free(f);
	if (parse_bytes_member(obj, "key", &env->key, &env->key_len, why) != 0 ||
	    parse_headers(jv_object_get(jv_copy(obj), jv_string("headers")),
	    &env->headers, why) != 0)
		goto bad;
	/* The value's own bytes, as they stand in the line. */
	if (json_member_span(line, len, "value", &raw, &rawlen) == 0) {
		if ((env->value = malloc(rawlen + 1)) == NULL)
			err(KP_EXIT_FAIL, NULL);
		memcpy(env->value, raw, rawlen);
		env->value[rawlen] = '\0';
		env->value_len = rawlen;
	} else {
		f = jv_object_get(jv_copy(obj), jv_string("value_text"));
		if (jv_get_kind(f) == JV_KIND_STRING) {
			env->value = jv_bytes(f, &env->value_len);
			jv_free(f);
		} else {
			jv_free(f);
			if (parse_bytes_member(obj, "value", &env->value,
			    &env->value_len, why) != 0)
				goto bad;
		}
	}
	jv_free(obj);
	return 0;
bad:
	jv_free(obj);
	envelope_free(env);
	return -1;
}

void
envelope_free(struct envelope *env)
{
	free(env->topic);
	free(env->key);
	free(env->value);
	if (env->headers != NULL)
		rd_kafka_headers_destroy(env->headers);
	memset(env, 0, sizeof(*env));
}
