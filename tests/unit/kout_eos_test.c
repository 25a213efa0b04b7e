/*
 * kout --eos: when a transaction is due. A backlog's transaction holds
 * 100 ms of input; a slow stream's commits at 20 ms; lines waiting for
 * their position (a window filter's) hold it open.
 */
#include <stdint.h>
#include <string.h>

#include "kcat-out/eos.h"
#include "tap.h"

/* An open transaction begun at 1000 ms holding n lines. */
static struct eos
txn(unsigned long n)
{
	struct eos e;

	memset(&e, 0, sizeof(e));
	e.in_txn = 1;
	e.txn_started = 1000;
	e.txn_records = n;
	return e;
}

int
main(void)
{
	struct eos e;

	memset(&e, 0, sizeof(e));
	tap_ok(eos_commit_wait(&e, 5000) == EOS_COMMIT_MS,
	    "no transaction open: nothing due, the next look in 100 ms");

	e = txn(1);
	tap_ok(eos_commit_wait(&e, 1000) == EOS_LIVE_MS,
	    "just begun: the first look at 20 ms");
	tap_ok(eos_commit_wait(&e, 1015) == 5, "15 ms old: 5 ms to go");
	tap_ok(eos_commit_wait(&e, 1020) == 0,
	    "one line at 20 ms (50 a second): due, a live stream");

	/* 1,000 lines a second: 20 lines at 20 ms. */
	e = txn(20);
	tap_ok(eos_commit_wait(&e, 1020) == 0, "1,000 lines a second: due at 20 ms");
	/* 5,000 a second is the line: 100 at 20 ms is a backlog's pace. */
	e = txn(99);
	tap_ok(eos_commit_wait(&e, 1020) == 0, "99 lines at 20 ms: due");
	e = txn(100);
	tap_ok(eos_commit_wait(&e, 1020) == 80,
	    "100 lines at 20 ms (5,000 a second): held to 100 ms");
	e = txn(100000);
	tap_ok(eos_commit_wait(&e, 1050) == 50, "a backlog at 50 ms: 50 ms to go");
	tap_ok(eos_commit_wait(&e, 1100) == 0, "a backlog at 100 ms: due");
	tap_ok(eos_commit_wait(&e, 1400) == 0, "a backlog past 100 ms: due");
	/* A burst that slowed: the rate counts over the whole transaction. */
	e = txn(300);
	tap_ok(eos_commit_wait(&e, 1070) == 0,
	    "300 lines over 70 ms (4,300 a second): due before 100 ms");

	e = txn(1);
	e.pending = 1;
	tap_ok(eos_commit_wait(&e, 1500) == EOS_COMMIT_MS,
	    "lines waiting for their position: not due, however old");
	return tap_done();
}
