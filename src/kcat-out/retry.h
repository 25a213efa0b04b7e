/*
 * Lines to produce again. When the broker refuses a record (a timestamp out
 * of the topic's range), it refuses its whole batch (KIP-467), and with a
 * single refused record librdkafka gives every message of the batch that
 * record's error: the innocent lines and the guilty one look alike. kout
 * keeps a copy of each such message and produces them again in smaller
 * groups until each verdict is a line's own.
 */
#ifndef KOUT_RETRY_H
#define KOUT_RETRY_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

struct retry_line {
	char			*topic;
	char			*value;		/* the line */
	size_t			 value_len;
	char			*key;		/* NULL: no key */
	size_t			 key_len;
	int32_t			 partition;
	rd_kafka_headers_t	*headers;	/* NULL if none */
	unsigned long		 lineno;
};

struct retry_list {
	struct retry_line	*lines;
	size_t			 n, cap;
};

/* Appends a copy of a delivery report's message; exits 1 out of memory. */
void	retry_keep(struct retry_list *, const rd_kafka_message_t *);
/* Moves lines[0..n) to the end of to, leaving them empty (and free to free). */
void	retry_move(struct retry_list *to, struct retry_line *lines, size_t n);
/* Moves every line of from to the end of to; from is left empty. */
void	retry_take(struct retry_list *to, struct retry_list *from);
void	retry_line_free(struct retry_line *);
/* Frees the lines and the list. */
void	retry_list_free(struct retry_list *);

#endif
