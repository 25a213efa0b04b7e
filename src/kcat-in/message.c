#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "envelope.h"
#include "eos.h"
#include "group.h"
#include "jsonscan.h"
#include "kconf.h"
#include "message.h"
#include "parts.h"
#include "signals.h"

/* Lines written between looks at what the pipe's reader took, under load. */
#define TAKEN_LOOK_EVERY	4096

static void
write_message(struct kin *ki, rd_kafka_message_t *m)
{
	struct part *pt = parts_find(ki, rd_kafka_topic_name(m->rkt),
	    m->partition);
	int rc, changed = 0;

	if (ki->stdout_gone)
		return;
	if (ki->eos_mode) {
		rc = kin_eos_write(ki, m, pt);
	} else if (ki->envelope) {
		rc = envelope_write(stdout, m);
		if (rc == 0 && putc_unlocked('\n', stdout) == EOF)
			rc = -1;
	} else {
		rc = value_write_line(stdout, m->payload, m->len, &changed);
	}
	if (rc != 0) {
		if (errno != EPIPE)
			warn("stdout");
		ki->stdout_gone = errno == EPIPE ? 1 : 2;
		return;
	}
	if (pt != NULL) {
		pt->next = m->offset + 1;
		pt->eof_at = -1;
		if (ki->tracking) {
			taken_add(&ki->out, taken_position(&ki->out, stdout),
			    (int)(pt - ki->parts), pt->next);
			/*
			 * Under load, the lines waiting are kept few: a look
			 * every TAKEN_LOOK_EVERY lines written.
			 */
			if (++ki->since_look >= TAKEN_LOOK_EVERY) {
				note_read(ki);
				ki->since_look = 0;
			}
		}
	}
	if (changed) {
		/* Text with a line break, written as a JSON string. */
		int lossy = m->payload != NULL &&
		    !utf8_valid(m->payload, m->len) &&
		    json_validate(m->payload, m->len, NULL) != 0;

		if (ki->rewritten++ == 0 || (lossy && ki->replaced == 0))
			warnx("%s [%" PRId32 "] at offset %" PRId64 ": value "
			    "rewritten to fit on one line%s (see kin(1); kin -E "
			    "keeps every byte)", rd_kafka_topic_name(m->rkt),
			    m->partition, m->offset, lossy ? ", its bytes that "
			    "are not UTF-8 replaced by U+FFFD" : "");
		ki->replaced += lossy;
	}
	ki->written++;
	ki->dirty = 1;
}

int
take_message(struct kin *ki, rd_kafka_message_t *m)
{
	if (kp_stop_signal || ki->stdout_gone)
		return 1;
	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
		struct part *pt = parts_find(ki, rd_kafka_topic_name(m->rkt),
		    m->partition);

		/*
		 * Once at its end a partition counts as done, even if more
		 * comes to it before the others get there: on a topic written
		 * to all the time, partitions reach their ends one after
		 * another, rarely all at once (a producer that goes round the
		 * partitions kept kin -e reading for ever).
		 */
		if (pt != NULL) {
			pt->eof = 1;
			pt->eof_at = m->offset;
			ki->ends_met = 1;
		}
		return ki->exit_at_end && all_at_end(ki);
	}
	if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		warnx("%s: %s", m->rkt != NULL ? rd_kafka_topic_name(m->rkt) :
		    "consumer", rd_kafka_message_errstr(m));
		if (kconf_refusal(m->err)) {
			ki->failed = 1;
			return 1;
		}
		if ((m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
		    m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
		    m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) &&
		    ki->group == NULL) {
			ki->failed = 1;
			return 1;
		}
		return 0;
	}
	write_message(ki, m);
	return ki->count_limit > 0 && ki->written >= ki->count_limit;
}
