/*
 * The exactly-once commit metadata: eos_runs_parse takes any bytes without
 * harm and gives only runs above the offset with valid ids; what
 * eos_runs_format writes for them, parsed again at the same offset, is
 * the same runs.
 */
#include "eosruns.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct eos_run runs[EOS_RUNS_MAX], again[EOS_RUNS_MAX];
	char buf[EOS_RUNS_MAX * (EOS_RUN_ID_MAX + 24) + 32];
	int64_t offset;
	int k, m, i;

	if (n < 2)
		return 0;
	offset = (int64_t)(data[0] | data[1] << 8) - 1000;
	k = eos_runs_parse(data + 2, n - 2, offset, runs);
	if (k < 0 || k > EOS_RUNS_MAX)
		fuzz_fail("%d runs", k);
	for (i = 0; i < k; i++) {
		if (runs[i].processed <= offset)
			fuzz_fail("run %s at %lld, not above %lld", runs[i].id,
			    (long long)runs[i].processed, (long long)offset);
		if (!eos_run_id_ok(runs[i].id, strlen(runs[i].id)))
			fuzz_fail("a run id that is not one: %s", runs[i].id);
	}
	if (k == 0)
		return 0;
	if (eos_runs_format(runs, k, buf, sizeof(buf)) < 0)
		fuzz_fail("%d runs do not fit %zu bytes", k, sizeof(buf));
	m = eos_runs_parse(buf, strlen(buf), offset, again);
	if (m != k)
		fuzz_fail("%s: %d runs read back, not %d", buf, m, k);
	for (i = 0; i < k; i++)
		if (strcmp(runs[i].id, again[i].id) != 0 ||
		    runs[i].processed != again[i].processed)
			fuzz_fail("%s: run %d read back differently", buf, i);
	return 0;
}
