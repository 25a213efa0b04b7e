/*
 * create and delete. Both go through the Admin API, which needs the
 * cluster's controller. librdkafka's mock cluster (kbroker) names
 * controller 0, which is none of its brokers, and implements neither
 * CreateTopics nor DeleteTopics: the request would wait forever. So we
 * look at the controller first and, with none, create the one kind of
 * topic such a broker can make (the one it makes when a client asks for
 * an unknown topic's metadata), or say why not.
 */
#include <err.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kp.h"
#include "ktopic.h"
#include "opt.h"
#include "xalloc.h"

#define MAX_CONFIGS	64
#define POLL_MS		100

struct create_request {
	int		 partitions;	/* -1: the broker's default */
	int		 replicas;	/* -1: the broker's default */
	int		 if_not_exists;
	char		*configs[MAX_CONFIGS];	/* "key=value" */
	int		 nconfigs;
};

static jv
result_row(const char *topic, const char *result)
{
	return jv_object_set(jv_object_set(jv_object(), jv_string("topic"),
	    jv_string(topic)), jv_string("result"), jv_string(result));
}

/* Drops repeated names, keeping the first; returns the new count. */
static int
unique_names(char **names, int n)
{
	int i, j, kept = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < kept; j++)
			if (strcmp(names[j], names[i]) == 0)
				break;
		if (j == kept)
			names[kept++] = names[i];
	}
	return kept;
}

/*
 * Waits (within the deadline) until every topic is in the metadata with
 * all its partitions led, or until none is (gone != 0), so that the next
 * command sees what this one did.
 */
static void
wait_for_metadata(struct ktopic *kt, char **topics, int n, int gone)
{
	const struct rd_kafka_metadata *md;
	const rd_kafka_metadata_topic_t *t;
	int i, p, settled = 0;

	if (n == 0)
		return;
	while (!settled && ktopic_left_ms(kt) > 0) {
		if (rd_kafka_metadata(kt->rk, 1, NULL, &md,
		    ktopic_left_ms(kt)) != RD_KAFKA_RESP_ERR_NO_ERROR)
			break;
		settled = 1;
		for (i = 0; i < n && settled; i++) {
			t = metadata_topic(md, topics[i]);
			if (gone) {
				settled = t == NULL;
				continue;
			}
			settled = t != NULL && t->partition_cnt > 0;
			for (p = 0; settled && p < t->partition_cnt; p++)
				settled = t->partitions[p].leader >= 0;
		}
		rd_kafka_metadata_destroy(md);
		if (!settled)
			usleep(POLL_MS * 1000);
	}
	if (!settled)
		warnx("the metadata does not show the change yet");
}

/* Moves name to the front of topics: the first *done of them are done. */
static void
mark_done(char **topics, int n, const char *name, int *done)
{
	char *swap;
	int i;

	for (i = *done; i < n; i++)
		if (strcmp(topics[i], name) == 0) {
			swap = topics[*done];
			topics[(*done)++] = topics[i];
			topics[i] = swap;
			return;
		}
}

