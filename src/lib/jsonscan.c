#include <stdint.h>
#include <string.h>

#include "jsonscan.h"

struct scan {
	const unsigned char	*p, *end;
	const char		*why;
	/* json_validate_object: the top-level object's members, recorded. */
	struct json_member	*mem;
	int			 maxmem, nmem;
	const unsigned char	*close;
	/* json_validate_object_with: the reader not yet given its member. */
	const struct json_reader *reader;
	size_t			 reader_namelen;
};

static int	scan_value(struct scan *, int depth);

static void
skip_ws(struct scan *sc)
{
	const unsigned char *p = sc->p;

	while (p < sc->end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	sc->p = p;
}

static int
fail(struct scan *sc, const char *why)
{
	if (sc->why == NULL)
		sc->why = why;
	return -1;
}

/* Length of the UTF-8 sequence at p, or 0 if it is not valid. */
static size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	size_t need, i;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		need = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if ((size_t)(end - p) < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need;
}

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t k;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((k = utf8_seq(p, end)) == 0)
			return 0;
		p += k;
	}
	return 1;
}

/*
 * Eight bytes at a time: the lowest set bit of the mask marks the first byte
 * that ends a plain run in a string ('"', '\\', a control character or a byte
 * from 0x80 up). Bits above it may be false; the lowest one is exact, since a
 * subtraction only borrows from a byte that is itself special.
 */
#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

static inline uint64_t
special8(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	return (((q - ONES) & ~q) | ((b - ONES) & ~b) | (w - ONES * 0x20) | w) &
	    HIGHS;
}

/*
 * Past the plain bytes from p on, eight at a time: p itself, or the first
 * byte that ends the run, or one of the last seven before end.
 */
static inline const unsigned char *
plain_words(const unsigned char *p, const unsigned char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w, m;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if ((m = special8(w)) != 0)
			return p + __builtin_ctzll(m) / 8;
		p += 8;
	}
#endif
	return p;
}

size_t
json_plain_span(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	for (p = plain_words(p, end); p < end && *p != '"' && *p != '\\' &&
	    *p >= 0x20 && *p < 0x80; p++)
		;
	return (size_t)(p - (const unsigned char *)s);
}

#define UNPAIRED	"unpaired UTF-16 surrogate in a \\u escape"

/* The value of the four hex digits at p, or -1. */
static long
hex4(const unsigned char *p, const unsigned char *end)
{
	long v = 0;
	int i, d;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	return v;
}

static int
scan_string(struct scan *sc)
{
	const unsigned char *p = sc->p + 1, *end = sc->end;	/* past the quote */
	size_t k;
	long cp;

	for (;;) {
		p = plain_words(p, end);
		if (p >= end)
			break;
		if (*p == '"') {
			sc->p = p + 1;
			return 0;
		}
		if (*p < 0x20) {
			sc->p = p;
			return fail(sc, "control character in string");
		}
		if (*p == '\\') {
			if (++p >= end)
				break;
			switch (*p) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p++;
				break;
			case 'u':
				if ((cp = hex4(p + 1, end)) < 0) {
					sc->p = p;
					return fail(sc, "bad \\u escape");
				}
				p += 5;
				/*
				 * A surrogate must be half of a pair, high then
				 * low: libjq refuses a lone high one and turns
				 * a lone low one into U+FFFD.
				 */
				if (cp >= 0xdc00 && cp <= 0xdfff) {
					sc->p = p - 6;
					return fail(sc, UNPAIRED);
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (end - p < 6 || p[0] != '\\' ||
					    p[1] != 'u' ||
					    (cp = hex4(p + 2, end)) < 0xdc00 ||
					    cp > 0xdfff) {
						sc->p = p - 6;
						return fail(sc, UNPAIRED);
					}
					p += 6;
				}
				break;
			default:
				sc->p = p;
				return fail(sc, "bad escape in string");
			}
			continue;
		}
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((k = utf8_seq(p, end)) == 0) {
			sc->p = p;
			return fail(sc, "invalid UTF-8");
		}
		p += k;
	}
	sc->p = end;
	return fail(sc, "unterminated string");
}

static int
digits(struct scan *sc)
{
	const unsigned char *from = sc->p;

	while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
		sc->p++;
	return sc->p > from ? 0 : -1;
}

