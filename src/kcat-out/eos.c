#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "eos.h"
#include "eosruns.h"
#include "kp.h"
#include "kpsrc.h"
#include "timeparse.h"
#include "xalloc.h"

#define TXN_TIMEOUT_MS	60000

/* Aborts the open transaction, saying what becomes of its records. */
static void
abort_open(struct eos *e)
{
	rd_kafka_error_t *ae;

	if ((ae = rd_kafka_abort_transaction(e->rk, TXN_TIMEOUT_MS)) != NULL) {
		warnx("abort: %s", rd_kafka_error_string(ae));
		rd_kafka_error_destroy(ae);
	} else
		warnx("transaction aborted: %lu records will be read again "
		    "from the last committed offsets", e->txn_records);
}

/* Reports a transaction error and exits: stdin cannot be read again, so
 * the pipeline must restart from the offsets committed last. */
static void
eos_fail(struct eos *e, rd_kafka_error_t *error, const char *what)
{
	rd_kafka_resp_err_t code = rd_kafka_error_code(error);

	warnx("%s: %s", what, rd_kafka_error_string(error));
	if (code == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION ||
	    code == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID ||
	    code == RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID)
		warnx("the source partitions moved to another group member "
		    "(generation %" PRId32 " is over): its records are not "
		    "produced, the new owner reads them",
		    e->ngroups > 0 ? e->groups[0].generation : -1);
	if (rd_kafka_error_txn_requires_abort(error))
		abort_open(e);
	else if (rd_kafka_error_is_fatal(error))
		warnx("fenced or fatal: another kout with this transactional id "
		    "may have taken over");
	rd_kafka_error_destroy(error);
	exit(KP_EXIT_FAIL);
}

/* Aborts the open transaction for a reason of our own, and exits 1. */
static void
eos_abort_exit(struct eos *e, const char *why)
{
	warnx("%s", why);
	abort_open(e);
	exit(KP_EXIT_FAIL);
}

void
eos_init(struct eos *e, rd_kafka_t *rk, int64_t timeout_ms)
{
	rd_kafka_error_t *error;

	memset(e, 0, sizeof(*e));
	e->rk = rk;
	/* Also fences and aborts what a killed kout with this id left open. */
	if ((error = rd_kafka_init_transactions(rk, (int)timeout_ms)) != NULL) {
		warnx("init transactions: %s", rd_kafka_error_string(error));
		rd_kafka_error_destroy(error);
		exit(KP_EXIT_FAIL);
	}
}

static struct eos_group *
group_find(struct eos *e, const char *name)
{
	int i;

	for (i = 0; i < e->ngroups; i++)
		if (strcmp(e->groups[i].name, name) == 0)
			return &e->groups[i];
	return NULL;
}

/* Whether src was read under another generation than the open transaction's. */
static int
other_generation(struct eos *e, const struct kpsrc *src)
{
	struct eos_group *g = group_find(e, src->group);

	return g != NULL && (g->generation != src->generation ||
	    strcmp(g->member, src->member) != 0);
}

static void
groups_reset(struct eos *e)
{
	int i;

	for (i = 0; i < e->ngroups; i++) {
		free(e->groups[i].name);
		free(e->groups[i].member);
		rd_kafka_topic_partition_list_destroy(e->groups[i].offsets);
	}
	free(e->groups);
	e->groups = NULL;
	e->ngroups = 0;
}

static void
begin(struct eos *e)
{
	rd_kafka_error_t *error;

	if ((error = rd_kafka_begin_transaction(e->rk)) != NULL)
		eos_fail(e, error, "begin transaction");
	e->in_txn = 1;
	e->txns++;
	e->txn_started = mono_ms();
	e->txn_records = 0;
}

/*
 * Notes where src's partition resumes (after a record; at a window
 * entry's resume), in its group's offsets for the open transaction, with
 * how far a window filter processed as metadata.
 */
