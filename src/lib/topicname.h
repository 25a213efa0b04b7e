/*
 * Kafka's rule for a topic name: 1 to 249 characters of a-z A-Z 0-9 . _ -,
 * and neither "." nor "..". A real Kafka refuses any other name, the
 * embedded broker takes it: the tools check names themselves, so that a
 * bad one is the same error on both.
 */
#ifndef KP_TOPICNAME_H
#define KP_TOPICNAME_H

#include <stddef.h>

#define TOPIC_NAME_MAX	249
#define TOPIC_WHY_MAX	384

/* NULL if name[0..len) is a topic name, else why not (a static string). */
const char	*topic_name_why(const char *name, size_t len);
/*
 * The same, with the name in the reason: returns 0 if name[0..len) is a
 * topic name, else -1 with why set to the name in quotes (its first 64
 * bytes, other than printable ASCII as \xHH) and the reason, such as
 * "bad topic": not a topic name (1 to 249 of a-z A-Z 0-9 . _ -).
 */
int		 topic_name_check(const char *name, size_t len,
		    char why[TOPIC_WHY_MAX]);

#endif
