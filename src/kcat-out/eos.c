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
	warnx("%s: %s", what, rd_kafka_error_string(error));
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

/* Reads ["group","topic",partition,offset]. */
static int
parse_src(struct eos *e, const char *s, size_t n, const char **why)
{
	jv src = jv_parse_sized(s, (int)n), g, t, p, o;
	rd_kafka_topic_partition_t *tp;
	int64_t next;
	int rc = -1;

	*why = "_kp_src is not [group, topic, partition, offset]";
	if (jv_get_kind(src) != JV_KIND_ARRAY ||
	    jv_array_length(jv_copy(src)) != 4) {
		jv_free(src);
		return -1;
	}
	g = jv_array_get(jv_copy(src), 0);
	t = jv_array_get(jv_copy(src), 1);
	p = jv_array_get(jv_copy(src), 2);
	o = jv_array_get(jv_copy(src), 3);
	if (jv_get_kind(g) != JV_KIND_STRING || jv_get_kind(t) != JV_KIND_STRING ||
	    jv_get_kind(p) != JV_KIND_NUMBER || jv_get_kind(o) != JV_KIND_NUMBER)
		goto out;
	if (e->group == NULL) {
		if ((e->group = strdup(jv_string_value(g))) == NULL)
			err(KP_EXIT_FAIL, NULL);
		e->cgmd = rd_kafka_consumer_group_metadata_new(e->group);
	} else if (strcmp(e->group, jv_string_value(g)) != 0) {
		*why = "records from two consumer groups in one kout --eos";
		goto out;
	}
	tp = rd_kafka_topic_partition_list_find(e->offsets,
	    jv_string_value(t), (int32_t)jv_number_value(p));
	if (tp == NULL)
		tp = rd_kafka_topic_partition_list_add(e->offsets,
		    jv_string_value(t), (int32_t)jv_number_value(p));
	next = (int64_t)jv_number_value(o) + 1;
	if (next > tp->offset)
		tp->offset = next;
	rc = 0;
out:
	jv_free(g);
	jv_free(t);
	jv_free(p);
	jv_free(o);
	jv_free(src);
	return rc;
}

int
eos_take(struct eos *e, const char *line, size_t len, struct eos_record *rec,
    const char **why)
{
	const char *src, *inner;
	size_t srclen, innerlen;
	ssize_t n;

	memset(rec, 0, sizeof(*rec));
	if (len + 1 > e->bufcap) {
		e->bufcap = len + 1;
		if ((e->buf = realloc(e->buf, e->bufcap)) == NULL)
			err(KP_EXIT_FAIL, NULL);
	}
	n = json_member_remove(line, len, "_kp_src", e->buf, &src, &srclen);
	if (n < 0) {
		*why = "no _kp_src: kout --eos reads what kin --eos writes";
		return -1;
	}
	if (!e->in_txn) {
		rd_kafka_error_t *error = rd_kafka_begin_transaction(e->rk);

		if (error != NULL)
			eos_fail(e, error, "begin transaction");
		e->in_txn = 1;
		e->txn_started = mono_ms();
		e->txn_records = 0;
	}
	if (parse_src(e, src, srclen, why) != 0)
		return -1;
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
	free(e->buf);
}
