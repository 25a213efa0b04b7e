/*
 * What the libFuzzer harnesses share: each defines LLVMFuzzerTestOneInput
 * and checks a property against an independent oracle (libjv, strtod, a
 * brute-force pair list), calling fuzz_fail when it does not hold, so that
 * libFuzzer keeps the input as a crash.
 */
#ifndef KP_FUZZ_H
#define KP_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define fuzz_fail(...) do {						\
	fprintf(stderr, "fuzz: %s:%d: ", __FILE__, __LINE__);		\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

/* A NUL-terminated copy of the input (the parsers may read s[n]). */
static inline char *
fuzz_strndup(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}
#endif
