#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "jsonscan.h"
#include "kpsrc.h"
#include "positions.h"
#include "xalloc.h"

void
positions_init(struct positions *pos)
{
	uint64_t r;

	memset(pos, 0, sizeof(*pos));
	/* This run's id: random, so that no other run of any join has it. */
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid() << 32;
	snprintf(pos->run, sizeof(pos->run), "%016" PRIx64, r);
}

/* The bit of an earlier run's id in a record's mask (0: none left). */
static uint64_t
run_bit(struct positions *pos, const char *id)
{
	int i;

	for (i = 0; i < pos->nids; i++)
		if (strcmp(pos->ids[i], id) == 0)
			return (uint64_t)1 << i;
	if (pos->nids == POSITIONS_RUN_BITS)
		return 0;	/* its pairs may be written again, none lost */
	strcpy(pos->ids[pos->nids], id);
	return (uint64_t)1 << pos->nids++;
}

/*
 * A record read again: the earlier runs that joined it (src, kpsrc.h) set
 * rec->runs, and those not yet known are added to its partition's.
 */
static void
take_runs(struct positions *pos, const struct kpsrc *src, struct pos_part *pp,
    struct pos_rec *rec)
{
	const struct eos_run *r;
	int i, k, m;

	for (i = 0; i < src->nruns; i++) {
		r = &src->runs[i];
		rec->runs |= run_bit(pos, r->id);
		for (k = 0; k < pp->nruns && strcmp(pp->runs[k].id, r->id); k++)
			;
		if (k < pp->nruns) {
			if (r->processed > pp->runs[k].processed)
				pp->runs[k].processed = r->processed;
		} else if (pp->nruns < EOS_RUNS_MAX - 1) {
			pp->runs[pp->nruns++] = *r;
		} else {
			/* Full (room is kept for this run): the one that
			 * reaches least goes, it is the next to go anyway. */
			for (m = 0, k = 1; k < pp->nruns; k++)
				if (pp->runs[k].processed < pp->runs[m].processed)
					m = k;
			if (r->processed > pp->runs[m].processed)
				pp->runs[m] = *r;
		}
	}
}

void
positions_free(struct positions *pos)
{
	int s, i;

	for (s = 0; s < 2; s++) {
		for (i = 0; i < pos->side[s].nparts; i++) {
			free(pos->side[s].parts[i]->topic);
			free(pos->side[s].parts[i]->off);
			free(pos->side[s].parts[i]->alive);
			free(pos->side[s].parts[i]);
		}
		free(pos->side[s].parts);
		free(pos->side[s].group);
		free(pos->side[s].member);
		free(pos->buf[s]);
	}
	memset(pos, 0, sizeof(*pos));
}

/* *dst = a copy of str, unless it is that already. */
static void
set_string(char **dst, const char *str)
{
	if (*dst != NULL && strcmp(*dst, str) == 0)
		return;
	free(*dst);
	*dst = xstrdup(str);
}

static struct pos_part *
part_get(struct pos_side *ps, const char *topic, int32_t partition)
{
	struct pos_part *pp;
	int i;

	for (i = 0; i < ps->nparts; i++)
		if (ps->parts[i]->partition == partition &&
		    strcmp(ps->parts[i]->topic, topic) == 0)
			return ps->parts[i];
	ps->parts = xreallocarray(ps->parts, (size_t)ps->nparts + 1,
	    sizeof(*ps->parts));
	pp = xcalloc(1, sizeof(*pp));
	ps->parts[ps->nparts++] = pp;
	pp->topic = xstrdup(topic);
	pp->partition = partition;
	pp->next = -1;
	return pp;
}

int
positions_take(struct positions *pos, int side, char **line, size_t *len,
    struct pos_rec *rec, char why[POSITIONS_WHY_MAX])
{
	struct pos_side *ps = &pos->side[side];
	struct kpsrc src;
	const char *s;
	size_t slen;
	ssize_t n;
	int rc;

