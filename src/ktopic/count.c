/*
 * count: the records each partition holds. HIGH - LOW counts offsets, and
 * in a topic written in transactions (kout --eos) each transaction's
 * commit marker takes an offset of every partition it wrote, and the
 * records of an aborted one stay in the log: so the partitions are read,
 * under read_committed, from their start to their end (the last stable
 * offset), and what the consumer is given is counted. --since FILE keeps,
 * for each partition, how far it was counted and what was found, so that
 * the next count reads only what came since (kpipes status does so).
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kp.h"
#include "ktopic.h"
#include "opt.h"
#include "xalloc.h"

enum { OPT_SINCE = 300 };

struct part {
	const char	*topic;
	int32_t		 id;
	int64_t		 low, end;	/* the log's start, and where to stop */
	int64_t		 from;		/* counted up to here before */
	long		 records;
	int		 done;
};

/* The earlier count of a partition in the --since file, if it still holds. */
static void
since_apply(jv since, struct part *pt)
{
	int i, n = jv_get_kind(since) == JV_KIND_ARRAY ?
	    jv_array_length(jv_copy(since)) : 0;

	pt->from = pt->low;
	pt->records = 0;
	for (i = 0; i < n; i++) {
		jv row = jv_array_get(jv_copy(since), i);
		jv topic = jv_object_get(jv_copy(row), jv_string("topic"));
		jv part = jv_object_get(jv_copy(row), jv_string("partition"));
		jv low = jv_object_get(jv_copy(row), jv_string("low"));
		jv counted = jv_object_get(jv_copy(row), jv_string("counted"));
		jv records = jv_object_get(jv_copy(row), jv_string("records"));

		/* Kept only while the log starts where it did then. */
		if (jv_get_kind(topic) == JV_KIND_STRING &&
		    strcmp(jv_string_value(topic), pt->topic) == 0 &&
		    jv_get_kind(part) == JV_KIND_NUMBER &&
		    (int32_t)jv_number_value(part) == pt->id &&
		    jv_get_kind(low) == JV_KIND_NUMBER &&
		    (int64_t)jv_number_value(low) == pt->low &&
		    jv_get_kind(counted) == JV_KIND_NUMBER &&
		    jv_get_kind(records) == JV_KIND_NUMBER &&
		    (int64_t)jv_number_value(counted) <= pt->end &&
		    (int64_t)jv_number_value(counted) >= pt->low) {
			pt->from = (int64_t)jv_number_value(counted);
			pt->records = (long)jv_number_value(records);
		}
		jv_free(topic);
		jv_free(part);
		jv_free(low);
		jv_free(counted);
		jv_free(records);
		jv_free(row);
	}
}

static jv
since_load(const char *path)
{
	FILE *fp;
	jv rows = jv_array(), v;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (path == NULL || (fp = fopen(path, "r")) == NULL)
		return rows;
	while ((n = getline(&line, &cap, fp)) > 0) {
		v = jv_parse_sized(line, (int)n);
		if (jv_get_kind(v) == JV_KIND_OBJECT)
			rows = jv_array_append(rows, v);
		else
			jv_free(v);
	}
	free(line);
	fclose(fp);
	return rows;
}

static int
since_save(const char *path, const struct part *pts, int n)
{
	char tmp[4096];
	FILE *fp;
	int i, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp) ||
	    (fp = fopen(tmp, "w")) == NULL) {
		warn("--since %s", path);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (pts[i].done)
			fprintf(fp, "{\"topic\":\"%s\",\"partition\":%d,"
			    "\"low\":%lld,\"counted\":%lld,\"records\":%ld}\n",
			    pts[i].topic, (int)pts[i].id, (long long)pts[i].low,
			    (long long)pts[i].end, pts[i].records);
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		warn("--since %s", path);
		unlink(tmp);
		rc = -1;
	}
	return rc;
}

static struct part *
find_part(struct part *pts, int n, const char *topic, int32_t id)
{
	int i;

	for (i = 0; i < n; i++)
		if (pts[i].id == id && strcmp(pts[i].topic, topic) == 0)
			return &pts[i];
	return NULL;
}

/*
 * Reads every partition not yet done from pt->from to pt->end, counting
 * the messages given. Returns how many are still not done.
 */