static int
scan_number(struct scan *sc)
{
	if (*sc->p == '-')
		sc->p++;
	if (sc->p < sc->end && *sc->p == '0')
		sc->p++;
	else if (digits(sc) != 0)
		return fail(sc, "bad number");
	if (sc->p < sc->end && *sc->p == '.') {
		sc->p++;
		if (digits(sc) != 0)
			return fail(sc, "bad number");
	}
	if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
		sc->p++;
		if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
			sc->p++;
		if (digits(sc) != 0)
			return fail(sc, "bad number");
	}
	return 0;
}

static int
scan_word(struct scan *sc, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
		return fail(sc, "not JSON");
	sc->p += n;
	return 0;
}

/*
 * depth counts as libjq's parser does: an array takes one level of its
 * stack, an object two (itself and the key of the member being read).
 */
static int
scan_container(struct scan *sc, int depth, unsigned char close)
{
	if (depth >= JSON_MAX_DEPTH)
		return fail(sc, "nested too deeply");
	sc->p++;
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == close) {
		if (depth == 0 && close == '}')
			sc->close = sc->p;
		sc->p++;
		return 0;
	}
	for (;;) {
		struct json_member *m = NULL;
		const unsigned char *key = sc->p + 1;
		size_t keylen, read = 0;

		if (close == '}') {
			if (sc->p >= sc->end || *sc->p != '"')
				return fail(sc, "object key is not a string");
			if (depth == 0 && sc->mem != NULL &&
			    sc->nmem++ < sc->maxmem)
				m = &sc->mem[sc->nmem - 1];
			if (scan_string(sc) != 0)
				return -1;
			keylen = (size_t)(sc->p - 1 - key);
			if (m != NULL) {
				m->key = (const char *)key;
				m->keylen = keylen;
			}
			skip_ws(sc);
			if (sc->p >= sc->end || *sc->p != ':')
				return fail(sc, "missing ':' in object");
			sc->p++;
			skip_ws(sc);
			/* Keys compared raw, as json_member_span does. */
			if (depth == 0 && keylen == sc->reader_namelen &&
			    sc->reader != NULL &&
			    memcmp(key, sc->reader->name, keylen) == 0) {
				read = sc->reader->read((const char *)sc->p,
				    (size_t)(sc->end - sc->p), sc->reader->arg);
				sc->reader = NULL;
			}
		}
		if (m != NULL)
			m->value = (const char *)sc->p;
		if (read > 0)
			sc->p += read;
		else if (scan_value(sc, depth + (close == '}' ? 2 : 1)) != 0)
			return -1;
		if (m != NULL)
			m->valuelen = (size_t)((const char *)sc->p - m->value);
		skip_ws(sc);
		if (sc->p >= sc->end)
			return fail(sc, "unterminated object or array");
		if (*sc->p == close) {
			if (depth == 0 && close == '}')
				sc->close = sc->p;
			sc->p++;
			return 0;
		}
		if (*sc->p != ',')
			return fail(sc, "missing ',' between elements");
		sc->p++;
		skip_ws(sc);
	}
}

static int
scan_value(struct scan *sc, int depth)
{
	if (sc->p >= sc->end)
		return fail(sc, depth == 0 ? "empty input" :
		    "the line ends where a value should be, inside an object or "
		    "array");
	switch (*sc->p) {
	case '{':
		return scan_container(sc, depth, '}');
	case '[':
		return scan_container(sc, depth, ']');
	case '"':
		return scan_string(sc);
	case 't':
		return scan_word(sc, "true");
	case 'f':
		return scan_word(sc, "false");
	case 'n':
		return scan_word(sc, "null");
	default:
		if (*sc->p == '-' || (*sc->p >= '0' && *sc->p <= '9'))
			return scan_number(sc);
		return fail(sc, "not JSON");
	}
}

static int
validate(struct scan *sc, int depth, const char **why)
{
	skip_ws(sc);
	if (sc->p >= sc->end) {
		fail(sc, "empty line");
	} else if (scan_value(sc, depth) == 0) {
		skip_ws(sc);
		if (sc->p == sc->end)
			return 0;
		fail(sc, "more than one JSON value on the line");
	}
	if (why != NULL)
		*why = sc->why;
	return -1;
}

int
json_validate(const char *s, size_t n, const char **why)
{
	struct scan sc = { (const unsigned char *)s,
	    (const unsigned char *)s + n, NULL, NULL, 0, 0, NULL };

	return validate(&sc, 0, why);
}

