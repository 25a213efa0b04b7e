/*
 * base64: bytes of every length come back as they were, and a text is
 * decoded exactly when it is what the encoder writes for some bytes (RFC
 * 4648 canonical form), judged by encoding the result again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "tap.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 1 if s decodes, and only to bytes that encode back to s. */
static int
consistent(const char *s, size_t n, int *decoded)
{
	size_t len;
	unsigned char *b = base64_decode(s, n, &len);
	char *again;
	int same;

	*decoded = b != NULL;
	if (b == NULL)
		return 1;
	again = base64_encode(b, len);
	same = strlen(again) == n && memcmp(again, s, n) == 0;
	free(again);
	free(b);
	return same;
}

int
main(void)
{
	static const struct {
		const char	*text;
		int		 ok;
	} cases[] = {
		{ "", 1 }, { "AA==", 1 }, { "AP4=", 1 }, { "AP7=", 0 },
		{ "AB==", 0 }, { "QUI=", 1 }, { "QUJ=", 0 }, { "QUJD", 1 },
		{ "A===", 0 }, { "AA=A", 0 }, { "=AAA", 0 }, { "AAA", 0 },
		{ "AA==AA==", 0 }, { "AA\nA", 0 }, { "AA A", 0 }, { "AA-_", 0 },
	};
	unsigned char bytes[64];
	char text[8], what[128];
	size_t i, n, len;
	uint32_t x = 12345;
	int bad = 0, decoded, accepted = 0, refused = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char *b = base64_decode(cases[i].text,
		    strlen(cases[i].text), &len);

		snprintf(what, sizeof(what), "%s \"%s\"", cases[i].ok ?
		    "decodes" : "refused:", cases[i].text);
		tap_ok((b != NULL) == cases[i].ok, what);
		free(b);
	}

	for (n = 0; n < sizeof(bytes); n++) {
		char *t;
		unsigned char *b;

		for (i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			bytes[i] = (unsigned char)(x >> 16);
		}
		t = base64_encode(bytes, n);
		b = base64_decode(t, strlen(t), &len);
		if (b == NULL || len != n || memcmp(b, bytes, n) != 0)
			bad++;
		free(b);
		free(t);
	}
	tap_ok(bad == 0, "bytes of 0 to 63 bytes come back as they were");

	/* Every final group with padding: "XY==" and "XYZ=". */
	bad = 0;
	for (i = 0; i < 64 * 64 * 65; i++) {
		text[0] = alphabet[i % 64];
		text[1] = alphabet[i / 64 % 64];
		text[2] = i / 4096 < 64 ? alphabet[i / 4096] : '=';
		text[3] = '=';
		if (!consistent(text, 4, &decoded))
			bad++;
		decoded ? accepted++ : refused++;
	}
	/* And groups without, in a sample. */
	for (i = 0; i < 100000; i++) {
		x = x * 1103515245 + 12345;
		text[0] = alphabet[(x >> 8) % 64];
		text[1] = alphabet[(x >> 14) % 64];
		text[2] = alphabet[(x >> 20) % 64];
		text[3] = alphabet[(x >> 26) % 64];
		if (!consistent(text, 4, &decoded) || !decoded)
			bad++;
	}
	snprintf(what, sizeof(what), "decoded only when canonical "
	    "(%d padded groups decoded, %d refused)", accepted, refused);
	tap_ok(bad == 0 && accepted == 64 * 4 + 64 * 64 * 16 && refused > 0,
	    what);
	return tap_done();
}
