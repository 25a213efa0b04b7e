/*
 * strategy's transform against libjv: when a line is taken, the output is
 * valid JSON, its .result is strategy_result of .value as libjq reads the
 * input, and every other member is the input's (as `.result = x` in jq);
 * a line with a number at .value that libjq parses is never refused.
 */
#include <math.h>
#include <jv.h>

#include "fuzz.h"
#include "jsonscan.h"
#include "transform.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct strategy st;
	static int ready;
	char *s = fuzz_strndup(data, n), why[STRATEGY_WHY_MAX];
	const char *reason;
	jv in, out, value, result;
	double want, got;
	int rc;

	if (!ready) {
		if (strategy_init(&st, ".value", "result") != 0)
			abort();
		ready = 1;
	}
	rc = strategy_apply(&st, s, n, why);
	in = json_validate(s, n, &reason) == 0 ? jv_parse_sized(s, (int)n) :
	    jv_invalid();
	if (rc != 0) {
		if (jv_get_kind(in) == JV_KIND_OBJECT) {
			value = jv_object_get(jv_copy(in), jv_string("value"));
			if (jv_get_kind(value) == JV_KIND_NUMBER &&
			    isfinite(jv_number_value(value)))
				fuzz_fail("refused (%s), but .value is a number",
				    why);
			jv_free(value);
		}
		jv_free(in);
		free(s);
		return 0;
	}
	if (!jv_is_valid(in))
		fuzz_fail("took a line libjq cannot parse");
	if (json_validate(st.line, st.len, &reason) != 0)
		fuzz_fail("wrote invalid JSON: %s", reason);
	out = jv_parse_sized(st.line, (int)st.len);
	if (!jv_is_valid(out))
		fuzz_fail("libjq cannot parse what it wrote");
	value = jv_object_get(jv_copy(in), jv_string("value"));
	result = jv_object_get(jv_copy(out), jv_string("result"));
	if (jv_get_kind(value) != JV_KIND_NUMBER ||
	    jv_get_kind(result) != JV_KIND_NUMBER)
		fuzz_fail("no number in .value or .result");
	want = strategy_result(jv_number_value(value));
	got = jv_number_value(result);
	if (!(want == got || (isinf(want) && fabs(got) > 1.79e308)))
		fuzz_fail(".result %.17g, want %.17g", got, want);
	jv_free(value);
	jv_free(result);
	in = jv_object_delete(in, jv_string("result"));
	out = jv_object_delete(out, jv_string("result"));
	if (!jv_equal(in, out))
		fuzz_fail("members other than .result changed");
	free(s);
	return 0;
}