static int
create_by_admin(struct ktopic *kt, const struct create_request *rq,
    char **topics, int n, jv *rows, int *created)
{
	rd_kafka_NewTopic_t **newt;
	rd_kafka_AdminOptions_t *options;
	rd_kafka_queue_t *queue;
	rd_kafka_event_t *ev;
	const rd_kafka_topic_result_t **results;
	char errstr[512];
	size_t nresults, r;
	int i, c, status = KP_EXIT_OK;

	newt = xcalloc((size_t)n, sizeof(*newt));
	for (i = 0; i < n; i++) {
		if ((newt[i] = rd_kafka_NewTopic_new(topics[i], rq->partitions,
		    rq->replicas, errstr, sizeof(errstr))) == NULL)
			errx(KP_EXIT_USAGE, "%s: %s", topics[i], errstr);
		for (c = 0; c < rq->nconfigs; c++) {
			char *eq = strchr(rq->configs[c], '=');

			*eq = '\0';
			rd_kafka_NewTopic_set_config(newt[i], rq->configs[c], eq + 1);
			*eq = '=';
		}
	}
	queue = rd_kafka_queue_new(kt->rk);
	options = admin_options(kt, RD_KAFKA_ADMIN_OP_CREATETOPICS);
	rd_kafka_CreateTopics(kt->rk, newt, (size_t)n, options, queue);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_NewTopic_destroy_array(newt, (size_t)n);
	free(newt);

	if ((ev = admin_wait(kt, queue, "create")) == NULL) {
		rd_kafka_queue_destroy(queue);
		return KP_EXIT_FAIL;
	}
	results = rd_kafka_CreateTopics_result_topics(
	    rd_kafka_event_CreateTopics_result(ev), &nresults);
	for (r = 0; r < nresults; r++) {
		const char *name = rd_kafka_topic_result_name(results[r]);
		const char *msg = rd_kafka_topic_result_error_string(results[r]);
		rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[r]);

		if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
			*rows = jv_array_append(*rows, result_row(name, "created"));
			mark_done(topics, n, name, created);
		} else if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS &&
		    rq->if_not_exists)
			*rows = jv_array_append(*rows, result_row(name, "exists"));
		else {
			warnx("%s: %s", name, msg != NULL && *msg != '\0' ? msg :
			    rd_kafka_err2str(e));
			status = kconf_refusal(e) ? KP_EXIT_USAGE : KP_EXIT_FAIL;
		}
	}
	rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(queue);
	return status;
}

/* Expected replicas of an auto-created topic: the mock makes min(3, brokers). */
static int
autocreate_replicas(const struct rd_kafka_metadata *md)
{
	return md->broker_cnt < 3 ? md->broker_cnt : 3;
}

static int
create_by_autocreation(struct ktopic *kt, const struct create_request *rq,
    const struct rd_kafka_metadata *md, int32_t controller, char **topics,
    int n, jv *rows, int *created)
{
	const struct rd_kafka_metadata *tmd;
	rd_kafka_topic_t *rkt;
	rd_kafka_resp_err_t e;
	char what[64], hint[128];
	int i, status = KP_EXIT_OK, replicas = autocreate_replicas(md);

	what[0] = '\0';
	if (rq->partitions != -1 && rq->partitions != AUTOCREATE_PARTITIONS)
		snprintf(what, sizeof(what), "%d partitions", rq->partitions);
	else if (rq->replicas != -1 && rq->replicas != replicas)
		snprintf(what, sizeof(what), "%d replicas", rq->replicas);
	else if (rq->nconfigs > 0)
		snprintf(what, sizeof(what), "-c settings");
	if (what[0] != '\0') {
		int p = rq->partitions != -1 ? rq->partitions :
		    AUTOCREATE_PARTITIONS;

		/* The mock gives every partition min(3, brokers) replicas. */
		if (rq->replicas > 3)
			snprintf(hint, sizeof(hint), "no embedded broker keeps "
			    "more than 3 replicas");
		else if (rq->replicas != -1)
			snprintf(hint, sizeof(hint), "start it with: kbroker "
			    "-n %d -t %s:%d", rq->replicas, topics[0], p);
		else
			snprintf(hint, sizeof(hint), "start it with: kbroker "
			    "-t %s:%d", topics[0], p);
		warnx("%s: cannot create with %s: the cluster names no "
		    "controller for the Admin API (controller %d is none of its "
		    "brokers), as an embedded kbroker does", topics[0], what,
		    (int)controller);
		warnx("such a broker only creates topics on first use, with %d "
		    "partitions, %d replicas and no settings; %s",
		    AUTOCREATE_PARTITIONS, replicas, hint);
		return KP_EXIT_FAIL;
	}

	for (i = 0; i < n; i++) {
		/* Asking for this topic's metadata is what creates it. */
		rkt = rd_kafka_topic_new(kt->rk, topics[i], NULL);
		e = rd_kafka_metadata(kt->rk, 0, rkt, &tmd, ktopic_left_ms(kt));
		rd_kafka_topic_destroy(rkt);
		if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
			ktopic_warn(kt, e, "%s: cannot create", topics[i]);
			status = KP_EXIT_FAIL;
			continue;
		}
		if (tmd->topic_cnt != 1 || tmd->topics[0].err !=
		    RD_KAFKA_RESP_ERR_NO_ERROR) {
			warnx("%s: cannot create: the cluster names no controller "
			    "for the Admin API and did not create the topic on "
			    "request: %s", topics[i], tmd->topic_cnt == 1 ?
			    rd_kafka_err2str(tmd->topics[0].err) : "no answer");
			status = KP_EXIT_FAIL;
		} else {
			warnx("%s: created by asking for its metadata, with %d "
			    "partitions: the cluster names no controller for the "
			    "Admin API (an embedded kbroker?)", topics[i],
			    tmd->topics[0].partition_cnt);
			*rows = jv_array_append(*rows, result_row(topics[i],
			    "auto-created"));
			mark_done(topics, n, topics[i], created);
		}
		rd_kafka_metadata_destroy(tmd);
	}
	return status;
}