int
json_validate_member(const char *s, size_t n, const char **why)
{
	struct scan sc = { (const unsigned char *)s,
	    (const unsigned char *)s + n, NULL, NULL, 0, 0, NULL };

	/* Inside an object: two levels (see scan_container). */
	return validate(&sc, 2, why);
}

int
json_validate_object(const char *s, size_t n, const char **why,
    struct json_member *mem, int max, int *count, const char **close)
{
	return json_validate_object_with(s, n, why, mem, max, count, close,
	    NULL);
}

int
json_validate_object_with(const char *s, size_t n, const char **why,
    struct json_member *mem, int max, int *count, const char **close,
    const struct json_reader *reader)
{
	struct scan sc = { (const unsigned char *)s,
	    (const unsigned char *)s + n, NULL, mem, max, 0, NULL, reader,
	    reader != NULL ? strlen(reader->name) : 0 };

	if (validate(&sc, 0, why) != 0)
		return -1;
	*count = sc.close != NULL ? sc.nmem : -1;
	*close = (const char *)sc.close;
	return 0;
}

/*
 * Finds member name in object s: the start of its key (the opening quote),
 * the start and length of its value, and whether a member precedes it.
 */
static int
member_find(const char *s, size_t n, const char *name, const char **key_at,
    const char **start, size_t *len, int *index)
{
	struct scan sc = { (const unsigned char *)s,
	    (const unsigned char *)s + n, NULL, NULL, 0, 0, NULL };
	size_t namelen = strlen(name);
	int i;

	skip_ws(&sc);
	if (sc.p >= sc.end || *sc.p != '{')
		return -1;
	sc.p++;
	for (i = 0;; i++) {
		const unsigned char *key, *val;
		int match;

		skip_ws(&sc);
		if (sc.p >= sc.end || *sc.p != '"')
			return -1;
		key = sc.p + 1;
		if (scan_string(&sc) != 0)
			return -1;
		/* Keys with escapes are compared raw; ours have none. */
		match = (size_t)(sc.p - 1 - key) == namelen &&
		    memcmp(key, name, namelen) == 0;
		skip_ws(&sc);
		if (sc.p >= sc.end || *sc.p != ':')
			return -1;
		sc.p++;
		skip_ws(&sc);
		val = sc.p;
		if (scan_value(&sc, 2) != 0)
			return -1;
		if (match) {
			*key_at = (const char *)key - 1;
			*start = (const char *)val;
			*len = (size_t)(sc.p - val);
			*index = i;
			return 0;
		}
		skip_ws(&sc);
		if (sc.p >= sc.end || *sc.p != ',')
			return -1;
		sc.p++;
	}
}

int
json_member_span(const char *s, size_t n, const char *name,
    const char **start, size_t *len)
{
	const char *key_at;
	int index;

	return member_find(s, n, name, &key_at, start, len, &index);
}

/*
 * Copies s[0..n) to out without the member whose key opens at key_at (its
 * quote) and whose value ends at value_end, and without its comma.
 */
static ssize_t
member_cut(const char *s, size_t n, const char *key_at, const char *value_end,
    char *out)
{
	const char *cut_from, *cut_to = value_end, *end = s + n;

	/* Take the comma before the member, or else the one after it. */
	cut_from = key_at;
	while (cut_from > s && strchr(" \t\r\n", cut_from[-1]) != NULL)
		cut_from--;
	if (cut_from > s && cut_from[-1] == ',') {
		cut_from--;
	} else {
		cut_from = key_at;
		while (cut_to < end && strchr(" \t\r\n", *cut_to) != NULL &&
		    *cut_to != '\0')
			cut_to++;
		if (cut_to < end && *cut_to == ',')
			cut_to++;
	}
	memcpy(out, s, (size_t)(cut_from - s));
	memcpy(out + (cut_from - s), cut_to, (size_t)(end - cut_to));
	return (ssize_t)((size_t)(cut_from - s) + (size_t)(end - cut_to));
}

ssize_t
json_member_remove(const char *s, size_t n, const char *name, char *out,
    const char **start, size_t *len)
{
	const char *key_at;

	if (member_find(s, n, name, &key_at, start, len, &(int){0}) != 0)
		return -1;
	return member_cut(s, n, key_at, *start + *len, out);
}

ssize_t
json_member_cut(const char *s, size_t n, const struct json_member *m,
    char *out)
{
	return member_cut(s, n, m->key - 1, m->value + m->valuelen, out);
}
