/*
 * Walks the members of a JSON object that json_validate (jsonscan.h) has
 * already accepted, handing out raw spans of keys and values. Nothing is
 * copied or decoded, so a caller can pass the bytes on unchanged and edit
 * only what it means to; and, unlike json_member_span, it sees every
 * member, duplicates included, and where the object closes.
 */
#ifndef KP_JSONWALK_H
#define KP_JSONWALK_H

#include <stddef.h>

struct json_walk {
	const char	*p, *end;
};

struct json_member {
	const char	*key;		/* between the quotes, escapes as written */
	size_t		 keylen;
	const char	*value;		/* the value's raw text */
	size_t		 valuelen;
};

/*
 * Starts a walk of s[0..n), which must be valid JSON; white space before
 * the object is skipped. Returns -1 if the value is not an object.
 */
int	json_walk_begin(struct json_walk *, const char *s, size_t n);
/*
 * Returns 1 and the next member, or 0 once the members are done; w->p then
 * points at the object's closing brace.
 */
int	json_walk_next(struct json_walk *, struct json_member *);

#endif
