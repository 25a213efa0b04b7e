/*
 * One message taken from librdkafka: written as a line (the value, its
 * envelope with -E, or with its position with --eos), or a partition's
 * end or an error noted.
 */
#ifndef KIN_MESSAGE_H
#define KIN_MESSAGE_H

#include "kin.h"

/* One message of a batch. Returns 1 to stop reading. */
int	take_message(struct kin *, rd_kafka_message_t *);

#endif
