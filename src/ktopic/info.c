/* list and describe: what the metadata and the partition logs say. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kp.h"
#include "ktopic.h"
#include "opt.h"
#include "xalloc.h"

static jv
broker_ids(const int32_t *ids, int n)
{
	jv array = jv_array();
	int i;

	for (i = 0; i < n; i++)
		array = jv_array_append(array, jv_number(ids[i]));
	return array;
}

/* An offset, or null if the log did not say. */
static jv
offset_value(int64_t offset)
{
	return offset >= 0 ? jv_number((double)offset) : jv_null();
}

int
cmd_list(struct ktopic *kt, int argc, char *argv[])
{
	static const struct option longopts[] = {
		KTOPIC_LONGOPTS,
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct column columns[] = { { "topic", NULL } };
	const struct rd_kafka_metadata *md;
	const char **names;
	jv rows;
	int ch, i, n = 0, all = 0;

	command_getopt_reset();
	while ((ch = getopt_long(argc, argv, KTOPIC_OPTSTRING "a", longopts,
	    NULL)) != -1) {
		if (ch == 'a')
			all = 1;
		else
			ktopic_option(kt, ch, optarg);
	}
	argc -= optind;
	if (argc != 0)
		opt_usage_error(usage);

	ktopic_connect(kt, RD_KAFKA_PRODUCER, NULL);
	if ((md = cluster_metadata(kt)) == NULL)
		return KP_EXIT_FAIL;
	rows = jv_array();
	names = xcalloc((size_t)md->topic_cnt + 1, sizeof(*names));
	/* Kafka's own topics (__consumer_offsets) are its business. */
	for (i = 0; i < md->topic_cnt; i++)
		if (all || strncmp(md->topics[i].topic, "__", 2) != 0)
			names[n++] = md->topics[i].topic;
	sort_names(names, n);
	for (i = 0; i < n; i++) {
		const rd_kafka_metadata_topic_t *t = metadata_topic(md, names[i]);

		rows = jv_array_append(rows, jv_object_set(jv_object_set(
		    jv_object(), jv_string("topic"), jv_string(names[i])),
		    jv_string("partitions"), jv_number(t->partition_cnt)));
	}
	free(names);
	rd_kafka_metadata_destroy(md);
	print_rows(kt, rows, columns, 1);
	return KP_EXIT_OK;
}

int
cmd_describe(struct ktopic *kt, int argc, char *argv[])
{
	static const struct option longopts[] = {
		KTOPIC_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const struct column columns[] = {
		{ "topic",     "TOPIC" },
		{ "partition", "PARTITION" },
		{ "leader",    "LEADER" },
		{ "replicas",  "REPLICAS" },
		{ "isr",       "ISR" },
		{ "low",       "LOW" },
		{ "high",      "HIGH" },
	};
	const struct rd_kafka_metadata *md;
	const rd_kafka_metadata_topic_t *t;
	const rd_kafka_metadata_partition_t **parts;
	rd_kafka_resp_err_t e;
	jv rows;
	int ch, i, p, status = KP_EXIT_OK;

	command_getopt_reset();
	while ((ch = getopt_long(argc, argv, KTOPIC_OPTSTRING, longopts,
	    NULL)) != -1)
		ktopic_option(kt, ch, optarg);
	argc -= optind;
	argv += optind;
	if (argc == 0)
		opt_usage_error(usage);
	if (topic_operands_check(argc, argv) != 0)
		return KP_EXIT_USAGE;

	ktopic_connect(kt, RD_KAFKA_PRODUCER, NULL);
	if ((md = cluster_metadata(kt)) == NULL)
		return KP_EXIT_FAIL;
	rows = jv_array();
	for (i = 0; i < argc; i++) {
		if ((t = metadata_topic(md, argv[i])) == NULL) {
			warnx("%s: no such topic", argv[i]);
			status = KP_EXIT_FAIL;
			continue;
		}
		if (t->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			warnx("%s: %s", argv[i], rd_kafka_err2str(t->err));
			status = KP_EXIT_FAIL;
		}
		parts = sorted_partitions(t);
		for (p = 0; p < t->partition_cnt; p++) {
			int64_t low = -1, high = -1;
			jv row;

			e = rd_kafka_query_watermark_offsets(kt->rk, t->topic,
			    parts[p]->id, &low, &high, ktopic_left_ms(kt));
			if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
				ktopic_warn(kt, e, "%s [%d]: no offsets", t->topic,
				    (int)parts[p]->id);
				status = KP_EXIT_FAIL;
				low = high = -1;
			}
			row = jv_object_set(jv_object(), jv_string("topic"),
			    jv_string(t->topic));
			row = jv_object_set(row, jv_string("partition"),
			    jv_number(parts[p]->id));
			row = jv_object_set(row, jv_string("leader"),
			    parts[p]->leader >= 0 ? jv_number(parts[p]->leader) :
			    jv_null());
			row = jv_object_set(row, jv_string("replicas"),
			    broker_ids(parts[p]->replicas, parts[p]->replica_cnt));
			row = jv_object_set(row, jv_string("isr"),
			    broker_ids(parts[p]->isrs, parts[p]->isr_cnt));
			row = jv_object_set(row, jv_string("low"),
			    offset_value(low));
			row = jv_object_set(row, jv_string("high"),
			    offset_value(high));
			rows = jv_array_append(rows, row);
		}
		free(parts);
	}
	rd_kafka_metadata_destroy(md);
	print_rows(kt, rows, columns, sizeof(columns) / sizeof(columns[0]));
	return status;
}
