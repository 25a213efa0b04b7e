/*
 * Base64: bytes encoded decode to themselves; a text that decodes is the
 * canonical encoding of what it decodes to (so "AP7=" is refused, not
 * read as "AP4=").
 */
#include "base64.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *enc;
	void *dec;
	size_t len;

	enc = base64_encode(data, n);
	dec = base64_decode(enc, strlen(enc), &len);
	if (dec == NULL || len != n || memcmp(dec, data, n) != 0)
		fuzz_fail("%zu bytes do not come back", n);
	free(dec);
	free(enc);
	dec = base64_decode((const char *)data, n, &len);
	if (dec != NULL) {
		enc = base64_encode(dec, len);
		if (strlen(enc) != n || memcmp(enc, data, n) != 0)
			fuzz_fail("%.*s decoded, but is not canonical (%s)",
			    (int)n, (const char *)data, enc);
		free(enc);
		free(dec);
	}
	return 0;
}
