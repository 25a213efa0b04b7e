/*
 * Kafka configuration shared by the Kafka tools: -b/--brokers,
 * -X/--property key=value and -F/--config-file FILE go straight to
 * librdkafka, so SASL and SSL need no code of ours.
 */
#ifndef KP_KCONF_H
#define KP_KCONF_H

#include <stdint.h>

#include <librdkafka/rdkafka.h>

struct kconf {
	rd_kafka_conf_t	*conf;
	const char	*brokers;	/* -b, else $KAFKA_BROKERS, else localhost:9092 */
	int		 brokers_set;	/* -b given, or bootstrap.servers set by -X/-F */
	char		*user_keys[128];/* keys set by -X or -F, which defaults leave alone */
	int		 nuser_keys;
};

/* The getopt_long entries every Kafka tool shares. */
#define KCONF_LONGOPTS \
	{ "brokers",     required_argument, NULL, 'b' }, \
	{ "property",    required_argument, NULL, 'X' }, \
	{ "config-file", required_argument, NULL, 'F' }
#define KCONF_OPTSTRING "b:X:F:"

void	 kconf_init(struct kconf *);
void	 kconf_free(struct kconf *);
/* Handles -b, -X and -F; returns 0 for any other option. Exits 2 on a bad setting. */
int	 kconf_option(struct kconf *, int opt, const char *arg);
/* Sets key to val; exits 2 (a configuration error) if librdkafka refuses it. */
void	 kconf_set(rd_kafka_conf_t *, const char *key, const char *val);
/* Sets key to val unless the user set it with -X or -F. */
void	 kconf_default(struct kconf *, const char *key, const char *val);
/*
 * Waits until a broker answers a metadata request, so that a wrong address
 * fails fast and clearly. Returns 0; -1 after a warning if none answered
 * within timeout_ms; 1 if a stop signal came first.
 */
int	 kconf_wait_for_brokers(rd_kafka_t *, int64_t timeout_ms);
/* Applies the broker list and hands over the configuration. */
rd_kafka_conf_t *kconf_finish(struct kconf *);

#endif
