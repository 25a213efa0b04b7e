/*
 * Kafka configuration shared by the Kafka tools: -b/--brokers,
 * -X/--property key=value and -F/--config-file FILE go straight to
 * librdkafka, so SASL and SSL need no code of ours.
 *
 * Secrets: the value of a key that looks secret (kconf_secret_key) is never
 * printed. kconf keeps those values, for the life of the process, to hide
 * them in every message it prints, librdkafka's included.
 *
 * Refusals: a broker that refuses the client's credentials (authentication,
 * SASL or SSL) or its rights (authorisation) is a configuration error, not a
 * fault that retrying can mend: the tool stops at once and exits
 * KP_EXIT_USAGE (kconf_refused).
 */
#ifndef KP_KCONF_H
#define KP_KCONF_H

#include <stddef.h>
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
/*
 * Handles -b, -X and -F; returns 0 for any other option. Exits 2 on a bad
 * setting. Warns when an -F file that holds a secret can be read by its
 * group or by others.
 */
int	 kconf_option(struct kconf *, int opt, const char *arg);
/* Sets key to val; exits 2 (a configuration error) if librdkafka refuses it. */
void	 kconf_set(rd_kafka_conf_t *, const char *key, const char *val);
/* Sets key to val unless the user set it with -X or -F. */
void	 kconf_default(struct kconf *, const char *key, const char *val);
/*
 * Waits until a broker answers a metadata request, so that a wrong address
 * fails fast and clearly. Serves the client's callbacks while it waits.
 * Returns 0; -1 after a warning if none answered within timeout_ms; -2 if a
 * broker refused the client (kconf_refused, already reported); 1 if a stop
 * signal came first.
 */
int	 kconf_wait_for_brokers(rd_kafka_t *, int64_t timeout_ms);
/* Applies the broker list and hands over the configuration. */
rd_kafka_conf_t *kconf_finish(struct kconf *);

/*
 * For a tool's error callback: reports librdkafka's error on stderr, secrets
 * hidden ("kafka: REASON"; "fatal: REASON" for a fatal error; transport
 * errors, which librdkafka retries, not at all). Returns 1 if it was a
 * refusal (kconf_refusal), said once with the broker's reason: the tool
 * stops and exits KP_EXIT_USAGE.
 */
int	 kconf_error(rd_kafka_t *, int code, const char *reason);
/*
 * Whether e is a refusal: authentication (SASL, SSL) or authorisation
 * failed. Remembers it for kconf_refused. Prints nothing.
 */
int	 kconf_refusal(rd_kafka_resp_err_t e);
/* Whether a refusal was seen: the tool's exit status is then KP_EXIT_USAGE. */
int	 kconf_refused(void);

/*
 * Whether a librdkafka key's value is a secret: *password*, *secret*,
 * *passphrase*, sasl.oauthbearer.config, ssl.key.*, *private.key*.
 */
int	 kconf_secret_key(const char *key);
/*
 * Remembers a secret value, to be hidden by kconf_redact, with the pieces
 * of it librdkafka may quote: each word, what follows a word's '=', and
 * the rest from each word on. Pieces shorter than 4 are not looked for.
 */
void	 kconf_add_secret(const char *val);
/*
 * Replaces in msg (NUL-terminated, in a buffer of size bytes) every
 * remembered secret, and piece of one, by "***".
 */
void	 kconf_redact(char *msg, size_t size);

#endif
