#include "eosruns.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
eos_run_id_ok(const char *id, size_t len)
{
	size_t i;

	if (len == 0 || len > EOS_RUN_ID_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)id[i]))
			return 0;
	return 1;
}

/* One decimal offset at *p, up to end; 0 if there is none. */
static int
offset_at(const char **p, const char *end, int64_t *v)
{
	int64_t n = 0;
	const char *s = *p;

	if (s == end || !isdigit((unsigned char)*s))
		return 0;
	for (; s < end && isdigit((unsigned char)*s); s++) {
		if (n > (INT64_MAX - 9) / 10)
			return 0;
		n = n * 10 + (*s - '0');
	}
	*p = s;
	*v = n;
	return 1;
}

int
eos_runs_parse(const void *meta, size_t len, int64_t offset,
    struct eos_run runs[EOS_RUNS_MAX])
{
	const char *p = meta, *end = p + len, *id;
	size_t np = strlen(EOS_PROCESSED_PREFIX), nr = strlen(EOS_RUNS_PREFIX);
	size_t idlen;
	int64_t v;
	int n = 0;

	if (meta == NULL)
		return 0;
	if (len > np && memcmp(p, EOS_PROCESSED_PREFIX, np) == 0) {
		p += np;
		if (!offset_at(&p, end, &v) || p != end || v <= offset)
			return 0;
		strcpy(runs[0].id, "p");
		runs[0].processed = v;
		return 1;
	}
	if (len <= nr || memcmp(p, EOS_RUNS_PREFIX, nr) != 0)
		return 0;
	p += nr;
	while (p < end) {
		for (id = p; p < end && *p != ':'; p++)
			;
		idlen = (size_t)(p - id);
		if (p == end || !eos_run_id_ok(id, idlen))
			return 0;
		p++;
		if (!offset_at(&p, end, &v) ||
		    (p < end && (*p++ != ',' || p == end)))
			return 0;
		if (v > offset && n < EOS_RUNS_MAX) {
			memcpy(runs[n].id, id, idlen);
			runs[n].id[idlen] = '\0';
			runs[n].processed = v;
			n++;
		}
	}
	return n;
}

int
eos_runs_format(const struct eos_run *runs, int n, char *buf, size_t size)
{
	size_t at;
	int i, w;

	w = snprintf(buf, size, "%s", EOS_RUNS_PREFIX);
	if (w < 0 || (size_t)w >= size)
		return -1;
	at = (size_t)w;
	for (i = 0; i < n; i++) {
		w = snprintf(buf + at, size - at, "%s%s:%" PRId64, i ? "," : "",
		    runs[i].id, runs[i].processed);
		if (w < 0 || (size_t)w >= size - at)
			return -1;
		at += (size_t)w;
	}
	return (int)at;
}
