#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <jv.h>

#include "jsonscan.h"
#include "kp.h"
#include "positions.h"

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
 * A record's seventh element: the earlier runs that joined it,
 * [[id, processed], ...] (an older kin's number N: one run "p"). Sets
 * rec->runs and adds runs not yet known to its partition's. Returns -1 if
 * it is not that.
 */
static int
take_runs(struct positions *pos, jv v, struct pos_part *pp,
    struct pos_rec *rec)
{
	struct eos_run r;
	int i, k, m, n;
	jv x;

	if (jv_get_kind(v) == JV_KIND_NUMBER) {
		if (eos_src_number(v, EOS_SRC_OFFSET, &r.processed) != 0 ||
		    r.processed <= rec->offset)
			return -1;
		n = 1;
	} else if (jv_get_kind(v) == JV_KIND_ARRAY) {
		n = jv_array_length(jv_copy(v));
	} else
		return -1;
	for (i = 0; i < n; i++) {
		if (jv_get_kind(v) == JV_KIND_NUMBER) {
			strcpy(r.id, "p");
		} else {
			x = jv_array_get(jv_copy(v), i);
			jv_free(x);	/* each stays alive inside v */
			if (eos_run_from_jv(x, &r) != 0 ||
			    r.processed <= rec->offset)
				return -1;
		}
		rec->runs |= run_bit(pos, r.id);
		for (k = 0; k < pp->nruns && strcmp(pp->runs[k].id, r.id); k++)
			;
		if (k < pp->nruns) {
			if (r.processed > pp->runs[k].processed)
				pp->runs[k].processed = r.processed;
		} else if (pp->nruns < EOS_RUNS_MAX - 1) {
			pp->runs[pp->nruns++] = r;
		} else {
			/* Full (room is kept for this run): the one that
			 * reaches least goes, it is the next to go anyway. */
			for (m = 0, k = 1; k < pp->nruns; k++)
				if (pp->runs[k].processed < pp->runs[m].processed)
					m = k;
			if (r.processed > pp->runs[m].processed)
				pp->runs[m] = r;
		}
	}
	return 0;
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

/* Writes str as a JSON string to stdout. */
static void
put_string(const char *str)
{
	jv t = jv_dump_string(jv_string(str), 0);

	fputs(jv_string_value(t), stdout);
	jv_free(t);
}

/* *dst = a copy of str, unless it is that already. */
static void
set_string(char **dst, const char *str)
{
	if (*dst != NULL && strcmp(*dst, str) == 0)
		return;
	free(*dst);
	if ((*dst = strdup(str)) == NULL)
		err(KP_EXIT_FAIL, NULL);
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
	if ((ps->parts = realloc(ps->parts, (size_t)(ps->nparts + 1) *
	    sizeof(*ps->parts))) == NULL ||
	    (pp = calloc(1, sizeof(*pp))) == NULL)
		err(KP_EXIT_FAIL, NULL);
	ps->parts[ps->nparts++] = pp;
	if ((pp->topic = strdup(topic)) == NULL)
		err(KP_EXIT_FAIL, NULL);
	pp->partition = partition;
	pp->next = -1;
	return pp;
}

int
positions_take(struct positions *pos, int side, char **line, size_t *len,
    struct pos_rec *rec, char why[POSITIONS_WHY_MAX])
{
	struct pos_side *ps = &pos->side[side];
	const char *s;
	size_t slen;
	ssize_t n;
	jv v, e[7];
	int i, alen;
	int64_t partition, offset, generation;
	const char *group;

	memset(rec, 0, sizeof(*rec));
	if (pos->known && !pos->on)
		return 0;	/* a plain stream: nothing to look for */
	if (*len + 1 > pos->bufcap[side]) {
		pos->bufcap[side] = *len + 1;
		if ((pos->buf[side] = realloc(pos->buf[side],
		    pos->bufcap[side])) == NULL)
			err(KP_EXIT_FAIL, NULL);
	}
	n = json_member_remove(*line, *len, "_kp_src", pos->buf[side], &s,
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
	v = jv_parse_sized(s, (int)slen);
	alen = jv_get_kind(v) == JV_KIND_ARRAY ? jv_array_length(jv_copy(v)) : 0;
	rec->runs = 0;
	for (i = 0; i < alen && i < 7; i++) {
		e[i] = jv_array_get(jv_copy(v), i);
		jv_free(e[i]);		/* each stays alive inside v */
	}
	/* Whole numbers in range: a cast of 1e20 or 9.5 would be taken. */
	if ((alen != 6 && alen != 7) ||
	    jv_get_kind(e[0]) != JV_KIND_STRING ||
	    jv_get_kind(e[1]) != JV_KIND_STRING ||
	    eos_src_number(e[2], EOS_SRC_PARTITION, &partition) != 0 ||
	    eos_src_number(e[3], EOS_SRC_OFFSET, &offset) != 0 ||
	    eos_src_number(e[4], EOS_SRC_GENERATION, &generation) != 0 ||
	    jv_get_kind(e[5]) != JV_KIND_STRING) {
		jv_free(v);
		snprintf(why, POSITIONS_WHY_MAX, "_kp_src is not [group, topic, "
		    "partition, offset, generation, member] as kin --eos -g "
		    "writes it (whole numbers: a partition up to 2^31-1, an "
		    "offset up to 2^53)");
		return -1;
	}
	group = jv_string_value(e[0]);
	if (ps->group == NULL && pos->side[!side].group != NULL &&
	    strcmp(pos->side[!side].group, group) == 0) {
		jv_free(v);
		snprintf(why, POSITIONS_WHY_MAX, "both inputs read by one "
		    "consumer group: give each kin --eos its own -g");
		return -1;
	}
	if (ps->group != NULL && strcmp(ps->group, group) != 0) {
		jv_free(v);
		snprintf(why, POSITIONS_WHY_MAX, "records of two consumer groups "
		    "on one input");
		return -1;
	}
	set_string(&ps->group, group);
	set_string(&ps->member, jv_string_value(e[5]));
	ps->generation = (int32_t)generation;
	rec->part = part_get(ps, jv_string_value(e[1]), (int32_t)partition);
	rec->offset = offset;
	/* A seventh element: read again, joined by earlier runs. */
	if (alen == 7 && take_runs(pos, e[6], rec->part, rec) != 0) {
		jv_free(v);
		snprintf(why, POSITIONS_WHY_MAX, "_kp_src's seventh element is "
		    "not the runs that joined the record, [[run, processed], "
		    "...], each beyond its offset");
		return -1;
	}
	jv_free(v);
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
		if ((pp->off = realloc(pp->off, pp->cap * sizeof(*pp->off))) ==
		    NULL || (pp->alive = realloc(pp->alive, pp->cap)) == NULL)
			err(KP_EXIT_FAIL, NULL);
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
	int64_t resume;
	int s, i, k, first = 1;

	if (!pos->on || !pos->changed)
		return;
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
			fputs(first ? "{\"_kp_src\":[[" : ",[", stdout);
			put_string(pos->side[s].group);
			putc_unlocked(',', stdout);
			put_string(pp->topic);
			resume = pp->head < pp->n ? pp->off[pp->head] :
			    pp->next;
			fprintf(stdout, ",%" PRId32 ",%" PRId64 ",%" PRId32 ",",
			    pp->partition, resume, pos->side[s].generation);
			put_string(pos->side[s].member);
			fprintf(stdout, ",%" PRId64 ",[", pp->next);
			/* The runs whose records may be read again. */
			for (k = 0; k < pp->nruns; k++)
				if (pp->runs[k].processed > resume)
					fprintf(stdout, "[\"%s\",%" PRId64 "],",
					    pp->runs[k].id,
					    pp->runs[k].processed);
			fprintf(stdout, "[\"%s\",%" PRId64 "]]]", pos->run,
			    pp->next);
			first = 0;
		}
	if (!first)
		fputs("]}\n", stdout);
	pos->changed = 0;
}
