/*
 * wjoin's record reading, its two ways to a key: a plain path (.id, read
 * from the raw text) and the same key through libjq (.id|.). A line is
 * taken by both or refused by both, with the same time and key text.
 */
#include "fuzz.h"
#include "record.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct record_spec fast, slow;
	static int ready;
	static struct record a, b;
	char *s = fuzz_strndup(data, n), whya[RECORD_WHY_MAX],
	    whyb[RECORD_WHY_MAX];
	int ra, rb;

	if (!ready) {
		if (record_spec_init(&fast, ".ts", 1000, ".id", "-k") != 0 ||
		    record_spec_init(&slow, ".ts", 1000, ".id|.", "-k") != 0)
			abort();
		ready = 1;
	}
	ra = record_parse(&fast, s, n, &a, whya);
	rb = record_parse(&slow, s, n, &b, whyb);
	if (ra != rb)
		fuzz_fail("path key %s, jq key %s", ra ? whya : "taken",
		    rb ? whyb : "taken");
	if (ra == 0) {
		if (a.ts != b.ts)
			fuzz_fail("times differ");
		if (a.nullkey != b.nullkey || (!a.nullkey &&
		    (a.keylen != b.keylen ||
		    memcmp(a.key, b.key, a.keylen) != 0)))
			fuzz_fail("keys differ: %.*s and %.*s", (int)a.keylen,
			    a.key, (int)b.keylen, b.key);
	}
	free(s);
	return 0;
}