static void
note(struct eos *e, const struct kpsrc *src)
{
	struct eos_group *g = group_find(e, src->group);
	rd_kafka_topic_partition_t *tp;
	char meta[EOS_RUNS_MAX * (EOS_RUN_ID_MAX + 22) + 32];
	int n = 0;

	if (g == NULL) {
		e->groups = xreallocarray(e->groups, (size_t)e->ngroups + 1,
		    sizeof(*e->groups));
		g = &e->groups[e->ngroups++];
		g->name = xstrdup(src->group);
		g->member = xstrdup(src->member);
		g->generation = src->generation;
		g->offsets = rd_kafka_topic_partition_list_new(8);
	}
	tp = rd_kafka_topic_partition_list_find(g->offsets, src->topic,
	    src->partition);
	if (tp == NULL)
		tp = rd_kafka_topic_partition_list_add(g->offsets, src->topic,
		    src->partition);
	if (src->form == KPSRC_RECORD) {
		if (src->offset + 1 > tp->offset)
			tp->offset = src->offset + 1;
		return;
	}
	/* A window filter's positions are its latest word on them. */
	tp->offset = src->offset;
	free(tp->metadata);
	tp->metadata = NULL;
	tp->metadata_size = 0;
	if (src->nruns > 0)
		n = eos_runs_format(src->runs, src->nruns, meta, sizeof(meta));
	else if (src->processed > src->offset)
		n = snprintf(meta, sizeof(meta), "%s%" PRId64,
		    EOS_PROCESSED_PREFIX, src->processed);
	if (n > 0) {
		tp->metadata = xstrdup(meta);
		tp->metadata_size = (size_t)n;
	}
}

/*
 * Positions read under a new group generation (a rebalance in between):
 * what was read before commits on its own first, unless lines whose
 * position is still to come are in the transaction.
 */
static void
new_generation(struct eos *e)
{
	if (e->pending)
		eos_abort_exit(e, "the source partitions were reassigned while "
		    "a window filter's lines waited for their position");
	eos_commit(e);
}

/* A window filter's position line: [[...], [...], ...] and nothing else. */
static int
take_positions(struct eos *e, jv v, const char **why)
{
	struct kpsrc *srcs;
	int i, n = jv_array_length(jv_copy(v)), other = 0, rc = 0;

	*why = kpsrc_why(KPSRC_WINDOW, KPSRC_BAD);
	srcs = xcalloc((size_t)n, sizeof(*srcs));
	/* All are checked before any is noted. */
	for (i = 0; i < n && rc == 0; i++) {
		rc = kpsrc_parse(jv_array_get(jv_copy(v), i), KPSRC_WINDOW,
		    &srcs[i]);
		other |= rc == 0 && e->in_txn && other_generation(e, &srcs[i]);
	}
	n = i;			/* those parsed, the last perhaps not */
	if (rc == 0) {
		if (other)
			new_generation(e);
		if (!e->in_txn)
			begin(e);
		for (i = 0; i < n; i++)
			note(e, &srcs[i]);
		e->pending = 0;
	}
	for (i = 0; i < n; i++)
		kpsrc_release(&srcs[i]);
	free(srcs);
	jv_free(v);
	return rc;
}

