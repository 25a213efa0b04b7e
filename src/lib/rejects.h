/*
 * Bad input lines: reported on stderr as "tool: SOURCE:LINE: reason", kept
 * with their reason in the --rejects file, counted, and never allowed to
 * stop the stream unless --strict asks for that.
 */
#ifndef KP_REJECTS_H
#define KP_REJECTS_H

#include <stddef.h>
#include <stdio.h>

struct rejects {
	FILE		*file;		/* --rejects FILE, or NULL */
	int		 strict;	/* --strict: the first bad line is fatal */
	/*
	 * With --strict, exit at once (the default), or only set stopped so
	 * that a tool with work in flight (kout's deliveries) can finish it.
	 */
	int		 defer_exit;
	int		 stopped;
	unsigned long	 count;		/* bad lines */
	unsigned long	 kept;		/* lines kept by rejects_keep */
};

/* Opens path for appending (NULL: no file). Exits 2 if it cannot. */
void	rejects_open(struct rejects *, const char *path, int strict);
/*
 * Reports a bad line. The rejects file gets one JSON object per line:
 * {"source":..,"line":..,"reason":..,"raw":..}, the line's bytes in "raw"
 * when they are UTF-8, else in "raw_base64" instead (base64, RFC 4648), so
 * that every line can be replayed byte for byte. With --strict the tool
 * exits 1 here, unless defer_exit is set.
 */
void	rejects_add(struct rejects *, const char *source, unsigned long lineno,
	    const char *line, size_t len, const char *reason);
/*
 * Keeps a line that is not bad but did not get through (kout: not
 * delivered), in the same form, for the caller that has already said so
 * on stderr: counted in kept, not in count, and never a --strict stop.
 */
void	rejects_keep(struct rejects *, const char *source, unsigned long lineno,
	    const char *line, size_t len, const char *reason);
/*
 * The summary at the end, once: "N bad lines set aside" ("1 bad line") on
 * stderr if there were any. Returns -1 then (the tool exits 1), else 0.
 */
int	rejects_summary(const struct rejects *);
/* Closes the file; returns -1 if what was written to it was lost. */
int	rejects_close(struct rejects *);

#endif
