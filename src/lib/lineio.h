/*
 * NDJSON line I/O. Input is read from a file descriptor into a growing
 * buffer, so a caller can poll(2) it beside other work (Kafka events, a
 * second input). Output goes through stdio, fully buffered, and the caller
 * flushes when its input goes idle: low latency in a live pipe, large
 * writes under load.
 */
#ifndef KP_LINEIO_H
#define KP_LINEIO_H

#include <stddef.h>
#include <sys/types.h>

struct line_reader {
	int		 fd;
	const char	*name;		/* for messages: "<stdin>" or a path */
	char		*buf;
	size_t		 cap, start, end;
	size_t		 scan;		/* where the search for '\n' resumes */
	int		 eof;
	int		 unterminated;	/* the last line had no '\n' */
	unsigned long	 lineno;	/* number of the line last returned */
};

void	line_reader_init(struct line_reader *, int fd, const char *name);
void	line_reader_free(struct line_reader *);
/*
 * Returns 1 with the next complete line (NUL-terminated, newline removed)
 * in *line and *len; 0 if more input is needed (call line_reader_fill);
 * -1 at end of input. A last line without a newline is still returned,
 * with r->unterminated set.
 */
int	line_reader_next(struct line_reader *, char **line, size_t *len);
/* One read(2). Returns bytes read, 0 at end of input, -1 with errno set. */
ssize_t	line_reader_fill(struct line_reader *);

/* Makes stdout fully buffered with a large buffer. */
void	out_init(void);
/* Writes len bytes and a newline; -1 if stdout failed (errno set). */
int	out_line(const char *s, size_t len);
/* Flushes stdout; -1 if it failed (errno set). */
int	out_flush(void);
/*
 * Flushes and closes stdout, as the last thing a tool does. Returns 0, or
 * -1 after a warning if anything written was lost (a full disk never exits
 * 0); a closed pipe (EPIPE) is quiet and returns 1.
 */
int	out_close(void);

#endif
