/* Signals: handlers only set a flag; loops poll it between bounded waits. */
#ifndef KP_SIGNALS_H
#define KP_SIGNALS_H

#include <signal.h>

/* Set to the signal number once SIGINT or SIGTERM arrives. */
extern volatile sig_atomic_t kp_stop_signal;
/* How many SIGINT/SIGTERM arrived: a second one asks for a faster stop. */
extern volatile sig_atomic_t kp_stop_count;

/*
 * Catches SIGINT and SIGTERM without SA_RESTART (so a blocked read returns
 * EINTR) and ignores SIGPIPE (so a closed stdout shows up as EPIPE).
 */
void kp_signals_install(void);

#endif
