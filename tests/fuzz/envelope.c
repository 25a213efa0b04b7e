/*
 * kout -E's envelope parser on any line: no crash or undefined behaviour
 * (UBSan aborts), and what it takes is within its types: a partition of
 * -1 or 0..INT32_MAX, a timestamp of -1 (absent) or at least 0.
 */
#include "envelope.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *s = fuzz_strndup(data, n);
	struct envelope env;
	const char *why;

	memset(&env, 0, sizeof(env));
	if (envelope_parse(s, n, &env, &why) == 0) {
		if (env.partition < -1)
			fuzz_fail("partition %d taken", (int)env.partition);
		if (env.timestamp < -1)
			fuzz_fail("timestamp %lld taken",
			    (long long)env.timestamp);
		if (env.value == NULL && env.value_len != 0)
			fuzz_fail("a tombstone with a length");
	}
	envelope_free(&env);
	free(s);
	return 0;
}
