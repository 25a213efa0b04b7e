/*
 * The tutorial's strategy as a transformation of one NDJSON line: the
 * number at a path goes in, the line comes out with one member added (or
 * replaced), every other byte as it was.
 */
#ifndef STRATEGY_TRANSFORM_H
#define STRATEGY_TRANSFORM_H

#include <stddef.h>

#include "jsonpath.h"

#define STRATEGY_WHY_MAX	256	/* room for a reason */

struct strategy {
	struct json_path field;		/* -f */
	char		*out_key;	/* -o, JSON-escaped, without quotes */
	size_t		 out_keylen;
	char		*line;		/* the line last made */
	size_t		 len, cap;
};

/*
 * Sets up the transformation of the number at path (".value", ".a.b",
 * ."a key") into a member called name. Returns -1 if path is not a path.
 */
int	strategy_init(struct strategy *, const char *path, const char *name);
void	strategy_free(struct strategy *);

/* value < 30: value x 2; up to 60: value x 1.5 + 10; above: value^2 / 100. */
double	strategy_result(double value);

/*
 * Transforms line[0..len) into st->line, st->len (NUL-terminated, valid
 * until the next call). Returns 0, or -1 with why set to the reason the
 * line cannot be used. The result member goes
 * before the closing brace, or, if the object has one already, replaces
 * its value where it stands and drops any duplicates, as jq's
 * `.result = x` does.
 */
int	strategy_apply(struct strategy *, const char *line, size_t len,
	    char why[STRATEGY_WHY_MAX]);

#endif
