#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kp.h"
#include "signals.h"
#include "taken.h"
#include "xalloc.h"

void
taken_init(struct taken *t, int fd)
{
	struct stat st;

	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->is_pipe = fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

void
taken_free(struct taken *t)
{
	free(t->q);
	t->q = NULL;
	t->head = t->n = t->cap = 0;
}

static ssize_t
stream_write(void *cookie, const char *buf, size_t len)
{
	struct taken *t = cookie;
	size_t done = 0;
	ssize_t w;

	while (done < len) {
		w = write(t->fd, buf + done, len - done);
		if (w < 0 && errno == EINTR && kp_stop_count < 2)
			continue;
		if (w < 0)
			break;
		done += (size_t)w;
		t->written += (uint64_t)w;
	}
	/* Less than len: stdio sets the error, errno says why. */
	return done > 0 ? (ssize_t)done : -1;
}

static int
stream_close(void *cookie)
{
	(void)cookie;
	return 0;
}

FILE *
taken_stream(struct taken *t)
{
	cookie_io_functions_t io = { NULL, stream_write, NULL, stream_close };
	FILE *fp;

	if ((fp = fopencookie(t, "w", io)) == NULL)
		err(KP_EXIT_FAIL, "stdout");
	return fp;
}

uint64_t
taken_position(const struct taken *t, FILE *fp)
{
	return t->written + __fpending(fp);
}

void
taken_add(struct taken *t, uint64_t end, int part, int64_t next)
{
	if (t->head > 0 && t->head == t->n)
		t->head = t->n = 0;
	if (t->n == t->cap) {
		if (t->head > 0) {
			memmove(t->q, t->q + t->head,
			    (t->n - t->head) * sizeof(*t->q));
			t->n -= t->head;
			t->head = 0;
		} else {
			size_t cap = t->cap > 0 ? t->cap * 2 : 1024;
			t->q = xreallocarray(t->q, cap, sizeof(*t->q));
			t->cap = cap;
		}
	}
	t->q[t->n].end = end;
	t->q[t->n].part = part;
	t->q[t->n].next = next;
	t->n++;
}

uint64_t
taken_bytes(const struct taken *t)
{
	int unread = 0;

	if (!t->is_pipe || ioctl(t->fd, FIONREAD, &unread) != 0 || unread < 0)
		return t->written;
	return (uint64_t)unread > t->written ? 0 : t->written - (uint64_t)unread;
}

int
taken_pop(struct taken *t, uint64_t upto, struct taken_line *out)
{
	if (t->head == t->n || t->q[t->head].end > upto)
		return 0;
	*out = t->q[t->head++];
	return 1;
}

size_t
taken_waiting(const struct taken *t)
{
	return t->n - t->head;
}

void
taken_clear(struct taken *t)
{
	t->head = t->n = 0;
}

int
taken_reader_gone(const struct taken *t)
{
	struct pollfd pfd = { t->fd, 0, 0 };

	/* A pipe's write end reports POLLERR once no one can read it. */
	return t->is_pipe && poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLERR | POLLHUP)) != 0;
}
