/* Signals: handlers only set a flag; loops poll it between bounded waits. */
#ifndef KP_SIGNALS_H
#define KP_SIGNALS_H

#include <signal.h>
#include <stdint.h>

/* Set to the signal number once SIGINT or SIGTERM arrives. */
extern volatile sig_atomic_t kp_stop_signal;
/* How many SIGINT/SIGTERM arrived: a second one asks for a faster stop. */
extern volatile sig_atomic_t kp_stop_count;

/*
 * How long a filter reads on after SIGINT or SIGTERM: Ctrl-C signals every
 * program of a pipeline at once, and what kin wrote before it stopped is
 * committed, so a filter that stopped at once would lose what was still in
 * its pipe. It reads until its input ends (kin closes it as it stops), for
 * up to this long, as kout does.
 */
#define KP_DRAIN_MS	2000

/*
 * Whether to stop reading input: never before a signal; after one, once
 * KP_DRAIN_MS have passed since it came (*until keeps that moment, 0 at
 * first), or at once after a second signal.
 */
int	kp_stop_reading(int64_t *until);

/*
 * Catches SIGINT and SIGTERM without SA_RESTART (so a blocked read returns
 * EINTR) and ignores SIGPIPE (so a closed stdout shows up as EPIPE).
 */
void kp_signals_install(void);

#endif
