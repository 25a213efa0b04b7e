/*
 * lag: a group's committed offset against each partition's end. The
 * offsets come from a consumer handle that joins nothing: its
 * rd_kafka_committed() asks the group coordinator (OffsetFetch), which
 * every broker, the mock included, answers.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kp.h"
#include "ktopic.h"
#include "opt.h"
#include "xalloc.h"

struct names {
	char	**v;
	int	  n, cap;
};

static void
names_add(struct names *names, const char *name)
{
	int i;

	for (i = 0; i < names->n; i++)
		if (strcmp(names->v[i], name) == 0)
			return;
	if (names->n == names->cap) {
		names->cap = names->cap ? names->cap * 2 : 16;
		names->v = xreallocarray(names->v, (size_t)names->cap,
		    sizeof(*names->v));
	}
	names->v[names->n++] = xstrdup(name);
}

static void
names_free(struct names *names)
{
	while (names->n > 0)
		free(names->v[--names->n]);
	free(names->v);
}

/* Adds every partition of the topic to list. */
static void
add_partitions(rd_kafka_topic_partition_list_t *list,
    const rd_kafka_metadata_topic_t *t)
{
	const rd_kafka_metadata_partition_t **parts = sorted_partitions(t);
	int p;

	for (p = 0; p < t->partition_cnt; p++)
		rd_kafka_topic_partition_list_add(list, t->topic, parts[p]->id);
	free(parts);
}

/* Adds the topics of list's partitions that have a committed offset. */
static void
add_committed_topics(struct names *names,
    const rd_kafka_topic_partition_list_t *list,
    const struct rd_kafka_metadata *md)
{
	int i;

	for (i = 0; i < list->cnt; i++)
		if (list->elems[i].offset >= 0 &&
		    metadata_topic(md, list->elems[i].topic) != NULL)
			names_add(names, list->elems[i].topic);
}

/*
 * The topics the group has offsets for. ListConsumerGroupOffsets with no
 * partitions asks for all of them; the mock answers that with nothing,
 * so an empty answer is checked against every topic's partitions.
 */
static int
group_topics(struct ktopic *kt, const struct rd_kafka_metadata *md,
    const char *group, struct names *names)
{
	rd_kafka_ListConsumerGroupOffsets_t *request;
	rd_kafka_AdminOptions_t *options;
	rd_kafka_queue_t *queue;
	rd_kafka_event_t *ev;
	rd_kafka_topic_partition_list_t *all;
	rd_kafka_resp_err_t e;
	const rd_kafka_group_result_t **groups;
	size_t ngroups, g;
	int i;

	request = rd_kafka_ListConsumerGroupOffsets_new(group, NULL);
	queue = rd_kafka_queue_new(kt->rk);
	options = admin_options(kt, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
	rd_kafka_ListConsumerGroupOffsets(kt->rk, &request, 1, options, queue);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_ListConsumerGroupOffsets_destroy(request);
	if ((ev = admin_wait(kt, queue, group)) != NULL) {
		groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
		    rd_kafka_event_ListConsumerGroupOffsets_result(ev), &ngroups);
		for (g = 0; g < ngroups; g++) {
			const rd_kafka_topic_partition_list_t *parts;

			parts = rd_kafka_group_result_partitions(groups[g]);
			if (rd_kafka_group_result_error(groups[g]) == NULL &&
			    parts != NULL)
				add_committed_topics(names, parts, md);
		}
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_queue_destroy(queue);
	if (names->n > 0)
		return 0;

	all = rd_kafka_topic_partition_list_new(64);
	for (i = 0; i < md->topic_cnt; i++)
		if (strncmp(md->topics[i].topic, "__", 2) != 0)
			add_partitions(all, &md->topics[i]);
	e = all->cnt == 0 ? RD_KAFKA_RESP_ERR_NO_ERROR :
	    rd_kafka_committed(kt->rk, all, ktopic_left_ms(kt));
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		ktopic_warn(kt, e, "%s: no committed offsets", group);
		rd_kafka_topic_partition_list_destroy(all);
		return -1;
	}
	add_committed_topics(names, all, md);
	rd_kafka_topic_partition_list_destroy(all);
	return 0;
}