	memset(rec, 0, sizeof(*rec));
	if (pos->known && !pos->on)
		return 0;	/* a plain stream: nothing to look for */
	if (*len + 1 > pos->bufcap[side]) {
		pos->bufcap[side] = *len + 1;
		pos->buf[side] = xreallocarray(pos->buf[side],
		    pos->bufcap[side], 1);
	}
	n = json_member_remove(*line, *len, KPSRC_MEMBER, pos->buf[side], &s,
	    &slen);
	if (!pos->known) {
		pos->known = 1;
		pos->on = n >= 0;
	}
	if (!pos->on)
		return 0;
	if (n < 0) {
		snprintf(why, POSITIONS_WHY_MAX, "no _kp_src, in a stream of "
		    "kin --eos records");
		return -1;
	}
	if ((rc = kpsrc_parse_text(s, slen, KPSRC_RECORD, &src)) != 0) {
		snprintf(why, POSITIONS_WHY_MAX, rc == KPSRC_BAD ? "%s as kin "
		    "--eos -g writes it (whole numbers: a partition up to "
		    "2^31-1, an offset up to 2^53)" : "%s",
		    kpsrc_why(KPSRC_RECORD, rc));
		return -1;
	}
	if (ps->group == NULL && pos->side[!side].group != NULL &&
	    strcmp(pos->side[!side].group, src.group) == 0) {
		kpsrc_release(&src);
		snprintf(why, POSITIONS_WHY_MAX, "both inputs read by one "
		    "consumer group: give each kin --eos its own -g");
		return -1;
	}
	if (ps->group != NULL && strcmp(ps->group, src.group) != 0) {
		kpsrc_release(&src);
		snprintf(why, POSITIONS_WHY_MAX, "records of two consumer groups "
		    "on one input");
		return -1;
	}
	set_string(&ps->group, src.group);
	set_string(&ps->member, src.member);
	ps->generation = src.generation;
	rec->part = part_get(ps, src.topic, src.partition);
	rec->offset = src.offset;
	/* Read again: joined by earlier runs. */
	take_runs(pos, &src, rec->part, rec);
	kpsrc_release(&src);
	*line = pos->buf[side];
	*len = (size_t)n;
	return 0;
}

void
positions_done(struct positions *pos, const struct pos_rec *rec)
{
	struct pos_part *pp = rec->part;

	if (pp == NULL)
		return;
	/*
	 * Only what this run joined: the earlier runs keep their own entries
	 * (pp->runs), for as long as they reach beyond resume.
	 */
	if (rec->offset + 1 > pp->next)
		pp->next = rec->offset + 1;
	pp->dirty = 1;
	pos->changed = 1;
}

uint64_t
positions_hold(struct positions *pos, const struct pos_rec *rec)
{
	struct pos_part *pp = rec->part;

	if (pp->head > 0 && pp->head >= pp->cap / 2) {
		/* The front is all gone: move what is left down. */
		memmove(pp->off, pp->off + pp->head,
		    (pp->n - pp->head) * sizeof(*pp->off));
		memmove(pp->alive, pp->alive + pp->head, pp->n - pp->head);
		pp->base += pp->head;
		pp->n -= pp->head;
		pp->head = 0;
	}
	if (pp->n == pp->cap) {
		pp->cap = pp->cap ? pp->cap * 2 : 64;
		pp->off = xreallocarray(pp->off, pp->cap, sizeof(*pp->off));
		pp->alive = xreallocarray(pp->alive, pp->cap, 1);
	}
	pp->off[pp->n] = rec->offset;
	pp->alive[pp->n] = 1;
	pp->dirty = 1;
	pos->changed = 1;
	return pp->base + pp->n++;
}

void
positions_release(struct positions *pos, struct pos_part *pp, uint64_t slot)
{
	pp->alive[slot - pp->base] = 0;
	while (pp->head < pp->n && !pp->alive[pp->head])
		pp->head++;
	if (pp->head == pp->n) {
		pp->base += pp->n;
		pp->head = pp->n = 0;
	}
	pp->dirty = 1;
	pos->changed = 1;
}

void
positions_write(struct positions *pos)
{
	struct pos_part *pp;
	struct kpsrc src;
	int s, i, k, first = 1;

	if (!pos->on || !pos->changed)
		return;
	src.form = KPSRC_WINDOW;
	for (s = 0; s < 2; s++)
		for (i = 0; i < pos->side[s].nparts; i++) {
			pp = pos->side[s].parts[i];
			/*
			 * Only what moved: the rest stands as committed (and
			 * an input that ended has its kin gone from the
			 * group, whose commits would be refused). Nor a
			 * partition whose first record waits for the other
			 * side: its committed offset stands too.
			 */
			if (!pp->dirty || pp->next < 0)
				continue;
			pp->dirty = 0;
			src.group = pos->side[s].group;
			src.topic = pp->topic;
			src.partition = pp->partition;
			src.offset = pp->head < pp->n ? pp->off[pp->head] :
			    pp->next;
			src.generation = pos->side[s].generation;
			src.member = pos->side[s].member;
			src.processed = pp->next;
			/* The runs whose records may be read again, then this one. */
			src.nruns = 0;
			for (k = 0; k < pp->nruns; k++)
				if (pp->runs[k].processed > src.offset)
					src.runs[src.nruns++] = pp->runs[k];
			strcpy(src.runs[src.nruns].id, pos->run);
			src.runs[src.nruns++].processed = pp->next;
			fputs(first ? "{\"" KPSRC_MEMBER "\":[" : ",", stdout);
			kpsrc_write(stdout, &src);
			first = 0;
		}
	if (!first)
		fputs("]}\n", stdout);
	pos->changed = 0;
}
