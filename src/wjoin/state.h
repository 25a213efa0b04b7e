/*
 * --state FILE: the join's window kept across a stop. When wjoin stops in
 * order (its inputs ended, or a signal after which it read them to their
 * end) it writes the records still waiting for a partner, with whether
 * they met one, and each input's event-time progress; the next run reads
 * them back before its first input line, so that a join whose consumers
 * committed what they wrote loses no pair across the restart. The file is
 * text: a header line, then one line per record, "L0 " or "R1 " (side,
 * matched) and the record as it came.
 */
#ifndef WJOIN_STATE_H
#define WJOIN_STATE_H

struct join;
struct record_spec;
struct rejects;

/*
 * Loads path into the join (specs: each side's time and key reader), if
 * it exists, then removes it: a run that dies without saving does not
 * leave an older window to be read twice. A record that no longer parses
 * goes to rj. Returns the records loaded, or -1 (after a warning) if the
 * file cannot be read or is not a state file.
 */
long	state_load(const char *path, struct join *, struct record_spec *specs[2],
	    struct rejects *rj);
/* Writes the join's window to path (by a rename). Returns 0, or -1. */
int	state_save(const char *path, const struct join *);

#endif
