#include <stdlib.h>
#include <string.h>

#include "retry.h"
#include "xalloc.h"

static void
retry_grow(struct retry_list *rl, size_t need)
{
	struct retry_line *lines;
	size_t cap = rl->cap ? rl->cap : 64;

	if (need <= rl->cap)
		return;
	while (cap < need)
		cap *= 2;
	lines = xreallocarray(rl->lines, cap, sizeof(*lines));
	rl->lines = lines;
	rl->cap = cap;
}

/* A copy of n bytes, with a NUL after them. */
static char *
copy_bytes(const void *p, size_t n)
{
	char *s;

	s = xmalloc(n + 1);
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

void
retry_keep(struct retry_list *rl, const rd_kafka_message_t *m)
{
	struct retry_line *r;
	rd_kafka_headers_t *headers;

	retry_grow(rl, rl->n + 1);
	r = &rl->lines[rl->n++];
	memset(r, 0, sizeof(*r));
	r->lineno = (unsigned long)(uintptr_t)m->_private;
	r->partition = m->partition;
	r->topic = xstrdup(rd_kafka_topic_name(m->rkt));
	r->value = copy_bytes(m->payload, m->len);
	r->value_len = m->len;
	if (m->key != NULL) {
		r->key = copy_bytes(m->key, m->key_len);
		r->key_len = m->key_len;
	}
	if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR)
		r->headers = rd_kafka_headers_copy(headers);
}

void
retry_move(struct retry_list *to, struct retry_line *lines, size_t n)
{
	if (n == 0)
		return;
	retry_grow(to, to->n + n);
	memcpy(&to->lines[to->n], lines, n * sizeof(*lines));
	to->n += n;
	memset(lines, 0, n * sizeof(*lines));
}

void
retry_take(struct retry_list *to, struct retry_list *from)
{
	retry_move(to, from->lines, from->n);
	from->n = 0;
}

void
retry_line_free(struct retry_line *r)
{
	free(r->topic);
	free(r->value);
	free(r->key);
	if (r->headers != NULL)
		rd_kafka_headers_destroy(r->headers);
}

void
retry_list_free(struct retry_list *rl)
{
	size_t i;

	for (i = 0; i < rl->n; i++)
		retry_line_free(&rl->lines[i]);
	free(rl->lines);
	memset(rl, 0, sizeof(*rl));
}
