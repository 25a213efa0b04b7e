#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "xalloc.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
base64_encode(const void *src, size_t n)
{
	const unsigned char *p = src;
	char *out, *o;
	size_t i;

	/* 4 bytes for each 3 begun, a NUL, and a few to spare. */
	out = xreallocarray(NULL, n / 3 + 2, 4);
	o = out;
	for (i = 0; i + 2 < n; i += 3) {
		*o++ = alphabet[p[i] >> 2];
		*o++ = alphabet[(p[i] & 3) << 4 | p[i + 1] >> 4];
		*o++ = alphabet[(p[i + 1] & 15) << 2 | p[i + 2] >> 6];
		*o++ = alphabet[p[i + 2] & 63];
	}
	if (i < n) {
		*o++ = alphabet[p[i] >> 2];
		if (i + 1 < n) {
			*o++ = alphabet[(p[i] & 3) << 4 | p[i + 1] >> 4];
			*o++ = alphabet[(p[i + 1] & 15) << 2];
		} else {
			*o++ = alphabet[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

void *
base64_decode(const char *src, size_t n, size_t *outlen)
{
	unsigned char *out;
	unsigned int acc = 0;
	size_t i, o = 0;
	int bits = 0, pad = 0;

	if (n % 4 != 0)
		return NULL;
	out = xmalloc(n / 4 * 3 + 1);
	for (i = 0; i < n; i++) {
		const char *pos;

		if (src[i] == '=') {
			if (i < n - 2)
				goto bad;
			pad++;
			continue;
		}
		if (pad > 0 || src[i] == '\0' ||
		    (pos = strchr(alphabet, src[i])) == NULL)
			goto bad;
		acc = acc << 6 | (unsigned int)(pos - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/*
	 * The bits past the last whole byte must be zero: RFC 4648 3.5
	 * allows decoders to refuse other texts, which would otherwise
	 * decode to the same bytes as the one this encoder writes.
	 */
	if ((acc & ((1u << bits) - 1)) != 0)
		goto bad;
	*outlen = o;
	return out;
bad:
	free(out);
	return NULL;
}