/*
 * The group's committed offsets for list's partitions, into their offsets
 * (and errors), by ListConsumerGroupOffsets. With stable, the broker
 * refuses offsets that an open transaction is about to commit
 * (UNSTABLE_OFFSET_COMMIT); without it, it answers at once with the last
 * committed ones. rd_kafka_committed asks for stable offsets under
 * read_committed and retries until its timeout, which is why it is not
 * used. Returns 0, or the error with which the group was answered.
 */
static rd_kafka_resp_err_t
committed_offsets(struct ktopic *kt, const char *group,
    rd_kafka_topic_partition_list_t *list, int stable, int timeout_ms)
{
	rd_kafka_ListConsumerGroupOffsets_t *request;
	rd_kafka_AdminOptions_t *options;
	rd_kafka_queue_t *queue;
	rd_kafka_event_t *ev;
	rd_kafka_error_t *error;
	const rd_kafka_group_result_t **groups;
	const rd_kafka_topic_partition_list_t *parts;
	rd_kafka_topic_partition_t *got;
	rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
	char errstr[256];
	size_t ngroups;
	int i;

	request = rd_kafka_ListConsumerGroupOffsets_new(group, list);
	queue = rd_kafka_queue_new(kt->rk);
	options = admin_options(kt, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
	if (rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms,
	    errstr, sizeof(errstr)) != RD_KAFKA_RESP_ERR_NO_ERROR)
		errx(KP_EXIT_FAIL, "%s", errstr);
	if ((error = rd_kafka_AdminOptions_set_require_stable_offsets(options,
	    stable)) != NULL)
		errx(KP_EXIT_FAIL, "%s", rd_kafka_error_string(error));
	rd_kafka_ListConsumerGroupOffsets(kt->rk, &request, 1, options, queue);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_ListConsumerGroupOffsets_destroy(request);
	if ((ev = rd_kafka_queue_poll(queue, timeout_ms + 1000)) == NULL)
		e = RD_KAFKA_RESP_ERR__TIMED_OUT;
	else if ((e = rd_kafka_event_error(ev)) == RD_KAFKA_RESP_ERR_NO_ERROR) {
		groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
		    rd_kafka_event_ListConsumerGroupOffsets_result(ev), &ngroups);
		if (ngroups != 1 || (parts =
		    rd_kafka_group_result_partitions(groups[0])) == NULL)
			e = ngroups == 1 && rd_kafka_group_result_error(
			    groups[0]) != NULL ? rd_kafka_error_code(
			    rd_kafka_group_result_error(groups[0])) :
			    RD_KAFKA_RESP_ERR__BAD_MSG;
		else
			for (i = 0; i < list->cnt; i++) {
				got = rd_kafka_topic_partition_list_find(parts,
				    list->elems[i].topic,
				    list->elems[i].partition);
				list->elems[i].offset = got != NULL ?
				    got->offset : RD_KAFKA_OFFSET_INVALID;
				list->elems[i].err = got != NULL ? got->err :
				    RD_KAFKA_RESP_ERR_NO_ERROR;
			}
	}
	if (ev != NULL)
		rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(queue);
	return e;
}

/*
 * Whether a transaction that commits the group's offsets is open: the
 * stable offsets are refused, or not given within a short wait.
 */
static int
transaction_pending(struct ktopic *kt, const char *group,
    const rd_kafka_topic_partition_list_t *list)
{
	rd_kafka_topic_partition_list_t *copy;
	rd_kafka_resp_err_t e;
	int i, pending, left = ktopic_left_ms(kt);

	copy = rd_kafka_topic_partition_list_copy(list);
	e = committed_offsets(kt, group, copy, 1, left < 2000 ? left : 2000);
	pending = e == RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT ||
	    e == RD_KAFKA_RESP_ERR__TIMED_OUT;
	for (i = 0; i < copy->cnt; i++)
		if (copy->elems[i].err ==
		    RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT)
			pending = 1;
	rd_kafka_topic_partition_list_destroy(copy);
	return pending;
}

