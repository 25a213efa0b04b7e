/* Base64 (RFC 4648, with padding) for bytes that are not text. */
#ifndef KP_BASE64_H
#define KP_BASE64_H

#include <stddef.h>

/* Encodes n bytes; returns a malloc'd NUL-terminated string. */
char	*base64_encode(const void *src, size_t n);
/*
 * Decodes; returns a malloc'd buffer and its length, or NULL if src is not
 * the canonical base64 of some bytes (what base64_encode would write).
 */
void	*base64_decode(const char *src, size_t n, size_t *outlen);

#endif
