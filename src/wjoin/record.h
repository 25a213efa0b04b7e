/*
 * What the join needs from one input line: that it is a JSON object, its
 * event time, and, for a keyed join, its key as text that is equal for
 * equal jq values. The line itself is kept as it came.
 */
#ifndef WJOIN_RECORD_H
#define WJOIN_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "eventtime.h"
#include "jsonpath.h"

#define RECORD_WHY_MAX	256

struct jqexpr;

struct record_spec {
	struct eventtime	 ts;
	const char		*key_text;	/* the key expression, or NULL */
	struct json_path	 key_path;	/* the key, if it is a plain path */
	int			 key_is_path;
	struct jqexpr		*key_expr;
	struct jv_parser	*parser;	/* kept: one per line costs more */
};

struct record {
	int64_t		 ts;		/* µs since the epoch */
	int		 nullkey;
	char		*key;		/* the key's canonical JSON text */
	size_t		 keylen, keycap;
};

/*
 * Sets up reading times at ts_path (numbers in units of unit_us) and, if
 * key is not NULL, keys with that jq expression (option names it in
 * messages; it exits 2 if the expression does not compile). Returns -1 if
 * ts_path is not a path.
 */
int	record_spec_init(struct record_spec *, const char *ts_path,
	    int64_t unit_us, const char *key, const char *option);
void	record_spec_free(struct record_spec *);

/*
 * Reads line[0..len). Returns 0, or -1 with the reason it cannot be used:
 * among them, nesting that would be too deep in the pair that carries it.
 * The key is jq's compact, key-sorted rendering of the expression's first
 * output; a plain path such as .id is looked up in the raw text without
 * libjq when that gives the same text.
 */
int	record_parse(struct record_spec *, const char *line, size_t len,
	    struct record *, char why[RECORD_WHY_MAX]);
void	record_free(struct record *);

/*
 * The canonical text of the raw JSON value v[0..len) as jq would print
 * it, into *out; -1 if only jq can tell (escapes, arrays, objects).
 */
int	record_key_text(const char *v, size_t len, struct record *out);

#endif
