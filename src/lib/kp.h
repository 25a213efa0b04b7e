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

/* Prints "PROG version" to stdout, as -V/--version does for every tool. */
void kp_print_version(void);

#endif