/*
 * The TOPIC operands of create and delete: at least one, each a valid name,
 * each once; then the cluster's metadata. Returns an exit status.
 */
static int
topics_prepare(struct ktopic *kt, int *argc, char **argv,
    const struct rd_kafka_metadata **md)
{
	if (*argc == 0)
		opt_usage_error(usage);
	if (topic_operands_check(*argc, argv) != 0)
		return KP_EXIT_USAGE;
	*argc = unique_names(argv, *argc);
	ktopic_connect(kt, RD_KAFKA_PRODUCER, NULL);
	if ((*md = cluster_metadata(kt)) == NULL)
		return KP_EXIT_FAIL;
	return KP_EXIT_OK;
}

int
cmd_create(struct ktopic *kt, int argc, char *argv[])
{
	static const struct option longopts[] = {
		KTOPIC_LONGOPTS,
		{ "config",        required_argument, NULL, 'c' },
		{ "if-not-exists", no_argument,       NULL, OPT_IF_NOT_EXISTS },
		{ "partitions",    required_argument, NULL, 'p' },
		{ "replicas",      required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct create_request rq = { .partitions = -1, .replicas = -1 };
	const struct rd_kafka_metadata *md;
	char **todo;
	jv rows;
	int32_t controller;
	int ch, i, ntodo = 0, created = 0, status = KP_EXIT_OK;

	command_getopt_reset();
	while ((ch = getopt_long(argc, argv, KTOPIC_OPTSTRING "c:p:r:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (strchr(optarg, '=') == NULL || *optarg == '=')
				errx(KP_EXIT_USAGE, "-c: expected key=value: %s",
				    optarg);
			if (rq.nconfigs == MAX_CONFIGS)
				errx(KP_EXIT_USAGE, "-c: at most %d settings",
				    MAX_CONFIGS);
			rq.configs[rq.nconfigs++] = optarg;
			break;
		case OPT_IF_NOT_EXISTS:
			rq.if_not_exists = 1;
			break;
		case 'p':
			rq.partitions = (int)opt_whole("-p", optarg, 1, 1000000);
			break;
		case 'r':
			rq.replicas = (int)opt_whole("-r", optarg, 1, SHRT_MAX);
			break;
		default:
			ktopic_option(kt, ch, optarg);
		}
	}
	argc -= optind;
	argv += optind;
	if ((i = topics_prepare(kt, &argc, argv, &md)) != KP_EXIT_OK)
		return i;
	rows = jv_array();
	/* Existing topics are settled here: no request, and no wait on a mock. */
	todo = xcalloc((size_t)argc, sizeof(*todo));
	for (i = 0; i < argc; i++) {
		if (metadata_topic(md, argv[i]) == NULL)
			todo[ntodo++] = argv[i];
		else if (rq.if_not_exists)
			rows = jv_array_append(rows, result_row(argv[i], "exists"));
		else {
			warnx("%s: topic already exists", argv[i]);
			status = KP_EXIT_FAIL;
		}
	}
	if (ntodo > 0) {
		int s;

		if (cluster_has_controller(kt, md, &controller))
			s = create_by_admin(kt, &rq, todo, ntodo, &rows,
			    &created);
		else
			s = create_by_autocreation(kt, &rq, md, controller, todo,
			    ntodo, &rows, &created);
		if (s != KP_EXIT_OK)
			status = s;
		wait_for_metadata(kt, todo, created, 0);
	}
	rd_kafka_metadata_destroy(md);
	free(todo);
	print_rows(kt, rows, NULL, 0);
	return status;
}

int
cmd_delete(struct ktopic *kt, int argc, char *argv[])
{
	static const struct option longopts[] = {
		KTOPIC_LONGOPTS,
		{ "if-exists", no_argument, NULL, OPT_IF_EXISTS },
		{ NULL, 0, NULL, 0 }
	};
	const struct rd_kafka_metadata *md;
	rd_kafka_DeleteTopic_t **delt;
	rd_kafka_AdminOptions_t *options;
	rd_kafka_queue_t *queue;
	rd_kafka_event_t *ev;
	const rd_kafka_topic_result_t **results;
	char **todo;
	jv rows;
	size_t nresults, r;
	int32_t controller;
	int ch, i, if_exists = 0, ntodo = 0, deleted = 0, status = KP_EXIT_OK;

	command_getopt_reset();
	while ((ch = getopt_long(argc, argv, KTOPIC_OPTSTRING, longopts,
	    NULL)) != -1) {
		if (ch == OPT_IF_EXISTS)
			if_exists = 1;
		else
			ktopic_option(kt, ch, optarg);
	}
	argc -= optind;
	argv += optind;
	if ((i = topics_prepare(kt, &argc, argv, &md)) != KP_EXIT_OK)
		return i;
	rows = jv_array();
	todo = xcalloc((size_t)argc, sizeof(*todo));
	for (i = 0; i < argc; i++) {
		if (metadata_topic(md, argv[i]) != NULL)
			todo[ntodo++] = argv[i];
		else if (if_exists)
			rows = jv_array_append(rows, result_row(argv[i], "absent"));
		else {
			warnx("%s: no such topic", argv[i]);
			status = KP_EXIT_FAIL;
		}
	}
	if (ntodo > 0 && !cluster_has_controller(kt, md, &controller)) {
		warnx("cannot delete: the cluster names no controller for the "
		    "Admin API (controller %d is none of its brokers), as an "
		    "embedded kbroker does: its topics last until it stops",
		    (int)controller);
		ntodo = 0;
		status = KP_EXIT_FAIL;
	}
	rd_kafka_metadata_destroy(md);
	if (ntodo == 0)
		goto done;

	delt = xcalloc((size_t)ntodo, sizeof(*delt));
	for (i = 0; i < ntodo; i++)
		delt[i] = rd_kafka_DeleteTopic_new(todo[i]);
	queue = rd_kafka_queue_new(kt->rk);
	options = admin_options(kt, RD_KAFKA_ADMIN_OP_DELETETOPICS);
	rd_kafka_DeleteTopics(kt->rk, delt, (size_t)ntodo, options, queue);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_DeleteTopic_destroy_array(delt, (size_t)ntodo);
	free(delt);
	if ((ev = admin_wait(kt, queue, "delete")) == NULL) {
		rd_kafka_queue_destroy(queue);
		status = KP_EXIT_FAIL;
		goto done;
	}
	results = rd_kafka_DeleteTopics_result_topics(
	    rd_kafka_event_DeleteTopics_result(ev), &nresults);
	for (r = 0; r < nresults; r++) {
		const char *name = rd_kafka_topic_result_name(results[r]);
		const char *msg = rd_kafka_topic_result_error_string(results[r]);
		rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[r]);

		if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
			rows = jv_array_append(rows, result_row(name, "deleted"));
			mark_done(todo, ntodo, name, &deleted);
		} else if (e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART && if_exists)
			rows = jv_array_append(rows, result_row(name, "absent"));
		else {
			warnx("%s: %s", name, msg != NULL && *msg != '\0' ? msg :
			    rd_kafka_err2str(e));
			status = kconf_refusal(e) ? KP_EXIT_USAGE : KP_EXIT_FAIL;
		}
	}
	rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(queue);
	wait_for_metadata(kt, todo, deleted, 1);
done:
	free(todo);
	print_rows(kt, rows, NULL, 0);
	return status;
}
