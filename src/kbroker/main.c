/*
 * kbroker: librdkafka's mock cluster as a program, an embedded Kafka broker
 * on loopback for demos and tests.
 */
#include <err.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "kconf.h"
#include "kp.h"
#include "opt.h"
#include "signals.h"
#include "xalloc.h"

#define MAX_TOPICS	256
#define MAX_BROKERS	32
#define MAX_PARTITIONS	10000
/* What the mock gives a topic it creates on first use, and -t's default. */
#define DEFAULT_PARTITIONS	4

struct topic_spec {
	char	*name;
	int	 partitions;
};

static const struct option longopts[] = {
	{ "brokers-count", required_argument, NULL, 'n' },
	{ "topic",         required_argument, NULL, 't' },
	OPT_LONGOPTS_HELP_VERSION,
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: kbroker [-hV] [-n brokers] [-t name[:partitions]] ...\n");
}

/* Parses -t NAME[:PARTITIONS]; exits 2 if it is bad. */
static void
parse_topic(const char *spec, struct topic_spec *t)
{
	char *arg, *field;
	uint64_t partitions;

	/* A copy: ps(1) should still show the command line as typed. */
	arg = xstrdup(spec);
	t->name = strsep(&arg, ":");
	t->partitions = DEFAULT_PARTITIONS;
	if (*t->name == '\0' || strlen(t->name) > 249 ||
	    strspn(t->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != strlen(t->name))
		errx(KP_EXIT_USAGE, "-t %s: not a topic name", t->name);
	if ((field = strsep(&arg, ":")) != NULL) {
		if (parse_whole(field, 1, MAX_PARTITIONS, &partitions) != 0)
			errx(KP_EXIT_USAGE, "-t %s: partitions: not a whole "
			    "number from 1 to %d", spec, MAX_PARTITIONS);
		t->partitions = (int)partitions;
	}
	/*
	 * The mock ignores a replication factor: every partition gets
	 * min(3, brokers) replicas. Accepting one would be a lie.
	 */
	if (arg != NULL)
		errx(KP_EXIT_USAGE, "-t %s: expected name[:partitions] (replicas "
		    "are min(3, -n) for every topic)", t->name);
}

int
main(int argc, char *argv[])
{
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mcluster;
	struct topic_spec topics[MAX_TOPICS];
	char errstr[512];
	int ch, nbrokers = 1, ntopics = 0, i, j;

	while ((ch = getopt_long(argc, argv, "hn:t:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			nbrokers = (int)opt_whole("-n", optarg, 1, MAX_BROKERS);
			break;
		case 't':
			if (ntopics == MAX_TOPICS)
				errx(KP_EXIT_USAGE, "-t: at most %d topics", MAX_TOPICS);
			parse_topic(optarg, &topics[ntopics]);
			for (j = 0; j < ntopics; j++)
				if (strcmp(topics[j].name, topics[ntopics].name) == 0)
					errx(KP_EXIT_USAGE, "-t %s: given twice",
					    topics[j].name);
			ntopics++;
			break;
		default:
			opt_default(ch, usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 0)
		opt_usage_error(usage);

	kp_signals_install();
	/* The cluster needs a client handle for its bookkeeping only. */
	conf = rd_kafka_conf_new();
	kconf_set(conf, "log_level", "3");
	if ((rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
	    sizeof(errstr))) == NULL)
		errx(KP_EXIT_FAIL, "%s", errstr);
	if ((mcluster = rd_kafka_mock_cluster_new(rk, nbrokers)) == NULL)
		errx(KP_EXIT_FAIL, "cannot start the mock cluster");

	for (i = 0; i < ntopics; i++) {
		rd_kafka_resp_err_t e;

		e = rd_kafka_mock_topic_create(mcluster, topics[i].name,
		    topics[i].partitions, nbrokers < 3 ? nbrokers : 3);
		if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
			errx(KP_EXIT_FAIL, "-t %s: %s", topics[i].name,
			    rd_kafka_err2str(e));
	}

	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
	if (fflush(stdout) != 0)
		err(KP_EXIT_FAIL, "stdout");

	while (!kp_stop_signal)
		poll(NULL, 0, 200);

	rd_kafka_mock_cluster_destroy(mcluster);
	rd_kafka_destroy(rk);
	for (i = 0; i < ntopics; i++)
		free(topics[i].name);
	return KP_EXIT_OK;
}
