/*
 * ktopic: what the commands share. Each command parses its own options
 * (the global ones are accepted there too), connects, and returns an exit
 * status; main() owns the one exit path. A usage error exits at once,
 * before anything is done (opt_usage_error).
 */
#ifndef KTOPIC_H
#define KTOPIC_H

#include <stdint.h>
#include <stdio.h>

#include <jv.h>
#include <librdkafka/rdkafka.h>

#include "kconf.h"
#include "opt.h"

#define DEFAULT_TIMEOUT_MS	10000
#define MAX_TIMEOUT_MS		86400000	/* a day */
/* What librdkafka's mock cluster gives a topic it creates on first use. */
#define AUTOCREATE_PARTITIONS	4

struct ktopic {
	struct kconf	 kconf;
	rd_kafka_t	*rk;
	int		 json;		/* -J: JSON lines instead of a table */
	int64_t		 timeout_ms;	/* --timeout: the whole command's budget */
	int64_t		 deadline;	/* when the budget runs out, on mono_ms() */
	char		 brokers[512];	/* bootstrap.servers, for messages */
	char		 last_error[512]; /* the client's last error, for messages */
};

enum {
	OPT_TIMEOUT = 256,
	OPT_IF_NOT_EXISTS,
	OPT_IF_EXISTS
};

/* Options every command takes, before or after the command's name. */
#define KTOPIC_OPTSTRING	"hJV" KCONF_OPTSTRING
#define KTOPIC_LONGOPTS \
	KCONF_LONGOPTS, \
	{ "json",    no_argument,       NULL, 'J' }, \
	{ "timeout", required_argument, NULL, OPT_TIMEOUT }, \
	OPT_LONGOPTS_HELP_VERSION

/* main.c */
void	usage(FILE *);
/*
 * Handles an option every command takes (-J, --timeout, kconf's, -h, -V);
 * any other is a usage error: exits 2 (opt_default).
 */
void	ktopic_option(struct ktopic *, int ch, const char *arg);
/* Resets getopt for a command's own argv (argv[0] is the command's name). */
void	command_getopt_reset(void);

/* cluster.c: the connection and the questions every command asks. */
void	ktopic_connect(struct ktopic *, rd_kafka_type_t, const char *group);
void	ktopic_disconnect(struct ktopic *);
int	ktopic_left_ms(const struct ktopic *);
/* Warns "what: reason", adding the client's last error to a transport failure. */
void	ktopic_warn(struct ktopic *, rd_kafka_resp_err_t, const char *what, ...)
	    __attribute__((format(printf, 3, 4)));
/* All topics; NULL after a warning if the brokers did not answer in time. */
const struct rd_kafka_metadata *cluster_metadata(struct ktopic *);
const rd_kafka_metadata_topic_t *metadata_topic(const struct rd_kafka_metadata *,
	    const char *name);
/*
 * Returns 1 if a broker the metadata lists is the controller the Admin API
 * needs for CreateTopics and DeleteTopics; 0 with *id set to the id the
 * cluster named (librdkafka's mock names 0, which is none of its brokers).
 */
int	cluster_has_controller(struct ktopic *, const struct rd_kafka_metadata *,
	    int32_t *id);
/* Waits up to the deadline for an admin result; NULL after a warning. */
rd_kafka_event_t *admin_wait(struct ktopic *, rd_kafka_queue_t *, const char *what);
rd_kafka_AdminOptions_t *admin_options(struct ktopic *, rd_kafka_admin_op_t);
/* Returns 0 if each is a topic name (topicname.h), else -1 after a warning. */
int	topic_operands_check(int argc, char *argv[]);
/* The partitions of a topic, sorted by id (an array the caller frees). */
const rd_kafka_metadata_partition_t **sorted_partitions(
	    const rd_kafka_metadata_topic_t *);
/* Sorts names (strcmp order) in place. */
void	sort_names(const char **names, int n);

/* table.c: a command's rows, as an aligned table or as JSON lines. */
struct column {
	const char	*key;		/* member of each row */
	const char	*title;		/* heading, or NULL for no heading line */
};
/* Prints rows (consumed); text mode prints only cols (NULL: nothing). */
int	print_rows(const struct ktopic *, jv rows, const struct column *cols,
	    int ncols);

/* The commands; each returns an exit status. */
int	cmd_create(struct ktopic *, int argc, char *argv[]);
int	cmd_delete(struct ktopic *, int argc, char *argv[]);
int	cmd_list(struct ktopic *, int argc, char *argv[]);
int	cmd_describe(struct ktopic *, int argc, char *argv[]);
int	cmd_lag(struct ktopic *, int argc, char *argv[]);
int	cmd_count(struct ktopic *, int argc, char *argv[]);

#endif