int
eos_take(struct eos *e, const char *line, size_t len, struct eos_record *rec,
    const char **why)
{
	struct kpsrc_taken t;
	ssize_t n;

	memset(rec, 0, sizeof(*rec));
	if (len + 1 > e->bufcap) {
		e->bufcap = len + 1;
		e->buf = xreallocarray(e->buf, e->bufcap, 1);
	}
	if ((n = kpsrc_take(line, len, e->buf, &t, why)) < 0) {
		if (n == KPSRC_NONE)
			*why = "no _kp_src: kout --eos reads what kin --eos "
			    "writes";
		return -1;
	}
	switch (t.kind) {
	case KPSRC_KIND_PENDING:
		/* A window filter's output: its position comes after it. */
		if (!e->in_txn)
			begin(e);
		e->pending = 1;
		break;
	case KPSRC_KIND_LIST:
		if (strspn(e->buf, "{} \t") != (size_t)n) {
			*why = "a position list in a line with other members";
			return -1;
		}
		rec->position_only = 1;
		return take_positions(e, jv_parse_sized(t.text, (int)t.len),
		    why);
	case KPSRC_KIND_RECORD:
		if (t.rc != 0) {
			*why = kpsrc_why(KPSRC_RECORD, t.rc);
			return -1;
		}
		/* A rebalance in between: what was read before commits first. */
		if (e->in_txn && other_generation(e, &t.src))
			new_generation(e);
		if (!e->in_txn)
			begin(e);
		note(e, &t.src);
		kpsrc_release(&t.src);
		break;
	}
	e->txn_records++;
	kpsrc_unwrap(e->buf, (size_t)n, &rec->value, &rec->value_len,
	    &rec->owned);
	return 0;
}

void
eos_commit(struct eos *e)
{
	rd_kafka_consumer_group_metadata_t *cgmd;
	rd_kafka_error_t *error;
	struct eos_group *g;
	int i;

	if (!e->in_txn || e->pending)
		return;
	if (e->flush != NULL)
		e->flush(e->flush_arg);
	for (i = 0; i < e->ngroups; i++) {
		g = &e->groups[i];
		if (g->offsets->cnt == 0)
			continue;
		/*
		 * With the generation and member id kin read the records
		 * under, the coordinator refuses the offsets if the partitions
		 * have moved since (KIP-447): the transaction aborts instead
		 * of duplicating them.
		 */
		cgmd = g->generation >= 0 ?
		    rd_kafka_consumer_group_metadata_new_with_genid(g->name,
		    g->generation, g->member, NULL) :
		    rd_kafka_consumer_group_metadata_new(g->name);
		error = rd_kafka_send_offsets_to_transaction(e->rk, g->offsets,
		    cgmd, TXN_TIMEOUT_MS);
		rd_kafka_consumer_group_metadata_destroy(cgmd);
		if (error != NULL)
			eos_fail(e, error, "send offsets to transaction");
	}
	if ((error = rd_kafka_commit_transaction(e->rk, TXN_TIMEOUT_MS)) != NULL)
		eos_fail(e, error, "commit transaction");
	e->committed_records += e->txn_records;
	e->in_txn = 0;
	e->txn_records = 0;
	groups_reset(e);
}

/*
 * How long until the open transaction is to be committed (0: now), at
 * most EOS_COMMIT_MS. A transaction holds what was read in EOS_COMMIT_MS:
 * committing whenever the input buffer ran dry made one transaction of
 * every read(2) under load, a few hundred lines each, and the commits,
 * not the lines, took the time. A slow stream's transaction (under
 * EOS_LIVE_RATE lines a second) commits at EOS_LIVE_MS instead: its lines
 * are seen downstream about 20 ms after they came, not up to 100, at a
 * commit every 20 ms, which such a stream leaves the broker time for.
 */
int
eos_commit_wait(const struct eos *e, int64_t now)
{
	int64_t age;

	/* Lines waiting for their position: the commit waits for it too. */
	if (!e->in_txn || e->pending)
		return EOS_COMMIT_MS;
	age = now - e->txn_started;
	if (age >= EOS_COMMIT_MS)
		return 0;
	if (age < EOS_LIVE_MS)
		return (int)(EOS_LIVE_MS - age);
	if ((int64_t)e->txn_records * 1000 < (int64_t)EOS_LIVE_RATE * age)
		return 0;
	return (int)(EOS_COMMIT_MS - age);
}

void
eos_finish(struct eos *e)
{
	if (e->in_txn && e->pending)
		eos_abort_exit(e, "<stdin>: the input ended before the position "
		    "of its last lines (the window filter upstream stopped)");
	eos_commit(e);
}

void
eos_free(struct eos *e)
{
	groups_reset(e);
	free(e->buf);
}
