#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include <jv.h>

#include "base64.h"
#include "jsonscan.h"
#include "kp.h"
#include "rejects.h"

/* Past this many, stderr says so once and the rest are only counted. */
#define REJECTS_SHOWN	100

void
rejects_open(struct rejects *rj, const char *path, int strict)
{
	rj->file = NULL;
	rj->strict = strict;
	rj->defer_exit = 0;
	rj->stopped = 0;
	rj->count = 0;
	rj->kept = 0;
	if (path != NULL && (rj->file = fopen(path, "a")) == NULL)
		err(KP_EXIT_USAGE, "%s", path);
}

/*
 * One object a line: the bytes themselves as "raw" when they are UTF-8, or
 * as "raw_base64" when not, since a JSON string cannot hold them and the
 * line must be replayable byte for byte.
 */
static void
rejects_write(struct rejects *rj, const char *source, unsigned long lineno,
    const char *line, size_t len, const char *reason)
{
	jv rec, out;

	if (rj->file == NULL)
		return;
	rec = jv_object();
	rec = jv_object_set(rec, jv_string("source"), jv_string(source));
	rec = jv_object_set(rec, jv_string("line"), jv_number((double)lineno));
	rec = jv_object_set(rec, jv_string("reason"), jv_string(reason));
	if (utf8_valid(line, len)) {
		rec = jv_object_set(rec, jv_string("raw"),
		    jv_string_sized(line, (int)len));
	} else {
		char *b64 = base64_encode(line, len);

		rec = jv_object_set(rec, jv_string("raw_base64"),
		    jv_string(b64));
		free(b64);
	}
	out = jv_dump_string(rec, 0);
	fprintf(rj->file, "%s\n", jv_string_value(out));
	jv_free(out);
}

void
rejects_add(struct rejects *rj, const char *source, unsigned long lineno,
    const char *line, size_t len, const char *reason)
{
	rj->count++;
	if (rj->count <= REJECTS_SHOWN || rj->strict)
		warnx("%s:%lu: %s", source, lineno, reason);
	else if (rj->count == REJECTS_SHOWN + 1)
		warnx("more bad lines: only counted from here on");
	rejects_write(rj, source, lineno, line, len, reason);
	if (rj->strict && rj->defer_exit) {
		rj->stopped = 1;
	} else if (rj->strict) {
		rejects_close(rj);
		errx(KP_EXIT_FAIL, "stopped at the first bad line (--strict)");
	}
}

void
rejects_keep(struct rejects *rj, const char *source, unsigned long lineno,
    const char *line, size_t len, const char *reason)
{
	rj->kept++;
	rejects_write(rj, source, lineno, line, len, reason);
}

int
rejects_summary(const struct rejects *rj)
{
	if (rj->count == 0)
		return 0;
	warnx("%lu bad line%s set aside", rj->count, rj->count == 1 ? "" : "s");
	return -1;
}

int
rejects_close(struct rejects *rj)
{
	int rc = 0;

	if (rj->file != NULL && (fflush(rj->file) != 0 || ferror(rj->file) ||
	    fclose(rj->file) != 0)) {
		warn("rejects file");
		rc = -1;
	}
	rj->file = NULL;
	return rc;
}
