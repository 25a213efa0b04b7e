#include <stdio.h>
#include <string.h>

#include "topicname.h"

#define SHOWN	64	/* bytes of a bad name shown */

static int
topic_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

const char *
topic_name_why(const char *name, size_t len)
{
	size_t i;

	if (len == 0)
		return "not a topic name (empty)";
	if (len > TOPIC_NAME_MAX)
		return "not a topic name (more than 249 characters)";
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return "not a topic name (\".\" and \"..\" are not names)";
	for (i = 0; i < len; i++)
		if (!topic_char(name[i]))
			return "not a topic name (1 to 249 of a-z A-Z 0-9 . _ -)";
	return NULL;
}

int
topic_name_check(const char *name, size_t len, char why[TOPIC_WHY_MAX])
{
	const char *reason = topic_name_why(name, len);
	size_t i, at = 0;
	unsigned char c;

	if (reason == NULL)
		return 0;
	why[at++] = '"';
	for (i = 0; i < len && i < SHOWN; i++) {
		c = (unsigned char)name[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			why[at++] = (char)c;
		else
			at += (size_t)snprintf(why + at, 5, "\\x%02x", c);
	}
	snprintf(why + at, TOPIC_WHY_MAX - at, "\"%s: %s",
	    len > SHOWN ? "..." : "", reason);
	return -1;
}
