/*
 * The aggregates of wagg's list, 'count, avg(.result), p99(.result)':
 * how each is written, what it reads from a record, what it keeps per
 * window and key, and how it is printed. Like SQL's, every aggregate but
 * count skips records whose value is null or missing; the numeric ones
 * (sum, avg, min, max, quantiles) refuse a value that is not a number,
 * and the record is then set aside as a bad line.
 */
#ifndef WAGG_AGG_H
#define WAGG_AGG_H

#include <stddef.h>
#include <stdint.h>

#include <jv.h>

#include "jsonpath.h"

#define AGG_WHY_MAX	256
#define AGG_LIMIT		64

enum agg_fn {
	AGG_COUNT, AGG_SUM, AGG_AVG, AGG_MIN, AGG_MAX, AGG_FIRST, AGG_LAST,
	AGG_COUNT_DISTINCT, AGG_QUANTILE
};

struct jqexpr;

struct agg_spec {
	enum agg_fn	 fn;
	char		*expr;		/* NULL: count of records */
	struct json_path path;
	int		 is_path;	/* read without libjq */
	struct jqexpr	*jq;
	double		 q;		/* AGG_QUANTILE */
	char		*name;		/* the output member */
	int		 same;		/* an earlier aggregate of this expr, or -1 */
};

/* One record's value of an aggregate's expression. */
enum { VAL_NULL, VAL_NUMBER, VAL_OTHER };
struct agg_value {
	int		 kind;
	double		 num;
	const char	*text;		/* its JSON text, as it came */
	size_t		 len;
};

struct agg_list {
	struct agg_spec	 a[AGG_LIMIT];
	int		 n;
	int		 need_jv;	/* some expression needs libjq */
	struct agg_value v[AGG_LIMIT];	/* the current record's */
	char		*buf[AGG_LIMIT];	/* texts jq printed */
};

/*
 * Parses the list: aggregates separated by commas, each fn, fn(expr) or
 * quantile(expr; q), optionally followed by "as name". Returns 0, or -1
 * with the reason in why. Exits 2 if an expression does not compile.
 */
int	agg_parse(struct agg_list *, const char *text, char why[AGG_WHY_MAX]);
void	agg_free(struct agg_list *);
/*
 * Reads every aggregate's value of the valid JSON object line[0..len)
 * into l->v. Returns 0, or -1 with the reason it cannot be used.
 */
int	agg_read(struct agg_list *, const char *line, size_t len,
	    char why[AGG_WHY_MAX]);

/* What an aggregate keeps for one window and key. */
struct agg_acc {
	uint64_t	 n;
	double		 x, c;		/* sum and its compensation; min; max */
	int64_t		 ts;		/* first, last: the record's time */
	char		*text;
	size_t		 len;
	void		*p;		/* a set or a sketch */
};

void	agg_acc_init(const struct agg_list *, struct agg_acc *);
void	agg_acc_free(const struct agg_list *, struct agg_acc *);
/* Adds the current record (time ts) to accs, one per aggregate. */
void	agg_acc_add(const struct agg_list *, struct agg_acc *, int64_t ts);
/* Adds what src holds to dst (sessions that merge). */
void	agg_acc_merge(const struct agg_list *, struct agg_acc *dst,
	    struct agg_acc *src);
/* Bytes held beyond the struct, for --stats. */
size_t	agg_acc_bytes(const struct agg_list *, const struct agg_acc *);
/*
 * Appends ,"name":value for each aggregate to *buf (grown as needed,
 * *len its length, *cap its size).
 */
void	agg_acc_print(const struct agg_list *, struct agg_acc *, char **buf,
	    size_t *len, size_t *cap);

/* Appends s[0..n) to a growing buffer. */
void	buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n);

#endif
