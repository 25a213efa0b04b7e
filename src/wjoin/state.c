#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "join.h"
#include "record.h"
#include "rejects.h"
#include "state.h"
#include "xalloc.h"

#define STATE_MAGIC	"wjoin-state 1"

/* A time as the header holds it: µs, or "-" for none. */
static void
put_time(FILE *fp, int64_t t)
{
	if (t == WM_NONE || t == WM_END)
		fputs(" -", fp);
	else
		fprintf(fp, " %" PRId64, t);
}

static int
get_time(char **p, int64_t *t)
{
	char *end;
	long long v;

	while (**p == ' ')
		(*p)++;
	if (**p == '-' && ((*p)[1] == ' ' || (*p)[1] == '\n' ||
	    (*p)[1] == '\0')) {
		(*p)++;
		*t = WM_NONE;
		return 0;
	}
	errno = 0;
	v = strtoll(*p, &end, 10);
	if (end == *p || errno != 0)
		return -1;
	*p = end;
	*t = v;
	return 0;
}

int
state_save(const char *path, const struct join *j)
{
	char *tmp;
	FILE *fp;
	int s, fd, rc = 0;
	size_t i;

	tmp = xasprintf("%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL) {
		warn("--state %s", tmp);
		free(tmp);
		return -1;
	}
	/* Progress first: a side's largest time, then the join's watermark. */
	fputs(STATE_MAGIC " max_ts", fp);
	put_time(fp, j->wm.side[SIDE_LEFT].max_ts);
	put_time(fp, j->wm.side[SIDE_RIGHT].max_ts);
	fputs(" watermark", fp);
	put_time(fp, j->wm.value);
	putc('\n', fp);
	for (s = 0; s < 2; s++) {
		const struct window_deque *d = &j->store[s].all;

		for (i = d->head; i < d->tail; i++) {
			const struct window_rec *r = d->v[i];

			fprintf(fp, "%c%d ", s == SIDE_LEFT ? 'L' : 'R',
			    r->matched ? 1 : 0);
			fwrite(r->line, 1, r->len, fp);
			putc('\n', fp);
		}
	}
	if (fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0) {
		warn("--state %s", path);
		unlink(tmp);
	} else if ((fd = open(path, O_RDONLY)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(tmp);
	return rc;
}

long
state_load(const char *path, struct join *j, struct record_spec *specs[2],
    struct rejects *rj)
{
	FILE *fp;
	char *line = NULL, *p, why[RECORD_WHY_MAX];
	size_t cap = 0, len;
	ssize_t n;
	unsigned long lineno = 1;
	int64_t max_ts[2], wm;
	long loaded = 0;
	int side;
	struct record rec;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		warn("--state %s", path);
		return -1;
	}
	n = getline(&line, &cap, fp);
	p = line;
	if (n < 0 || strncmp(p, STATE_MAGIC " max_ts", 20) != 0 ||
	    (p += 20, get_time(&p, &max_ts[SIDE_LEFT])) != 0 ||
	    get_time(&p, &max_ts[SIDE_RIGHT]) != 0 ||
	    strncmp(p, " watermark", 10) != 0 ||
	    (p += 10, get_time(&p, &wm)) != 0 || *p != '\n') {
		warnx("--state %s: not a state file of this wjoin", path);
		free(line);
		fclose(fp);
		return -1;
	}
	memset(&rec, 0, sizeof(rec));
	while ((n = getline(&line, &cap, fp)) > 0) {
		lineno++;
		len = (size_t)n;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len < 3 || (line[0] != 'L' && line[0] != 'R') ||
		    (line[1] != '0' && line[1] != '1') || line[2] != ' ') {
			rejects_add(rj, path, lineno, line, len,
			    "not a record of a state file");
			continue;
		}
		side = line[0] == 'L' ? SIDE_LEFT : SIDE_RIGHT;
		if (record_parse(specs[side], line + 3, len - 3, &rec,
		    why) != 0) {
			rejects_add(rj, path, lineno, line + 3, len - 3, why);
			continue;
		}
		{
			struct join_rec jr = {
				rec.ts, rec.key, rec.keylen, rec.nullkey,
				line + 3, len - 3, NULL
			};
			join_restore(j, side, &jr, line[1] == '1');
		}
		loaded++;
	}
	record_free(&rec);
	free(line);
	if (ferror(fp)) {
		warn("--state %s", path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	watermark_restore(&j->wm, max_ts, wm);
	join_restored(j);
	if (unlink(path) != 0) {
		warn("--state %s: cannot remove it once read", path);
		return -1;
	}
	return loaded;
}
