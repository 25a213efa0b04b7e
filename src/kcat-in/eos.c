#include <err.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eos.h"
#include "kp.h"
#include "kpsrc.h"
#include "parts.h"
#include "timeparse.h"
#include "xalloc.h"

/*
 * The group generation and member id this assignment is read under, for
 * kout --eos to commit the offsets with: the coordinator refuses them
 * once the partitions have moved (KIP-447). librdkafka gives the generation
 * only inside its serialised group metadata, "CGMDv2:" then the int32.
 */
void
kin_eos_generation(struct kin *ki)
{
	rd_kafka_consumer_group_metadata_t *cgmd;
	rd_kafka_error_t *error;
	char *member;
	void *blob;
	size_t n;
	int32_t gen;

	cgmd = rd_kafka_consumer_group_metadata(ki->rk);
	if (cgmd == NULL)
		errx(KP_EXIT_FAIL, "--eos: no consumer group metadata");
	if ((error = rd_kafka_consumer_group_metadata_write(cgmd, &blob,
	    &n)) != NULL)
		errx(KP_EXIT_FAIL, "--eos: %s", rd_kafka_error_string(error));
	if (n < 11 || memcmp(blob, "CGMDv2:", 7) != 0)
		errx(KP_EXIT_FAIL, "--eos: this librdkafka's group metadata is "
		    "not the CGMDv2 kin knows: cannot fence its commits");
	memcpy(&gen, (char *)blob + 7, sizeof(gen));
	rd_kafka_mem_free(ki->rk, blob);
	rd_kafka_consumer_group_metadata_destroy(cgmd);
	member = rd_kafka_memberid(ki->rk);
	free(ki->eos_member);
	ki->eos_member = xstrdup(member != NULL ? member : "");
	ki->eos_generation = gen;
	if (member != NULL)
		rd_kafka_mem_free(ki->rk, member);
}

/*
 * How far kout --eos has committed what this member wrote from a
 * partition: the offset to read from, or when a filter in between keeps a
 * window of records (wjoin), how far a run of it processed (eosruns.h),
 * leaving out the runs as they stood when the partition was assigned.
 */
static int64_t
eos_processed(const rd_kafka_topic_partition_t *tp, const struct part *pt)
{
	struct eos_run runs[EOS_RUNS_MAX];
	int64_t done = tp->offset;
	int i, k, n = eos_runs_parse(tp->metadata, tp->metadata_size,
	    tp->offset, runs);

	for (i = 0; i < n; i++) {
		for (k = 0; k < pt->nruns; k++)
			if (strcmp(pt->runs[k].id, runs[i].id) == 0 &&
			    pt->runs[k].processed >= runs[i].processed)
				break;
		if (k == pt->nruns && runs[i].processed > done)
			done = runs[i].processed;
	}
	return done;
}

/*
 * Partitions revoked: waits (up to --drain-timeout) until kout --eos
 * has committed every line written from them, so that the member taking
 * them over starts right after. If it cannot (kout stopped, a filter that
 * holds or drops records), the fencing in kout's commit is what keeps a
 * record from counting twice: its transaction aborts, the new owner reads
 * the records again.
 */
void
kin_eos_drain(struct kin *ki)
{
	rd_kafka_topic_partition_list_t *want;
	int64_t deadline = mono_ms() + ki->drain_ms;
	int i, behind = 0;

	if (ki->stdout_gone)
		return;
	want = rd_kafka_topic_partition_list_new(ki->nparts > 0 ? ki->nparts : 1);
	for (i = 0; i < ki->nparts; i++)
		if (ki->parts[i].next > 0)
			rd_kafka_topic_partition_list_add(want, ki->parts[i].topic,
			    ki->parts[i].partition);
	while (want->cnt > 0) {
		/* Each look at the committed offsets also keeps to the deadline. */
		int64_t left = deadline - mono_ms();
		rd_kafka_resp_err_t e = rd_kafka_committed(ki->rk, want,
		    left > 5000 ? 5000 : left > 100 ? (int)left : 100);

		behind = 0;
		for (i = 0; i < want->cnt; i++) {
			struct part *pt = parts_find(ki, want->elems[i].topic,
			    want->elems[i].partition);

			if (e != RD_KAFKA_RESP_ERR_NO_ERROR ||
			    eos_processed(&want->elems[i], pt) < pt->next)
				behind++;
		}
		if (behind == 0 || mono_ms() >= deadline)
			break;
		usleep(20000);
	}
	if (behind > 0)
		warnx("--eos: %d revoked partitions not committed downstream "
		    "within %" PRId64 " ms: kout's late commit will be refused "
		    "and their records read again", behind, ki->drain_ms);
	rd_kafka_topic_partition_list_destroy(want);
}

/*
 * Partitions assigned: the records between the committed offset
 * and a run's processed one are a window being read again; each is
 * marked with the runs that joined it, so that wjoin does not pair two
 * records of one run again.
 */
void
kin_eos_replay_marks(struct kin *ki, const rd_kafka_topic_partition_list_t *list)
{
	rd_kafka_topic_partition_list_t *c;
	rd_kafka_resp_err_t e;
	int i;

	c = rd_kafka_topic_partition_list_copy(list);
	if ((e = rd_kafka_committed(ki->rk, c, 10000)) !=
	    RD_KAFKA_RESP_ERR_NO_ERROR)
		errx(KP_EXIT_FAIL, "--eos: cannot read the committed offsets: %s",
		    rd_kafka_err2str(e));
	for (i = 0; i < c->cnt; i++) {
		struct part *pt = parts_find(ki, c->elems[i].topic,
		    c->elems[i].partition);

		if (pt != NULL)
			pt->nruns = c->elems[i].offset < 0 ? 0 :
			    eos_runs_parse(c->elems[i].metadata,
			    c->elems[i].metadata_size, c->elems[i].offset,
			    pt->runs);
	}
	rd_kafka_topic_partition_list_destroy(c);
}

/*
 * The record with its source position as the member "_kp_src", which
 * filters that keep unknown members pass on and kout --eos commits in its
 * transaction, then removes. Read again: the runs that joined it, with
 * how far each went.
 */
int
kin_eos_write(struct kin *ki, const rd_kafka_message_t *m,
    const struct part *pt)
{
	struct kpsrc src;

	src.form = KPSRC_RECORD;
	src.group = ki->group;
	src.topic = rd_kafka_topic_name(m->rkt);
	src.partition = m->partition;
	src.offset = m->offset;
	/* Not yet assigned (never, in a group): the four-element form. */
	src.generation = ki->eos_member != NULL ? ki->eos_generation : -1;
	src.member = ki->eos_member != NULL ? ki->eos_member : "";
	src.nruns = 0;
	if (pt != NULL && pt->nruns > 0) {
		memcpy(src.runs, pt->runs, (size_t)pt->nruns * sizeof(*pt->runs));
		src.nruns = pt->nruns;
	}
	return kpsrc_write_line(stdout, m->payload, m->len, &src);
}
