#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lineio.h"
#include "xalloc.h"

#define READ_CHUNK	(1 << 16)
#define OUT_BUFSIZE	(1 << 17)

void
line_reader_init(struct line_reader *r, int fd, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->name = name;
	r->cap = READ_CHUNK * 2;
	r->buf = xmalloc(r->cap + 1);
}

void
line_reader_free(struct line_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

int
line_reader_next(struct line_reader *r, char **line, size_t *len)
{
	char *nl;

	if (r->scan < r->start)
		r->scan = r->start;
	nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
	if (nl == NULL) {
		r->scan = r->end;
		if (!r->eof)
			return 0;
		if (r->start == r->end)
			return -1;
		/* The last line has no newline; return it as it is. */
		r->unterminated = 1;
		nl = r->buf + r->end;
	}
	*nl = '\0';
	*line = r->buf + r->start;
	*len = (size_t)(nl - *line);
	r->start = (size_t)(nl - r->buf) + (r->unterminated ? 0 : 1);
	if (r->unterminated)
		r->start = r->end;
	r->scan = r->start;
	r->lineno++;
	return 1;
}

ssize_t
line_reader_fill(struct line_reader *r)
{
	ssize_t n;

	if (r->eof)
		return 0;
	if (r->start > 0 && r->start == r->end) {
		r->start = r->end = r->scan = 0;
	} else if (r->start > 0 && r->cap - r->end < READ_CHUNK) {
		/* Move the partial line to the front before growing. */
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->scan -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < READ_CHUNK) {
		/* Twice the cap + 1 bytes it holds: the new cap and its NUL. */
		r->buf = xreallocarray(r->buf, r->cap + 1, 2);
		r->cap = r->cap * 2 + 1;
	}
	n = read(r->fd, r->buf + r->end, r->cap - r->end);
	if (n > 0)
		r->end += (size_t)n;
	else if (n == 0)
		r->eof = 1;
	return n;
}

void
out_init(void)
{
	static char buf[OUT_BUFSIZE];

	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
}

int
out_line(const char *s, size_t len)
{
	if (fwrite_unlocked(s, 1, len, stdout) != len ||
	    putc_unlocked('\n', stdout) == EOF)
		return -1;
	return 0;
}

int
out_flush(void)
{
	return fflush(stdout) == 0 ? 0 : -1;
}

int
out_close(void)
{
	int failed;

	failed = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		failed = 1;
	if (!failed)
		return 0;
	if (errno == EPIPE)
		return 1;
	warn("stdout");
	return -1;
}
