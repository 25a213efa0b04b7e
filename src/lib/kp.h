/* Definitions every kpipes tool shares. */
#ifndef KP_H
#define KP_H

#define KP_VERSION "0.1.0"

/*
 * Exit status, the same for every tool: a supervisor can tell "may retry"
 * (KP_EXIT_FAIL) from "don't retry" (KP_EXIT_USAGE).
 */
enum {
	KP_EXIT_OK = 0,		/* everything arrived */
	KP_EXIT_FAIL = 1,	/* runtime, data or Kafka failure */
	KP_EXIT_USAGE = 2	/* usage or configuration error */
};

/*
 * --eos: the metadata kout commits with a source partition's offset when a
 * window filter (wjoin) sits in between: the offset is where a restart
 * reads from (the oldest record still in the window), the number after
 * this prefix how far the filter had processed. kin marks the records in
 * between as replayed.
 */
#define KP_EOS_PROCESSED "kpipes processed="

/* Prints "PROG version" to stdout, as -V/--version does for every tool. */
void kp_print_version(void);

#endif
