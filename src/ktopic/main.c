/*
 * ktopic: Kafka topics from the shell: create, delete, list, describe, and
 * a consumer group's lag.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kp.h"
#include "ktopic.h"
#include "lineio.h"
#include "opt.h"

static const struct option longopts[] = {
	KTOPIC_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static const struct {
	const char	*name;
	int		(*run)(struct ktopic *, int, char *[]);
} commands[] = {
	{ "count",    cmd_count },
	{ "create",   cmd_create },
	{ "delete",   cmd_delete },
	{ "describe", cmd_describe },
	{ "lag",      cmd_lag },
	{ "list",     cmd_list },
};

void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: ktopic [-hJV] [-b brokers] [-F file] [-X key=value] "
	    "[--timeout dur]\n"
	    "              command [argument ...]\n"
	    "       ktopic [options] count [--since file] topic ...\n"
	    "       ktopic [options] create [--if-not-exists] [-c key=value] "
	    "[-p partitions]\n"
	    "              [-r replicas] topic ...\n"
	    "       ktopic [options] delete [--if-exists] topic ...\n"
	    "       ktopic [options] describe topic ...\n"
	    "       ktopic [options] lag -g group [topic ...]\n"
	    "       ktopic [options] list [-a]\n");
}

void
ktopic_option(struct ktopic *kt, int ch, const char *arg)
{
	switch (ch) {
	case 'J':
		kt->json = 1;
		break;
	case OPT_TIMEOUT:
		kt->timeout_ms = opt_duration_within_ms("--timeout", arg, 1,
		    MAX_TIMEOUT_MS);
		break;
	default:
		if (!kconf_option(&kt->kconf, ch, arg))
			opt_default(ch, usage);
	}
}

void
command_getopt_reset(void)
{
	/* 0, not 1: GNU getopt then forgets the previous argv entirely. */
	optind = 0;
}

int
main(int argc, char *argv[])
{
	struct ktopic kt;
	size_t i;
	int ch, status;

	memset(&kt, 0, sizeof(kt));
	kconf_init(&kt.kconf);
	kt.timeout_ms = DEFAULT_TIMEOUT_MS;

	/* '+': stop at the command, whose options are its own. */
	while ((ch = getopt_long(argc, argv, "+" KTOPIC_OPTSTRING, longopts,
	    NULL)) != -1)
		ktopic_option(&kt, ch, optarg);
	argc -= optind;
	argv += optind;
	if (argc == 0)
		opt_usage_error(usage);

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		warnx("unknown command: %s", argv[0]);
		opt_usage_error(usage);
	}

	out_init();
	status = commands[i].run(&kt, argc, argv);
	ktopic_disconnect(&kt);
	kconf_free(&kt.kconf);
	if (out_close() != 0 && status == KP_EXIT_OK)
		status = KP_EXIT_FAIL;
	if (kconf_refused())
		status = KP_EXIT_USAGE;
	return status;
}
