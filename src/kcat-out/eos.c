#include <err.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "eos.h"
#include "jsonscan.h"
#include "kp.h"
#include "timeparse.h"

#define TXN_TIMEOUT_MS	60000

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
		    "produced, the new owner reads them", e->generation);
	if (rd_kafka_error_txn_requires_abort(error)) {
		rd_kafka_error_t *ae = rd_kafka_abort_transaction(e->rk,
		    TXN_TIMEOUT_MS);

		if (ae != NULL) {
			warnx("abort: %s", rd_kafka_error_string(ae));
			rd_kafka_error_destroy(ae);
		} else {
			warnx("transaction aborted: %lu records will be read "
			    "again from the last committed offsets",
			    e->txn_records);
		}
	} else if (rd_kafka_error_is_fatal(error)) {
		warnx("fenced or fatal: another kout with this transactional id "
		    "may have taken over");
	}
	rd_kafka_error_destroy(error);
	exit(KP_EXIT_FAIL);
}

void
eos_init(struct eos *e, rd_kafka_t *rk, int64_t timeout_ms)
{
	rd_kafka_error_t *error;

	memset(e, 0, sizeof(*e));
	e->rk = rk;
	e->offsets = rd_kafka_topic_partition_list_new(16);
	/* Also fences and aborts what a killed kout with this id left open. */
	if ((error = rd_kafka_init_transactions(rk, (int)timeout_ms)) != NULL) {
		warnx("init transactions: %s", rd_kafka_error_string(error));
		rd_kafka_error_destroy(error);
		exit(KP_EXIT_FAIL);
	}
}

/* One parsed "_kp_src". */
struct src {
	jv	 v;		/* owns the strings */
	const char *group, *topic, *member;
	int32_t	 partition;
	int64_t	 offset;
	int32_t	 generation;	/* -1: none given, the commit is not fenced */
};

/*
 * Reads ["group","topic",partition,offset,generation,"member"], or the
 * first four alone (no generation: commits are not fenced).
 */
static int
parse_src(const char *s, size_t n, struct src *src, const char **why)
{
	jv e[6];
	int i, len;

	*why = "_kp_src is not [group, topic, partition, offset, generation, "
	    "member]";
	src->v = jv_parse_sized(s, (int)n);
	if (jv_get_kind(src->v) != JV_KIND_ARRAY)
		return -1;
	len = jv_array_length(jv_copy(src->v));
	if (len != 4 && len != 6)
		return -1;
	for (i = 0; i < len; i++) {
		e[i] = jv_array_get(jv_copy(src->v), i);
		/* Each element stays alive inside src->v. */
		jv_free(e[i]);
	}
	if (jv_get_kind(e[0]) != JV_KIND_STRING ||
	    jv_get_kind(e[1]) != JV_KIND_STRING ||
	    jv_get_kind(e[2]) != JV_KIND_NUMBER ||
	    jv_get_kind(e[3]) != JV_KIND_NUMBER ||
	    (len == 6 && (jv_get_kind(e[4]) != JV_KIND_NUMBER ||
	    jv_get_kind(e[5]) != JV_KIND_STRING)))
		return -1;
	src->group = jv_string_value(e[0]);
	src->topic = jv_string_value(e[1]);
	src->partition = (int32_t)jv_number_value(e[2]);
	src->offset = (int64_t)jv_number_value(e[3]);
	src->generation = len == 6 ? (int32_t)jv_number_value(e[4]) : -1;
	src->member = len == 6 ? jv_string_value(e[5]) : "";
	if (src->partition < 0 || src->offset < 0)
		return -1;
	return 0;
}

/* Whether the open transaction was read under another group generation. */
static int
other_generation(const struct eos *e, const struct src *src)
{
	return e->generation != src->generation ||
	    strcmp(e->member, src->member) != 0;
}

/* Starts a transaction whose offsets commit under src's group generation. */
static void
begin(struct eos *e, const struct src *src)
{
	rd_kafka_error_t *error;

	if (e->cgmd != NULL)
		rd_kafka_consumer_group_metadata_destroy(e->cgmd);
	free(e->member);
	e->generation = src->generation;
	if ((e->member = strdup(src->member)) == NULL)
		err(KP_EXIT_FAIL, NULL);
	/*
	 * With the generation and member id kin read the records under, the
	 * coordinator refuses the offsets if the partitions have moved since
	 * (KIP-447): the transaction aborts instead of duplicating them.
	 */
	e->cgmd = src->generation >= 0 ?
	    rd_kafka_consumer_group_metadata_new_with_genid(e->group,
	    src->generation, src->member, NULL) :
	    rd_kafka_consumer_group_metadata_new(e->group);
	if ((error = rd_kafka_begin_transaction(e->rk)) != NULL)
		eos_fail(e, error, "begin transaction");
	e->in_txn = 1;
	e->txn_started = mono_ms();
	e->txn_records = 0;
}

