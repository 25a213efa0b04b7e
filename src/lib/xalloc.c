#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kp.h"
#include "xalloc.h"

void *
xmalloc(size_t size)
{
	void *p;

	if ((p = malloc(size)) == NULL)
		err(KP_EXIT_FAIL, NULL);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	/* calloc(3) checks nmemb * size itself. */
	if ((p = calloc(nmemb, size)) == NULL)
		err(KP_EXIT_FAIL, NULL);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	/*
	 * reallocarray(3) fails with ENOMEM when nmemb * size overflows. A
	 * size of 0 would free ptr and return NULL (glibc's realloc): ask
	 * for a byte instead.
	 */
	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = reallocarray(ptr, nmemb, size)) == NULL)
		err(KP_EXIT_FAIL, NULL);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		err(KP_EXIT_FAIL, NULL);
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	if ((p = strndup(s, n)) == NULL)
		err(KP_EXIT_FAIL, NULL);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		err(KP_EXIT_FAIL, NULL);
	return p;
}
