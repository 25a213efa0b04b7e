/*
 * Paths of object keys in jq's notation (.ts, .a.b, ."a key".b), looked up
 * in the raw text of a record that json_validate (jsonscan.h) accepted.
 * Nothing is decoded: the value found is a span of the record's own bytes.
 */
#ifndef KP_JSONPATH_H
#define KP_JSONPATH_H

#include <stddef.h>

#define JSON_PATH_MAX	16	/* keys in a path */

struct json_path {
	const char	*text;		/* as given, for messages */
	char		*keys;		/* storage for the raw keys below */
	const char	*key[JSON_PATH_MAX];
	size_t		 keylen[JSON_PATH_MAX];
	int		 depth;
};

/*
 * Parses text: one or more of .name (letters, digits, '_') or ."any key"
 * (a JSON string, escapes as written). Returns -1 if it is not such a path.
 */
int	json_path_parse(struct json_path *, const char *text);
void	json_path_free(struct json_path *);

/*
 * Finds the value at the path in the valid JSON text s[0..n). Of duplicate
 * keys the last counts, as in jq. Keys are compared as written; if
 * escapes is not NULL, it is set when a key of an object on the way was
 * written with a backslash, which a decoding reader might see as equal.
 * Returns 0 with the value's raw span, or -1 if a step is not an object
 * or lacks the key.
 */
int	json_path_find(const struct json_path *, const char *s, size_t n,
	    const char **val, size_t *len, int *escapes);

#endif
