#include <errno.h>
#include <stdio.h>

#include "kp.h"

void
kp_print_version(void)
{
	printf("%s %s\n", program_invocation_short_name, KP_VERSION);
}
