/*
 * json_path_find against jq's getpath: the input is a path, a newline, and
 * a JSON text. When the path parses and the text is valid, the value found
 * in the raw text is the value libjq finds (of duplicate keys the last),
 * unless a key on the way was written with escapes (which the raw lookup
 * compares as written and says so); a path that is not found is null or
 * not an object to jq.
 */
#include <jv.h>

#include "fuzz.h"
#include "jsonpath.h"
#include "jsonscan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	const uint8_t *nl = memchr(data, '\n', n);
	char *path, *text;
	const char *why, *val;
	size_t tn, len;
	struct json_path jp;
	int escapes = 0, rc, i;
	jv doc, want, got;

	if (nl == NULL)
		return 0;
	path = fuzz_strndup(data, (size_t)(nl - data));
	tn = n - (size_t)(nl - data) - 1;
	text = fuzz_strndup(nl + 1, tn);
	if (json_path_parse(&jp, path) != 0 ||
	    json_validate(text, tn, &why) != 0) {
		/* A path that parsed holds its keys; one that did not, none. */
		json_path_free(&jp);
		free(path);
		free(text);
		return 0;
	}
	for (i = 0; i < jp.depth; i++)
		if (memchr(jp.key[i], '\\', jp.keylen[i]) != NULL)
			escapes = 1;	/* the raw key is not the key's text */
	rc = json_path_find(&jp, text, tn, &val, &len, &escapes);
	if (escapes) {
		json_path_free(&jp);
		free(path);
		free(text);
		return 0;
	}
	doc = jv_parse_sized(text, (int)tn);
	if (!jv_is_valid(doc))
		fuzz_fail("valid to the scanner, not to libjq");
	want = doc;
	for (i = 0; i < jp.depth && jv_is_valid(want); i++) {
		if (jv_get_kind(want) != JV_KIND_OBJECT) {
			jv_free(want);
			want = jv_invalid();
			break;
		}
		want = jv_object_get(want, jv_string_sized(jp.key[i],
		    (int)jp.keylen[i]));
	}
	if (rc == 0) {
		got = jv_parse_sized(val, (int)len);
		if (!escapes && !jv_equal(jv_copy(got), jv_copy(want)))
			fuzz_fail("%s: found %.*s, jq finds another value",
			    path, (int)len, val);
		jv_free(got);
	} else if (!escapes && jv_is_valid(want) &&
	    jv_get_kind(want) != JV_KIND_NULL) {
		fuzz_fail("%s: not found, jq finds a value", path);
	}
	jv_free(want);
	json_path_free(&jp);
	free(path);
	free(text);
	return 0;
}
