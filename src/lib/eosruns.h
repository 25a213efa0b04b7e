/*
 * --eos with a window filter (wjoin) in the pipe (the positions it and kin
 * write in the pipe are kpsrc.h's): the offset kout commits for a source
 * partition is where a restart reads from (the oldest record still in the
 * window), and the commit's metadata says which runs of the filter had
 * joined records beyond it, each with the offset after the last one it
 * joined:
 *
 *	kpipes runs=ID:P,ID:P,...
 *
 * kin gives each record read again the runs whose P is above its offset;
 * two records that share a run were paired by it, and are not paired
 * again. A run's entries on the two inputs' partitions are committed in
 * one transaction, so they always go together. ("kpipes processed=P", the
 * form before runs, is read as one run named "p".)
 */
#ifndef KP_EOSRUNS_H
#define KP_EOSRUNS_H

#include <stddef.h>
#include <stdint.h>

#define EOS_RUNS_PREFIX		"kpipes runs="
#define EOS_PROCESSED_PREFIX	"kpipes processed="
#define EOS_RUNS_MAX		16	/* per partition; fewer costs duplicates, not loss */
#define EOS_RUN_ID_MAX		32

struct eos_run {
	char	 id[EOS_RUN_ID_MAX + 1];
	int64_t	 processed;
};

/* A run id: 1 to EOS_RUN_ID_MAX letters and digits. */
int	eos_run_id_ok(const char *id, size_t len);
/*
 * The runs in a commit's metadata whose processed offset is above offset;
 * at most EOS_RUNS_MAX. Returns their number: 0 for metadata that is not
 * ours, or has none above offset.
 */
int	eos_runs_parse(const void *meta, size_t len, int64_t offset,
	    struct eos_run runs[EOS_RUNS_MAX]);
/* The metadata for n runs, NUL-terminated. Returns its length, or -1. */
int	eos_runs_format(const struct eos_run *runs, int n, char *buf,
	    size_t size);

#endif
