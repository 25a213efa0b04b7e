#include <string.h>

#include "jsonwalk.h"

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * p is just past an opening quote; returns the closing quote: the first
 * quote after an even number of backslashes.
 */
static const char *
string_end(const char *p, const char *end)
{
	const char *q, *b;

	while ((q = memchr(p, '"', (size_t)(end - p))) != NULL) {
		for (b = q; b > p && b[-1] == '\\'; b--)
			;
		if ((q - b) % 2 == 0)
			return q;
		p = q + 1;
	}
	return end;
}

/* The end of the (valid) value starting at p. */
static const char *
value_end(const char *p, const char *end)
{
	int depth = 0;

	do {
		switch (*p) {
		case '"':
			p = string_end(p + 1, end) + 1;
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			depth--;
			break;
		default:
			if (depth == 0) {
				/* A number or a word: up to the next delimiter. */
				while (p < end && *p != ',' && *p != '}' &&
				    *p != ']' && *p != ' ' && *p != '\t' &&
				    *p != '\n' && *p != '\r')
					p++;
				return p;
			}
		}
		p++;
	} while (depth > 0 && p < end);
	return p;
}

int
json_walk_begin(struct json_walk *w, const char *s, size_t n)
{
	w->end = s + n;
	w->p = skip_ws(s, w->end);
	if (w->p >= w->end || *w->p != '{')
		return -1;
	w->p++;
	return 0;
}

int
json_walk_next(struct json_walk *w, struct json_member *m)
{
	const char *p = skip_ws(w->p, w->end);

	if (p < w->end && *p == ',')
		p = skip_ws(p + 1, w->end);
	if (p >= w->end || *p != '"') {
		w->p = p;
		return 0;
	}
	m->key = p + 1;
	p = string_end(p + 1, w->end);
	m->keylen = (size_t)(p - m->key);
	p = skip_ws(p + 1, w->end);	/* past the closing quote */
	p = skip_ws(p + 1, w->end);	/* past the colon */
	m->value = p;
	p = value_end(p, w->end);
	m->valuelen = (size_t)(p - m->value);
	w->p = p;
	return 1;
}
