/*
 * kin's account of what the next program took from the pipe: the lines
 * whose every byte was read(2) by the reader, checked against a real pipe
 * and a real reader (this process).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcat-in/taken.h"
#include "tap.h"

/* Writes "n:<i>\n" lines i = 0..n-1 of partition i % 3 and notes them. */
static void
write_lines(struct taken *t, FILE *fp, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		fprintf(fp, "n:%d\n", i);
		taken_add(t, taken_position(t, fp), i % 3, i + 1);
	}
}

/* Pops what is taken; returns how many lines, the last one's next in *last. */
static int
pop_all(struct taken *t, int64_t *last)
{
	struct taken_line tl;
	uint64_t upto = taken_bytes(t);
	int n = 0;

	*last = 0;
	while (taken_pop(t, upto, &tl)) {
		n++;
		*last = tl.next;
	}
	return n;
}

int
main(void)
{
	struct taken t;
	FILE *fp;
	char buf[65536];
	int fds[2], n;
	int64_t last;
	ssize_t got;

	signal(SIGPIPE, SIG_IGN);
	if (pipe(fds) != 0)
		return 2;
	taken_init(&t, fds[1]);
	tap_ok(t.is_pipe, "a pipe is seen as one");
	fp = taken_stream(&t);
	setvbuf(fp, NULL, _IOFBF, 4096);
	/* 10 lines of 4 bytes, then 90 of 5: 490 bytes. */
	write_lines(&t, fp, 100);
	tap_ok(t.written == 0, "in stdio's buffer, nothing written yet");
	fflush(fp);
	tap_ok(t.written == 490, "write(2) took every byte, and they are counted");
	tap_ok(taken_bytes(&t) == 0 && pop_all(&t, &last) == 0,
	    "nothing read: nothing taken");
	got = read(fds[0], buf, 42);	/* 10 lines of 4, and 2 bytes of one */
	tap_ok(got == 42 && taken_bytes(&t) == 42, "the bytes read are those "
	    "written less what the pipe holds");
	n = pop_all(&t, &last);
	tap_ok(n == 10 && last == 10, "the lines read whole are taken, not the "
	    "one cut in two");
	got = read(fds[0], buf, 3);
	n = pop_all(&t, &last);
	tap_ok(n == 1 && last == 11, "its last byte read, it is taken");
	tap_ok(taken_waiting(&t) == 89, "the rest wait");

	/* Written but still in stdio's buffer: not in the pipe, not taken. */
	fprintf(fp, "x\n");
	taken_add(&t, taken_position(&t, fp), 0, 101);
	tap_ok(taken_position(&t, fp) == 492 && t.written == 490,
	    "a line in the stdio buffer has its end past what was written");
	got = read(fds[0], buf, sizeof(buf));
	n = pop_all(&t, &last);
	tap_ok(got == 445 && n == 89 && last == 100, "the pipe read to its "
	    "end: all written lines taken, the buffered one not");
	fflush(fp);

	/* Another writer to the same pipe never makes more look taken. */
	if (write(fds[1], "other\n", 6) != 6)
		return 2;
	n = pop_all(&t, &last);
	tap_ok(n == 0, "bytes of another writer in the pipe: kin's line still "
	    "counts as unread");
	got = read(fds[0], buf, sizeof(buf));
	n = pop_all(&t, &last);
	tap_ok(n == 1 && last == 101, "once the pipe is empty, taken");

	/* The reader goes: what it read stays taken, the rest never is. */
	write_lines(&t, fp, 5);
	fflush(fp);
	got = read(fds[0], buf, 8);
	tap_ok(!taken_reader_gone(&t), "a reader is there");
	close(fds[0]);
	tap_ok(taken_reader_gone(&t), "the reader closed the pipe");
	n = pop_all(&t, &last);
	tap_ok(n == 2 && last == 2 && taken_waiting(&t) == 3,
	    "after it closed, what it read is still known");
	fprintf(fp, "more\n");
	tap_ok(fflush(fp) != 0, "a write to a closed pipe fails");
	taken_clear(&t);
	tap_ok(taken_waiting(&t) == 0, "cleared");
	fclose(fp);
	close(fds[1]);
	taken_free(&t);

	/* A file: whatever write(2) took is taken. */
	{
		FILE *tmp = tmpfile();

		taken_init(&t, fileno(tmp));
		tap_ok(!t.is_pipe, "a file is not a pipe");
		fp = taken_stream(&t);
		write_lines(&t, fp, 3000);
		n = pop_all(&t, &last);
		fflush(fp);
		n += pop_all(&t, &last);
		tap_ok(n == 3000 && last == 3000 && taken_waiting(&t) == 0,
		    "a file: every line written is taken, in order, past the "
		    "queue's first size");
		fclose(fp);
		fclose(tmp);
		taken_free(&t);
	}

	/* The queue compacts as it goes: order is kept. */
	{
		struct taken_line tl;
		int i, ok = 1;
		int64_t want = 1;

		taken_init(&t, -1);
		for (i = 1; i <= 5000; i++) {
			taken_add(&t, (uint64_t)i, 0, i);
			if (i % 3 == 0 && taken_pop(&t, (uint64_t)i, &tl))
				ok &= tl.next == want++;
		}
		while (taken_pop(&t, UINT64_MAX, &tl))
			ok &= tl.next == want++;
		tap_ok(ok && want == 5001, "added and taken in turns, every line "
		    "once, in order");
		taken_free(&t);
	}
	return tap_done();
}
