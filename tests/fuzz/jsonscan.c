/*
 * The JSON scanner against libjv: a text json_validate accepts is one that
 * libjq parses too (kout -k, wjoin -k 'EXPR' and strategy --jq hand lines
 * to it); json_validate_object finds the members json_walk finds, and
 * json_member_span and json_member_remove agree with them.
 */
#include <jv.h>

#include "fuzz.h"
#include "jsonscan.h"
#include "jsonwalk.h"

#define MEMBERS_MAX	8

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *s = fuzz_strndup(data, n), *out, name[64];
	const char *why, *close, *start, *start2;
	struct json_member mem[MEMBERS_MAX], m;
	struct json_walk w;
	int valid, count, i;
	size_t len, len2;
	ssize_t rlen;
	jv v;

	valid = json_validate(s, n, &why) == 0;
	if ((json_validate_object(s, n, &why, mem, MEMBERS_MAX, &count,
	    &close) == 0) != valid)
		fuzz_fail("json_validate and json_validate_object disagree");
	if (!valid) {
		free(s);
		return 0;
	}
	v = jv_parse_sized(s, (int)n);
	if (!jv_is_valid(v))
		fuzz_fail("accepted, but libjq cannot parse it");
	/* Nor may libjq read it only by putting U+FFFD (a lone surrogate). */
	if (memmem(s, n, "\xef\xbf\xbd", 3) == NULL &&
	    strcasestr(s, "\\ufffd") == NULL) {
		jv dumped = jv_dump_string(jv_copy(v), 0);

		if (strstr(jv_string_value(dumped), "\xef\xbf\xbd") != NULL)
			fuzz_fail("libjq reads it with U+FFFD in it");
		jv_free(dumped);
	}
	if ((count >= 0) != (jv_get_kind(v) == JV_KIND_OBJECT))
		fuzz_fail("object or not: scanner %d, libjq %d", count,
		    (int)jv_get_kind(v));
	jv_free(v);
	if (count < 0) {
		free(s);
		return 0;
	}
	if (json_walk_begin(&w, s, n) != 0)
		fuzz_fail("an object the walk does not begin");
	for (i = 0; json_walk_next(&w, &m); i++)
		if (i < MEMBERS_MAX && (m.key != mem[i].key ||
		    m.keylen != mem[i].keylen || m.value != mem[i].value ||
		    m.valuelen != mem[i].valuelen))
			fuzz_fail("member %d: walk and validation differ", i);
	if (i != count)
		fuzz_fail("%d members walked, %d found validating", i, count);
	if (w.p != close)
		fuzz_fail("the walk and the validation end apart");
	/* The first member with the first key's name, found and removed. */
	if (count > 0 && mem[0].keylen < sizeof(name) &&
	    memchr(mem[0].key, '\\', mem[0].keylen) == NULL) {
		memcpy(name, mem[0].key, mem[0].keylen);
		name[mem[0].keylen] = '\0';
		if (json_member_span(s, n, name, &start, &len) != 0 ||
		    start != mem[0].value || len != mem[0].valuelen)
			fuzz_fail("json_member_span misses the first member");
		if ((out = malloc(n + 1)) == NULL)
			abort();
		rlen = json_member_remove(s, n, name, out, &start2, &len2);
		if (rlen >= 0)
			out[rlen] = '\0';
		if (rlen < 0 || start2 != start || len2 != len)
			fuzz_fail("json_member_remove misses the first member");
		if (json_validate_object(out, (size_t)rlen, &why, mem,
		    MEMBERS_MAX, &i, &close) != 0 || i != count - 1)
			fuzz_fail("removing a member left %s (%d members, "
			    "not %d)", why, i, count - 1);
		free(out);
	}
	free(s);
	return 0;
}
