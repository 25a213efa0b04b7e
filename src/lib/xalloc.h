/*
 * Allocation that cannot fail: on failure these print the program's name
 * and strerror(errno) and exit KP_EXIT_FAIL, as err(3) does. The caller
 * owns what they return and frees it with free(3). A count times a size
 * is checked for overflow (ENOMEM), never wrapped.
 */
#ifndef KP_XALLOC_H
#define KP_XALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *, size_t nmemb, size_t size);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* asprintf(3) that returns the string. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
