/*
 * The envelope: one JSON object per Kafka message, with everything needed
 * to produce it again, so that `kin -E T | kout -E` copies a topic with its
 * keys, headers and timestamps.
 *
 *   {"topic":"T","partition":0,"offset":42,"timestamp":1764000000000,
 *    "key":"k","headers":[["h","v"]],"value":{...}}
 *
 * "value" holds the message itself when it is JSON (its bytes unchanged, but
 * for line breaks turned into spaces, which JSON allows only as white space);
 * otherwise "value_text" holds it as a string (valid UTF-8) or
 * "value_base64" as base64. A tombstone (no value) has none of the three.
 * "key" is a string, null (no key), or absent with "key_base64" for binary
 * keys. A header value is a string, null, or {"base64":"..."}.
 */
#ifndef KP_ENVELOPE_H
#define KP_ENVELOPE_H

#include <stdint.h>
#include <stdio.h>

#include <librdkafka/rdkafka.h>

struct envelope {
	char			*topic;		/* NULL if absent */
	int32_t			 partition;	/* -1 if absent */
	int64_t			 timestamp;	/* -1 if absent */
	char			*key;		/* NULL: no key */
	size_t			 key_len;
	char			*value;		/* NULL: tombstone */
	size_t			 value_len;
	rd_kafka_headers_t	*headers;	/* NULL if none */
};

/* Writes the envelope of a message, without a newline. */
int	envelope_write(FILE *, const rd_kafka_message_t *);
/*
 * Parses an envelope line. A member that is absent or null is not given
 * (no topic, partition or timestamp: -1; no key; no headers); one that is
 * there must be what envelope_write writes: a topic name, a partition
 * from 0 to 2^31-1, an offset from 0, a timestamp of 1 ms or more (or -1),
 * a key string or key_base64, headers as pairs, at most one of value,
 * value_text and value_base64. Numbers are whole and exact (at most 2^53).
 * Returns 0, or -1 with *why set to a static reason.
 * The caller owns what env holds and frees it with envelope_free (headers
 * pass to librdkafka when produced, and are then set to NULL by the caller).
 */
int	envelope_parse(const char *line, size_t len, struct envelope *env,
	    const char **why);
void	envelope_free(struct envelope *);

/*
 * Writes a message value as one line, for plain `kin`: the bytes unchanged
 * when they hold no line break; JSON with line breaks has them turned into
 * spaces; other text with line breaks is written as a JSON string; an empty
 * value is "" and a tombstone null. Returns 1 if the value was changed.
 */
int	value_write_line(FILE *, const char *value, size_t len, int *changed);

#endif
