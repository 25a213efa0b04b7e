#include <stdlib.h>
#include <string.h>

#include "jsonpath.h"
#include "jsonscan.h"
#include "jsonwalk.h"
#include "xalloc.h"

/* The characters jq allows in .name without quotes. */
static int
ident_char(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (!first && c >= '0' && c <= '9');
}

int
json_path_parse(struct json_path *jp, const char *text)
{
	const char *p = text;
	char *k;

	memset(jp, 0, sizeof(*jp));
	jp->text = text;
	jp->keys = xmalloc(strlen(text) + 1);
	k = jp->keys;
	while (*p == '.') {
		const char *from, *to;

		if (jp->depth == JSON_PATH_MAX)
			goto bad;
		p++;
		if (*p == '"') {
			/* A quoted key: one JSON string, compared as written. */
			from = p++;
			while (*p != '\0' && *p != '"')
				p += p[0] == '\\' && p[1] != '\0' ? 2 : 1;
			if (*p++ != '"' || json_validate(from, (size_t)(p - from),
			    NULL) != 0)
				goto bad;
			from++;
			to = p - 1;
		} else {
			from = p;
			if (!ident_char(*p, 1))
				goto bad;
			while (ident_char(*p, 0))
				p++;
			to = p;
		}
		jp->key[jp->depth] = k;
		jp->keylen[jp->depth] = (size_t)(to - from);
		memcpy(k, from, (size_t)(to - from));
		k += to - from;
		jp->depth++;
	}
	if (*p != '\0' || jp->depth == 0)
		goto bad;
	return 0;
bad:
	json_path_free(jp);
	return -1;
}

void
json_path_free(struct json_path *jp)
{
	free(jp->keys);
	jp->keys = NULL;
	jp->depth = 0;
}

int
json_path_find(const struct json_path *jp, const char *s, size_t n,
    const char **val, size_t *len, int *escapes)
{
	struct json_walk w;
	struct json_member m;
	const char *found;
	size_t foundlen = 0;
	int i;

	if (escapes != NULL)
		*escapes = 0;
	for (i = 0; i < jp->depth; i++) {
		if (json_walk_begin(&w, s, n) != 0)
			return -1;
		found = NULL;
		while (json_walk_next(&w, &m)) {
			if (m.keylen == jp->keylen[i] &&
			    memcmp(m.key, jp->key[i], m.keylen) == 0) {
				found = m.value;
				foundlen = m.valuelen;
			}
			if (escapes != NULL && memchr(m.key, '\\', m.keylen))
				*escapes = 1;
		}
		if (found == NULL)
			return -1;
		s = found;
		n = foundlen;
	}
	*val = s;
	*len = n;
	return 0;
}
