/*
 * xalloc: what the allocators return, and that a count times a size that
 * does not fit in size_t ends the program with exit 1 and err(3)'s
 * message instead of giving a short block.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "xalloc.h"

/* Under AddressSanitizer a failed allocation returns NULL, as in libc. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

enum { ARRAY_OVERFLOW, CALLOC_OVERFLOW };

/* Runs one failing allocation in a child: its exit status and stderr. */
static int
child_fails(int which, char *err, size_t errsize)
{
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	/* What is buffered is written once, not again by the child. */
	fflush(stdout);
	if (pipe(fds) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		if (which == ARRAY_OVERFLOW)
			xreallocarray(NULL, SIZE_MAX / 2 + 1, 2);
		else
			xcalloc(SIZE_MAX / 4 + 1, 8);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], err, errsize - 1);
	err[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int
main(void)
{
	static const char *names[] = {
		"xreallocarray(NULL, SIZE_MAX / 2 + 1, 2)",
		"xcalloc(SIZE_MAX / 4 + 1, 8)"
	};
	char what[256], err[512], *s, *p;
	size_t *z, i;
	int which, rc;

	s = xstrdup("kpipes");
	tap_ok(strcmp(s, "kpipes") == 0, "xstrdup copies");
	free(s);
	s = xstrndup("kpipes", 2);
	tap_ok(strcmp(s, "kp") == 0, "xstrndup copies at most n bytes");
	free(s);
	s = xasprintf("%s:%d", "t", 42);
	tap_ok(strcmp(s, "t:42") == 0, "xasprintf formats");
	free(s);
	z = xcalloc(100, sizeof(*z));
	for (i = 0; i < 100 && z[i] == 0; i++)
		;
	tap_ok(i == 100, "xcalloc zeroes");
	z = xreallocarray(z, 1000, sizeof(*z));
	z[999] = 7;
	tap_ok(z[999] == 7, "xreallocarray grows");
	free(z);
	p = xmalloc(16);
	p = xreallocarray(p, 0, 8);
	tap_ok(p != NULL, "xreallocarray to 0 bytes gives a block, not NULL");
	free(p);

	for (which = ARRAY_OVERFLOW; which <= CALLOC_OVERFLOW; which++) {
		rc = child_fails(which, err, sizeof(err));
		snprintf(what, sizeof(what), "%s exits 1 with err(3)'s message",
		    names[which]);
		if (!tap_ok(rc == 1 && strstr(err, "xalloc_test: ") == err &&
		    strstr(err, strerror(ENOMEM)) != NULL, what))
			printf("# exit %d, stderr: %s\n", rc, err);
	}
	return tap_done();
}
