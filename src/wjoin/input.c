#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "join.h"
#include "kp.h"
#include "kpsrc.h"
#include "rejects.h"
#include "timeparse.h"

/*
 * An input that delivered data this recently (ms) is streaming: when it
 * runs dry while behind the other in event time, it is given this long to
 * deliver more before the other goes ahead, so that replayed inputs are
 * merged in event time even through pipes. A live input, quiet for longer,
 * is not waited for.
 */
#define STREAMING_MS	10

int
input_open(const char *path)
{
	int fd, flags;

	/* Not blocking in open(2) until a FIFO has a writer. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		err(KP_EXIT_FAIL, "%s", path);
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		err(KP_EXIT_FAIL, "%s", path);
	return fd;
}

void
inputs_init(struct inputs *ins, int left_fd, const char *left_name,
    int right_fd, const char *right_name, struct join *join,
    struct rejects *rj, struct positions *pos)
{
	int s;

	line_reader_init(&ins->in[SIDE_LEFT].r, left_fd, left_name);
	line_reader_init(&ins->in[SIDE_RIGHT].r, right_fd, right_name);
	for (s = 0; s < 2; s++) {
		ins->in[s].side = s;
		/* At the start, both are given a moment to deliver. */
		ins->in[s].last_data_ms = mono_ms();
	}
	ins->join = join;
	ins->rj = rj;
	ins->strict_side = -1;
	ins->pos = pos;
}

void
inputs_free(struct inputs *ins)
{
	int s;

	for (s = 0; s < 2; s++) {
		close(ins->in[s].r.fd);
		line_reader_free(&ins->in[s].r);
		record_spec_free(&ins->in[s].spec);
		record_free(&ins->in[s].rec);
	}
}

/*
 * An input ended. In an exactly-once stream that is not the end of its
 * topic, only of this run: the other input's records stay in the window,
 * so that the next run reads them again. Until the first record tells,
 * the end waits.
 */
static void
ended(struct inputs *ins, struct input *in)
{
	in->done = 1;
	if (!ins->pos->known)
		in->end_unsaid = 1;
	else if (!ins->pos->on && !ins->pause_at_end)
		join_eof(ins->join, in->side);
}

/* The first record told whether the stream carries positions. */
static void
mode_known(struct inputs *ins)
{
	const struct join *j = ins->join;
	int s;

	if (ins->pos->on && (j->outer[SIDE_LEFT] || j->outer[SIDE_RIGHT]))
		errx(KP_EXIT_USAGE, "--type: records from kin --eos are joined "
		    "exactly once only by an inner join");
	if (ins->pos->on && ins->pause_at_end)
		errx(KP_EXIT_USAGE, "--state: records from kin --eos are read "
		    "again after a restart; the exactly-once join keeps no "
		    "state file");
	for (s = 0; s < 2; s++)
		if (ins->in[s].end_unsaid) {
			ins->in[s].end_unsaid = 0;
			if (!ins->pos->on && !ins->pause_at_end)
				join_eof(ins->join, s);
		}
}

/*
 * Makes in->have true if a complete line is buffered, setting aside bad
 * lines on the way, and tells the join when the input has ended.
 */
static void
take(struct inputs *ins, struct input *in)
{
	char why[RECORD_WHY_MAX];
	int rc, known;

	while (!in->have && !in->done) {
		rc = line_reader_next(&in->r, &in->line, &in->len);
		if (rc == 0)
			return;
		if (rc == -1) {
			ended(ins, in);
			return;
		}
		if (in->r.unterminated && (ins->pos->on || (!ins->pos->known &&
		    kpsrc_mentioned(in->line, in->len)))) {
			/* Cut off by a dying kin --eos: read again after a restart. */
			warnx("%s:%lu: last line has no newline: not joined, its "
			    "position not passed on", in->r.name, in->r.lineno);
			in->cut = 1;
			continue;
		}
		known = ins->pos->known;
		rc = positions_take(ins->pos, in->side, &in->line, &in->len,
		    &in->pos, why);
		if (!known)
			mode_known(ins);
		if (rc == 0 && record_parse(&in->spec, in->line, in->len,
		    &in->rec, why) == 0) {
			in->have = 1;
			continue;
		}
		rejects_add(ins->rj, in->r.name, in->r.lineno, in->line,
		    in->len, why);
		if (rc == 0)
			positions_done(ins->pos, &in->pos);
		if (ins->rj->stopped) {
			/*
			 * --strict: the input ends at its first bad line; what
			 * came before it is joined to the end (main.c).
			 */
			ins->strict_side = in->side;
			ended(ins, in);
			return;
		}
	}
}

int
inputs_fill(struct inputs *ins, int side)
{
	struct input *in = &ins->in[side];
	ssize_t n;

	in->quiet = 0;
	n = line_reader_fill(&in->r);
	if (n > 0) {
		in->last_data_ms = mono_ms();
		join_activity(ins->join, side, in->last_data_ms);
	}
	if (n < 0 && errno != EINTR && errno != EAGAIN) {
		warn("%s", in->r.name);
		return -1;
	}
	return 0;
}

int
inputs_poll(struct inputs *ins, int timeout_ms, int ready[2])
{
	struct pollfd pfd[2];
	int s, n = 0, map[2];

	for (s = 0; s < 2; s++) {
		ready[s] = 0;
		ins->in[s].quiet = 0;
		if (ins->in[s].done || ins->in[s].r.eof)
			continue;
		pfd[n].fd = ins->in[s].r.fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		map[n++] = s;
	}
	if (poll(pfd, (nfds_t)n, timeout_ms) <= 0)
		return 0;
	for (s = 0; s < n; s++)
		if (pfd[s].revents != 0)
			ready[map[s]] = 1;
	return ready[0] || ready[1];
}

int
inputs_pending(const struct inputs *ins, int side)
{
	const struct input *in = &ins->in[side];

	return in->have || in->r.start < in->r.end;
}

/* Reads in once if the side has input within timeout_ms; 1 if it had. */
static int
poll_fill(struct inputs *ins, struct input *in, int timeout_ms, int *failed)
{
	struct pollfd pfd = { in->r.fd, POLLIN, 0 };

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	if (inputs_fill(ins, in->side) != 0)
		*failed = 1;
	return 1;
}

int
inputs_next(struct inputs *ins, int *failed)
{
	struct input *l = &ins->in[SIDE_LEFT], *r = &ins->in[SIDE_RIGHT];
	struct input *dry, *wet;
	int64_t wait = 0;

	take(ins, l);
	take(ins, r);
	if (l->have && r->have)
		return r->rec.ts < l->rec.ts ? SIDE_RIGHT : SIDE_LEFT;
	if (!l->have && !r->have)
		return INPUTS_NONE;
	wet = l->have ? l : r;
	dry = l->have ? r : l;
	if (!dry->done && !dry->quiet && !dry->r.eof) {
		if (ins->join->wm.side[dry->side].max_ts < wet->rec.ts)
			wait = dry->last_data_ms + STREAMING_MS - mono_ms();
		if (poll_fill(ins, dry, 0, failed))
			return INPUTS_READ;
		if (wait > 0) {
			ins->behind = dry;
			ins->behind_until = mono_ms() + wait;
			return INPUTS_BEHIND;
		}
		dry->quiet = 1;
	}
	return wet->side;
}

void
inputs_wait_behind(struct inputs *ins, int *failed)
{
	struct input *dry = ins->behind;
	int64_t wait = ins->behind_until - mono_ms();

	ins->behind = NULL;
	if (!poll_fill(ins, dry, wait > 0 ? (int)wait : 0, failed))
		dry->quiet = 1;
}