int
cmd_lag(struct ktopic *kt, int argc, char *argv[])
{
	static const struct option longopts[] = {
		KTOPIC_LONGOPTS,
		{ "group", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct column columns[] = {
		{ "topic",     "TOPIC" },
		{ "partition", "PARTITION" },
		{ "committed", "COMMITTED" },
		{ "end",       "END" },
		{ "lag",       "LAG" },
	};
	const struct rd_kafka_metadata *md;
	rd_kafka_topic_partition_list_t *list;
	rd_kafka_resp_err_t e;
	struct names topics = { NULL, 0, 0 };
	const char *group = NULL;
	jv rows;
	int ch, i, status = KP_EXIT_OK;

	command_getopt_reset();
	while ((ch = getopt_long(argc, argv, KTOPIC_OPTSTRING "g:", longopts,
	    NULL)) != -1) {
		if (ch == 'g')
			group = optarg;
		else
			ktopic_option(kt, ch, optarg);
	}
	argc -= optind;
	argv += optind;
	if (group == NULL || *group == '\0') {
		warnx("lag: -g group is required");
		opt_usage_error(usage);
	}
	if (topic_operands_check(argc, argv) != 0)
		return KP_EXIT_USAGE;

	ktopic_connect(kt, RD_KAFKA_CONSUMER, group);
	if ((md = cluster_metadata(kt)) == NULL)
		return KP_EXIT_FAIL;
	rows = jv_array();
	for (i = 0; i < argc; i++) {
		if (metadata_topic(md, argv[i]) != NULL)
			names_add(&topics, argv[i]);
		else {
			warnx("%s: no such topic", argv[i]);
			status = KP_EXIT_FAIL;
		}
	}
	if (argc == 0) {
		if (group_topics(kt, md, group, &topics) == -1)
			status = KP_EXIT_FAIL;
		else if (topics.n == 0) {
			warnx("%s: the group has no committed offsets; name the "
			    "topics to see their end offsets", group);
			status = KP_EXIT_FAIL;
		}
		sort_names((const char **)topics.v, topics.n);
	}

	list = rd_kafka_topic_partition_list_new(64);
	for (i = 0; i < topics.n; i++)
		add_partitions(list, metadata_topic(md, topics.v[i]));
	rd_kafka_metadata_destroy(md);
	e = list->cnt == 0 ? RD_KAFKA_RESP_ERR_NO_ERROR :
	    committed_offsets(kt, group, list, 0, ktopic_left_ms(kt));
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		ktopic_warn(kt, e, "%s: no committed offsets", group);
		status = KP_EXIT_FAIL;
		list->cnt = 0;
	} else if (list->cnt > 0 && transaction_pending(kt, group, list))
		warnx("%s: a transaction that commits the group's offsets is "
		    "open: COMMITTED is the last committed offset, before it",
		    group);
	for (i = 0; i < list->cnt; i++) {
		rd_kafka_topic_partition_t *tp = &list->elems[i];
		int64_t low, high = -1;
		jv row;

		if (tp->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			ktopic_warn(kt, tp->err, "%s [%d]: committed offset",
			    tp->topic, (int)tp->partition);
			status = KP_EXIT_FAIL;
			tp->offset = RD_KAFKA_OFFSET_INVALID;
		}
		e = rd_kafka_query_watermark_offsets(kt->rk, tp->topic,
		    tp->partition, &low, &high, ktopic_left_ms(kt));
		if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
			ktopic_warn(kt, e, "%s [%d]: no end offset", tp->topic,
			    (int)tp->partition);
			status = KP_EXIT_FAIL;
			high = -1;
		}
		row = jv_object_set(jv_object(), jv_string("group"),
		    jv_string(group));
		row = jv_object_set(row, jv_string("topic"), jv_string(tp->topic));
		row = jv_object_set(row, jv_string("partition"),
		    jv_number(tp->partition));
		row = jv_object_set(row, jv_string("committed"), tp->offset >= 0 ?
		    jv_number((double)tp->offset) : jv_null());
		row = jv_object_set(row, jv_string("end"), high >= 0 ?
		    jv_number((double)high) : jv_null());
		/* No commit, no lag: where the group would start is its reset policy. */
		row = jv_object_set(row, jv_string("lag"),
		    tp->offset >= 0 && high >= 0 ?
		    jv_number((double)(high > tp->offset ? high - tp->offset : 0)) :
		    jv_null());
		rows = jv_array_append(rows, row);
	}
	rd_kafka_topic_partition_list_destroy(list);
	names_free(&topics);
	print_rows(kt, rows, columns, sizeof(columns) / sizeof(columns[0]));
	return status;
}
