#include <signal.h>
#include <string.h>

#include "signals.h"
#include "timeparse.h"

volatile sig_atomic_t kp_stop_signal;
volatile sig_atomic_t kp_stop_count;

static void
on_stop(int sig)
{
	kp_stop_signal = sig;
	if (kp_stop_count < 100)
		kp_stop_count++;
}

void
kp_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int
kp_stop_reading(int64_t *until)
{
	if (!kp_stop_signal)
		return 0;
	if (kp_stop_count > 1)
		return 1;
	if (*until == 0)
		*until = mono_ms() + KP_DRAIN_MS;
	return mono_ms() >= *until;
}
