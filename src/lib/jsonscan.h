/*
 * A JSON scanner that allocates nothing: validates a JSON text (RFC 8259,
 * UTF-8) and finds the raw bytes of an object's members. The raw bytes are
 * what kpipes passes on, so numbers and key order survive unchanged; libjq
 * is used only where a value must be computed with.
 */
#ifndef KP_JSONSCAN_H
#define KP_JSONSCAN_H

#include <stddef.h>
#include <sys/types.h>

#include "jsonwalk.h"

/*
 * Deepest nesting accepted, as libjq 1.6's parser counts it: an array takes
 * one level, an object two. Arrays nest 256 deep, objects 128.
 */
#define JSON_MAX_DEPTH	256

/*
 * Returns 0 if s[0..n) is exactly one JSON value, with optional white space
 * around it; otherwise -1, with *why (if not NULL) set to a static reason.
 * The rule is every tool's (kpipes(7)): what libjq 1.6 reads without
 * putting U+FFFD for anything in it. RFC 8259 in UTF-8, nested no deeper
 * than JSON_MAX_DEPTH, and a \u escape of a UTF-16 surrogate only as half
 * of a pair.
 */
int	json_validate(const char *s, size_t n, const char **why);

/*
 * json_validate for a value that is to be written as a member's value in
 * an object (an envelope, say), where it may nest one object less deep.
 */
int	json_validate_member(const char *s, size_t n, const char **why);

/*
 * json_validate in the same pass that, when the value is an object, finds
 * its members as json_walk_next would (raw spans of key and value, in
 * order, duplicates included): the first max go to mem, *count is how many
 * there are (more than max: walk the object instead), and *close points at
 * its closing brace. Not an object: *count is -1.
 */
int	json_validate_object(const char *s, size_t n, const char **why,
	    struct json_member *mem, int max, int *count, const char **close);

/*
 * A reader of one member's value, for json_validate_object_with: the
 * value of the first top-level member called name (its key compared raw)
 * goes to read(v, n, arg) before it is scanned, n being the bytes from v
 * to the end of the text. read returns the length of the valid JSON value
 * it read at v, which is then not scanned again, or 0 to have it scanned.
 */
struct json_reader {
	const char	*name;
	size_t		(*read)(const char *v, size_t n, void *arg);
	void		*arg;
};

/* json_validate_object, with the reader given its member's value. */
int	json_validate_object_with(const char *s, size_t n, const char **why,
	    struct json_member *mem, int max, int *count, const char **close,
	    const struct json_reader *reader);

/*
 * For a valid JSON object s[0..n), finds the first member called name and
 * sets *start and *len to its value's raw text. Returns 0 if found, -1 if
 * s is not an object or has no such member.
 */
int	json_member_span(const char *s, size_t n, const char *name,
	    const char **start, size_t *len);

/*
 * Removes the first member called name from the valid JSON object
 * s[0..n), with its comma, by copying what remains into out (which has
 * room for n bytes). Returns the new length, or -1 if there is no such
 * member; *start and *len are set to the removed member's raw value.
 */
ssize_t	json_member_remove(const char *s, size_t n, const char *name,
	    char *out, const char **start, size_t *len);

/*
 * json_member_remove of the member m of the valid JSON object s[0..n), as
 * json_validate_object or json_walk_next found it: what is left goes to
 * out (room for n bytes). Returns its length.
 */
ssize_t	json_member_cut(const char *s, size_t n, const struct json_member *m,
	    char *out);

/*
 * The length of the run of bytes from s on (at most n) that a JSON string
 * holds as they are: up to a '"', a '\\', a control character or a byte
 * from 0x80 up.
 */
size_t	json_plain_span(const char *s, size_t n);

/* Returns 1 if s[0..n) is valid UTF-8. */
int	utf8_valid(const char *s, size_t n);

#endif