static int
read_counting(struct ktopic *kt, struct part *pts, int n)
{
	rd_kafka_topic_partition_list_t *assign;
	rd_kafka_topic_partition_list_t *pos;
	rd_kafka_message_t *m;
	struct part *pt;
	rd_kafka_resp_err_t last_err = RD_KAFKA_RESP_ERR_NO_ERROR;
	int i, left = 0;

	assign = rd_kafka_topic_partition_list_new(n);
	for (i = 0; i < n; i++)
		if (!pts[i].done) {
			rd_kafka_topic_partition_list_add(assign, pts[i].topic,
			    pts[i].id)->offset = pts[i].from;
			left++;
		}
	if (left == 0) {
		rd_kafka_topic_partition_list_destroy(assign);
		return 0;
	}
	rd_kafka_assign(kt->rk, assign);
	while (left > 0 && ktopic_left_ms(kt) > 0) {
		if ((m = rd_kafka_consumer_poll(kt->rk, 100)) == NULL) {
			/*
			 * Only markers after the last record: no message and
			 * no end-of-partition event; the position says.
			 */
			pos = rd_kafka_topic_partition_list_copy(assign);
			rd_kafka_position(kt->rk, pos);
			for (i = 0; i < pos->cnt; i++) {
				pt = find_part(pts, n, pos->elems[i].topic,
				    pos->elems[i].partition);
				if (pt != NULL && !pt->done &&
				    pos->elems[i].offset >= pt->end) {
					pt->done = 1;
					left--;
				}
			}
			rd_kafka_topic_partition_list_destroy(pos);
			continue;
		}
		pt = m->rkt == NULL ? NULL : find_part(pts, n,
		    rd_kafka_topic_name(m->rkt), m->partition);
		if (m->rkt == NULL && m->err != RD_KAFKA_RESP_ERR_NO_ERROR &&
		    m->err != last_err) {
			ktopic_warn(kt, m->err, "count");
			last_err = m->err;
		}
		if (pt != NULL && !pt->done) {
			if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR &&
			    m->offset < pt->end)
				pt->records++;
			if ((m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF &&
			    m->offset >= pt->end) ||
			    (m->err == RD_KAFKA_RESP_ERR_NO_ERROR &&
			    m->offset + 1 >= pt->end)) {
				pt->done = 1;
				left--;
			} else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR &&
			    m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
				ktopic_warn(kt, m->err, "%s [%d]", pt->topic,
				    (int)pt->id);
			}
		}
		rd_kafka_message_destroy(m);
	}
	rd_kafka_assign(kt->rk, NULL);
	rd_kafka_topic_partition_list_destroy(assign);
	return left;
}

int
cmd_count(struct ktopic *kt, int argc, char *argv[])
{
	static const struct option longopts[] = {
		KTOPIC_LONGOPTS,
		{ "since", required_argument, NULL, OPT_SINCE },
		{ NULL, 0, NULL, 0 }
	};
	static const struct column columns[] = {
		{ "topic",     "TOPIC" },
		{ "partition", "PARTITION" },
		{ "records",   "RECORDS" },
		{ "offsets",   "OFFSETS" },
	};
	const struct rd_kafka_metadata *md;
	const rd_kafka_metadata_topic_t *t;
	const rd_kafka_metadata_partition_t **parts;
	const char *since_path = NULL;
	struct part *pts = NULL;
	char gid[64];
	rd_kafka_resp_err_t e;
	jv rows, since;
	int ch, i, p, n = 0, cap = 0, status = KP_EXIT_OK;

	command_getopt_reset();
	while ((ch = getopt_long(argc, argv, KTOPIC_OPTSTRING, longopts,
	    NULL)) != -1) {
		if (ch == OPT_SINCE)
			since_path = optarg;
		else
			ktopic_option(kt, ch, optarg);
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		opt_usage_error(usage);
	if (topic_operands_check(argc, argv) != 0)
		return KP_EXIT_USAGE;

	kconf_set(kt->kconf.conf, "enable.partition.eof", "true");
	kconf_set(kt->kconf.conf, "isolation.level", "read_committed");
	kconf_set(kt->kconf.conf, "enable.auto.commit", "false");
	/* The consumer wants a group id even for assign(); none is joined. */
	snprintf(gid, sizeof(gid), "ktopic-count-%ld", (long)getpid());
	ktopic_connect(kt, RD_KAFKA_CONSUMER, gid);
	if ((md = cluster_metadata(kt)) == NULL)
		return KP_EXIT_FAIL;
	since = since_load(since_path);
	for (i = 0; i < argc; i++) {
		if ((t = metadata_topic(md, argv[i])) == NULL) {
			warnx("%s: no such topic", argv[i]);
			status = KP_EXIT_FAIL;
			continue;
		}
		parts = sorted_partitions(t);
		for (p = 0; p < t->partition_cnt; p++) {
			struct part *pt;

			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				pts = xreallocarray(pts, (size_t)cap,
				    sizeof(*pts));
			}
			pt = &pts[n++];
			memset(pt, 0, sizeof(*pt));
			pt->topic = t->topic;
			pt->id = parts[p]->id;
			/* Under read_committed the end is the last stable offset. */
			e = rd_kafka_query_watermark_offsets(kt->rk, t->topic,
			    pt->id, &pt->low, &pt->end, ktopic_left_ms(kt));
			if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
				ktopic_warn(kt, e, "%s [%d]: no offsets",
				    t->topic, (int)pt->id);
				status = KP_EXIT_FAIL;
				n--;
				continue;
			}
			since_apply(since, pt);
			pt->done = pt->from >= pt->end;
		}
		free(parts);
	}
	jv_free(since);
	if (read_counting(kt, pts, n) > 0) {
		warnx("count: not every partition was read to its end within "
		    "%gs", kt->timeout_ms / 1000.0);
		status = KP_EXIT_FAIL;
	}
	rows = jv_array();
	for (i = 0; i < n; i++) {
		jv row = jv_object_set(jv_object(), jv_string("topic"),
		    jv_string(pts[i].topic));

		row = jv_object_set(row, jv_string("partition"),
		    jv_number(pts[i].id));
		row = jv_object_set(row, jv_string("records"), pts[i].done ?
		    jv_number((double)pts[i].records) : jv_null());
		row = jv_object_set(row, jv_string("offsets"),
		    jv_number((double)(pts[i].end - pts[i].low)));
		rows = jv_array_append(rows, row);
	}
	if (since_path != NULL && since_save(since_path, pts, n) != 0)
		status = KP_EXIT_FAIL;
	rd_kafka_metadata_destroy(md);
	free(pts);
	print_rows(kt, rows, columns, sizeof(columns) / sizeof(columns[0]));
	return status;
}
