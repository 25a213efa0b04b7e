/*
 * What the next program of the pipeline has taken of kin's output. A line
 * written to stdout is in kin's stdio buffer, then in the pipe (up to its
 * 64 KiB, the kernel's), then read by the next program. Only the last is
 * read: kin commits a line's offset once the reader has taken the line
 * from the pipe. The bytes written are counted as write(2) takes them, the
 * bytes the pipe still holds are its FIONREAD, so each line's end byte
 * tells whether it was taken. What the reader took into a buffer of its
 * own and then dropped (head(1) exiting) is beyond kin's sight.
 */
#ifndef KIN_TAKEN_H
#define KIN_TAKEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A line written and not yet known to be taken. */
struct taken_line {
	uint64_t	 end;		/* output byte count just after it */
	int64_t		 next;		/* its partition's offset after it */
	int		 part;		/* the caller's index of its partition */
};

struct taken {
	int			 fd;
	int			 is_pipe;	/* a pipe or FIFO: FIONREAD tells */
	uint64_t		 written;	/* bytes write(2) took */
	struct taken_line	*q;		/* in output order */
	size_t			 head, n, cap;
};

void	taken_init(struct taken *, int fd);
void	taken_free(struct taken *);
/*
 * A fully buffered stdio stream writing to the descriptor, counting what
 * write(2) takes; a write cut by a signal goes on (a line is never left
 * half written) unless a second stop signal came. Exits 1 if it cannot.
 */
FILE	*taken_stream(struct taken *);
/* Where the output stands once what fp buffers is written. */
uint64_t taken_position(const struct taken *, FILE *fp);
/* Notes a line written, ending at byte end. */
void	taken_add(struct taken *, uint64_t end, int part, int64_t next);
/*
 * The bytes the reader has taken: those written less those still in the
 * pipe (all of them written, when the output is not a pipe). Another
 * writer to the same pipe only makes it smaller: never more than taken.
 */
uint64_t taken_bytes(const struct taken *);
/* Takes out the first line that ends at or before upto; 1 if there was one. */
int	taken_pop(struct taken *, uint64_t upto, struct taken_line *);
/* Lines not yet known to be taken. */
size_t	taken_waiting(const struct taken *);
/* Forgets them (their partitions were revoked). */
void	taken_clear(struct taken *);
/* The pipe has no reader any more. */
int	taken_reader_gone(const struct taken *);

#endif
