#include <math.h>

#include "jvint.h"

int
jv_whole(jv x, int64_t min, int64_t max, int64_t *out)
{
	double d;

	if (jv_get_kind(x) != JV_KIND_NUMBER)
		return -1;
	d = jv_number_value(x);
	/* Compared as doubles first: only then is the cast defined. */
	if (!(d >= (double)min && d <= (double)max) || d != floor(d) ||
	    fabs(d) > (double)JVINT_EXACT_MAX)
		return -1;
	*out = (int64_t)d;
	return 0;
}