int
eos_take(struct eos *e, const char *line, size_t len, struct eos_record *rec,
    const char **why)
{
	const char *srcjs, *inner;
	size_t srclen, innerlen;
	rd_kafka_topic_partition_t *tp;
	struct src src;
	ssize_t n;

	memset(rec, 0, sizeof(*rec));
	if (len + 1 > e->bufcap) {
		e->bufcap = len + 1;
		if ((e->buf = realloc(e->buf, e->bufcap)) == NULL)
			err(KP_EXIT_FAIL, NULL);
	}
	n = json_member_remove(line, len, "_kp_src", e->buf, &srcjs, &srclen);
	if (n < 0) {
		*why = "no _kp_src: kout --eos reads what kin --eos writes";
		return -1;
	}
	if (parse_src(srcjs, srclen, &src, why) != 0) {
		jv_free(src.v);
		return -1;
	}
	if (e->group == NULL) {
		if ((e->group = strdup(src.group)) == NULL)
			err(KP_EXIT_FAIL, NULL);
	} else if (strcmp(e->group, src.group) != 0) {
		*why = "records from two consumer groups in one kout --eos";
		jv_free(src.v);
		return -1;
	}
	/* A rebalance in between: what was read before commits on its own. */
	if (e->in_txn && other_generation(e, &src))
		eos_commit(e);
	if (!e->in_txn)
		begin(e, &src);
	tp = rd_kafka_topic_partition_list_find(e->offsets, src.topic,
	    src.partition);
	if (tp == NULL)
		tp = rd_kafka_topic_partition_list_add(e->offsets, src.topic,
		    src.partition);
	if (src.offset + 1 > tp->offset)
		tp->offset = src.offset + 1;
	jv_free(src.v);
	e->txn_records++;
	rec->value = e->buf;
	rec->value_len = (size_t)n;
	/* Values kin had to wrap, being no JSON object: nothing else is left. */
	if (strncmp(e->buf, "{\"_kp_value\":", 13) == 0 &&
	    json_member_span(e->buf, (size_t)n, "_kp_value", &inner,
	    &innerlen) == 0) {
		rec->value = inner;
		rec->value_len = innerlen;
	} else if (strncmp(e->buf, "{\"_kp_text\":", 12) == 0 &&
	    json_member_span(e->buf, (size_t)n, "_kp_text", &inner,
	    &innerlen) == 0) {
		jv s = jv_parse_sized(inner, (int)innerlen);

		if (jv_get_kind(s) == JV_KIND_STRING) {
			rec->value_len = (size_t)jv_string_length_bytes(jv_copy(s));
			if ((rec->owned = malloc(rec->value_len + 1)) == NULL)
				err(KP_EXIT_FAIL, NULL);
			memcpy(rec->owned, jv_string_value(s), rec->value_len);
			rec->value = rec->owned;
		}
		jv_free(s);
	} else if (strncmp(e->buf, "{\"_kp_tombstone\":true}", 22) == 0) {
		rec->value = NULL;
		rec->value_len = 0;
	}
	return 0;
}

void
eos_commit(struct eos *e)
{
	rd_kafka_error_t *error;

	if (!e->in_txn)
		return;
	if (e->offsets->cnt > 0 && (error = rd_kafka_send_offsets_to_transaction(
	    e->rk, e->offsets, e->cgmd, TXN_TIMEOUT_MS)) != NULL)
		eos_fail(e, error, "send offsets to transaction");
	if ((error = rd_kafka_commit_transaction(e->rk, TXN_TIMEOUT_MS)) != NULL)
		eos_fail(e, error, "commit transaction");
	e->committed_records += e->txn_records;
	e->in_txn = 0;
	e->txn_records = 0;
	rd_kafka_topic_partition_list_destroy(e->offsets);
	e->offsets = rd_kafka_topic_partition_list_new(16);
}

void
eos_free(struct eos *e)
{
	if (e->cgmd != NULL)
		rd_kafka_consumer_group_metadata_destroy(e->cgmd);
	if (e->offsets != NULL)
		rd_kafka_topic_partition_list_destroy(e->offsets);
	free(e->group);
	free(e->member);
	free(e->buf);
}
