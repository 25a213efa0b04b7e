#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base64.h"
#include "envelope.h"
#include "jsonscan.h"
#include "jvint.h"
#include "topicname.h"
#include "xalloc.h"

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
		if (json_validate_member(v, m->len, NULL) == 0) {
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

/* Copies a jv string's bytes into a malloc'd buffer (s stays the caller's). */
static char *
jv_bytes(jv s, size_t *len)
{
	char *out;

	*len = (size_t)jv_string_length_bytes(jv_copy(s));
	out = xmalloc(*len + 1);
	memcpy(out, jv_string_value(s), *len);
	out[*len] = '\0';
	return out;
}

/* The member name of obj, or an invalid jv if it has none. */
static jv
member(jv obj, const char *name)
{
	return jv_object_get(jv_copy(obj), jv_string(name));
}

/*
 * Reads "key" (a string, or null: no key) or "key_base64" into *out:
 * NULL and 0 for no key. Returns -1 with *why if either is something else.
 */
static int
parse_key(jv obj, char **out, size_t *len, const char **why)
{
	jv k = member(obj, "key"), b = member(obj, "key_base64");
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (jv_is_valid(k) && jv_is_valid(b)) {
		*why = "envelope: both key and key_base64";
		rc = -1;
	} else if (jv_get_kind(k) == JV_KIND_STRING) {
		*out = jv_bytes(k, len);
	} else if (jv_is_valid(k) && jv_get_kind(k) != JV_KIND_NULL) {
		*why = "envelope: key is not a string or null";
		rc = -1;
	} else if (jv_get_kind(b) == JV_KIND_STRING) {
		if ((*out = base64_decode(jv_string_value(b),
		    (size_t)jv_string_length_bytes(jv_copy(b)), len)) == NULL) {
			*why = "envelope: key_base64 is not base64";
			rc = -1;
		}
	} else if (jv_is_valid(b)) {
		*why = "envelope: key_base64 is not a string";
		rc = -1;
	}
	jv_free(k);
	jv_free(b);
	return rc;
}

static int
parse_headers(jv list, rd_kafka_headers_t **out, const char **why)
{
	rd_kafka_headers_t *hdrs;
	int i, n;

	*out = NULL;
	if (!jv_is_valid(list) || jv_get_kind(list) == JV_KIND_NULL) {
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
	*why = "envelope: a header is not [name, value], the value a string, "
	    "null or {\"base64\":...}";
	return -1;
}

/*
 * Reads the value: "value" (its bytes as they stand in the line),
 * "value_text" or "value_base64"; none of them is a tombstone.
 */
static int
parse_value(const char *line, size_t len, jv obj, struct envelope *env,
    const char **why)
{
	jv text = member(obj, "value_text"), b64 = member(obj, "value_base64");
	jv v = member(obj, "value");
	const char *raw;
	size_t rawlen;
	int has_value = jv_is_valid(v), rc = 0;

	jv_free(v);

	if (has_value + jv_is_valid(text) + jv_is_valid(b64) > 1) {
		*why = "envelope: more than one of value, value_text and "
		    "value_base64";
		rc = -1;
	} else if (has_value) {
		if (json_member_span(line, len, "value", &raw, &rawlen) != 0) {
			*why = "envelope: value not found";
			rc = -1;
		} else {
			env->value = xmalloc(rawlen + 1);
			memcpy(env->value, raw, rawlen);
			env->value[rawlen] = '\0';
			env->value_len = rawlen;
		}
	} else if (jv_get_kind(text) == JV_KIND_STRING) {
		env->value = jv_bytes(text, &env->value_len);
	} else if (jv_is_valid(text)) {
		*why = "envelope: value_text is not a string";
		rc = -1;
	} else if (jv_get_kind(b64) == JV_KIND_STRING) {
		if ((env->value = base64_decode(jv_string_value(b64),
		    (size_t)jv_string_length_bytes(jv_copy(b64)),
		    &env->value_len)) == NULL) {
			*why = "envelope: value_base64 is not base64";
			rc = -1;
		}
	} else if (jv_is_valid(b64)) {
		*why = "envelope: value_base64 is not a string";
		rc = -1;
	}
	jv_free(text);
	jv_free(b64);
	return rc;
}

int
envelope_parse(const char *line, size_t len, struct envelope *env,
    const char **why)
{
	jv obj, f;
	int64_t n;
	size_t tlen;

	memset(env, 0, sizeof(*env));
	env->partition = -1;
	env->timestamp = -1;
	obj = jv_parse_sized(line, (int)len);
	if (jv_get_kind(obj) != JV_KIND_OBJECT) {
		jv_free(obj);
		*why = "envelope: not a JSON object";
		return -1;
	}
	/* What is absent or null is not given; what is there must be right. */
	f = member(obj, "topic");
	if (jv_get_kind(f) == JV_KIND_STRING) {
		env->topic = jv_bytes(f, &tlen);
		if ((*why = topic_name_why(env->topic, tlen)) != NULL) {
			*why = "envelope: topic is not a topic name (1 to 249 "
			    "of a-z A-Z 0-9 . _ -)";
			jv_free(f);
			goto bad;
		}
	} else if (jv_is_valid(f) && jv_get_kind(f) != JV_KIND_NULL) {
		*why = "envelope: topic is not a string";
		jv_free(f);
		goto bad;
	}
	jv_free(f);
	f = member(obj, "partition");
	if (jv_is_valid(f) && jv_get_kind(f) != JV_KIND_NULL) {
		if (jv_whole(f, 0, INT32_MAX, &n) != 0) {
			*why = "envelope: partition is not a whole number from 0 "
			    "to 2147483647";
			jv_free(f);
			goto bad;
		}
		env->partition = (int32_t)n;
	}
	jv_free(f);
	f = member(obj, "offset");
	if (jv_is_valid(f) && jv_get_kind(f) != JV_KIND_NULL &&
	    jv_whole(f, 0, JVINT_EXACT_MAX, &n) != 0) {
		*why = "envelope: offset is not a whole number, 0 or more";
		jv_free(f);
		goto bad;
	}
	jv_free(f);
	f = member(obj, "timestamp");
	if (jv_is_valid(f) && jv_get_kind(f) != JV_KIND_NULL) {
		/* -1 is Kafka's "none"; librdkafka takes 0 for "now". */
		if (jv_whole(f, -1, JVINT_EXACT_MAX, &n) != 0 || n == 0) {
			*why = "envelope: timestamp is not milliseconds since "
			    "the epoch, a whole number from 1 (or -1: none)";
			jv_free(f);
			goto bad;
		}
		env->timestamp = n;
	}
	jv_free(f);
	if (parse_key(obj, &env->key, &env->key_len, why) != 0 ||
	    parse_headers(member(obj, "headers"), &env->headers, why) != 0 ||
	    parse_value(line, len, obj, env, why) != 0)
		goto bad;
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
