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
#include "signals.h"

#define MAX_TOPICS	256

static const struct option longopts[] = {
	{ "brokers-count", required_argument, NULL, 'n' },
	{ "topic",         required_argument, NULL, 't' },
	{ "help",          no_argument,       NULL, 'h' },
	{ "version",       no_argument,       NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: kbroker [-hV] [-n BROKERS] [-t NAME[:PARTITIONS]]...\n");
}

int
main(int argc, char *argv[])
{
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mcluster;
	char errstr[512], *topics[MAX_TOPICS];
	int ch, nbrokers = 1, ntopics = 0, i;

	while ((ch = getopt_long(argc, argv, "hn:t:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			nbrokers = atoi(optarg);
			if (nbrokers < 1 || nbrokers > 32)
				errx(KP_EXIT_USAGE, "-n: 1 to 32 brokers");
			break;
		case 't':
			if (ntopics == MAX_TOPICS)
				errx(KP_EXIT_USAGE, "-t: at most %d topics", MAX_TOPICS);
			topics[ntopics++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return KP_EXIT_OK;
		case 'V':
			kp_print_version();
			return KP_EXIT_OK;
		default:
			usage(stderr);
			return KP_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 0) {
		usage(stderr);
		return KP_EXIT_USAGE;
	}

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
		char *name = topics[i], *colon = strrchr(name, ':');
		int partitions = 4;
		rd_kafka_resp_err_t e;

		if (colon != NULL) {
			*colon = '\0';
			partitions = atoi(colon + 1);
			if (partitions < 1 || partitions > 10000)
				errx(KP_EXIT_USAGE, "-t %s: bad partition count",
				    name);
		}
		e = rd_kafka_mock_topic_create(mcluster, name, partitions,
		    nbrokers < 3 ? nbrokers : 3);
		if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
			errx(KP_EXIT_FAIL, "-t %s: %s", name, rd_kafka_err2str(e));
	}

	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
	if (fflush(stdout) != 0)
		err(KP_EXIT_FAIL, "stdout");

	while (!kp_stop_signal)
		poll(NULL, 0, 200);

	rd_kafka_mock_cluster_destroy(mcluster);
	rd_kafka_destroy(rk);
	return KP_EXIT_OK;
}
