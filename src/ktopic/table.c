/*
 * Output: every command builds its rows as JSON objects, then prints them
 * either as JSON lines (-J) or as a table with aligned columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktopic.h"
#include "lineio.h"
#include "xalloc.h"

#define CELL_MAX	4096

/* A cell's text: numbers as integers, arrays joined by commas, null as "-". */
static void
cell_text(jv value, char *buf, size_t size)
{
	size_t used;
	int i, n;

	switch (jv_get_kind(value)) {
	case JV_KIND_NUMBER:
		snprintf(buf, size, "%.17g", jv_number_value(value));
		break;
	case JV_KIND_STRING:
		snprintf(buf, size, "%s", jv_string_value(value));
		break;
	case JV_KIND_TRUE:
		snprintf(buf, size, "yes");
		break;
	case JV_KIND_FALSE:
		snprintf(buf, size, "no");
		break;
	case JV_KIND_ARRAY:
		buf[0] = '\0';
		n = jv_array_length(jv_copy(value));
		for (i = 0, used = 0; i < n && used < size; i++) {
			char item[64];

			cell_text(jv_array_get(jv_copy(value), i), item,
			    sizeof(item));
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
			    i > 0 ? "," : "", item);
		}
		break;
	default:
		snprintf(buf, size, "-");
		break;
	}
	jv_free(value);
}

static int
print_json(jv rows)
{
	int i, n, failed = 0;

	n = jv_array_length(jv_copy(rows));
	for (i = 0; i < n && !failed; i++) {
		jv line = jv_dump_string(jv_array_get(jv_copy(rows), i), 0);

		failed = out_line(jv_string_value(line),
		    (size_t)jv_string_length_bytes(jv_copy(line))) == -1;
		jv_free(line);
	}
	jv_free(rows);
	return failed ? -1 : 0;
}

static int
print_table(jv rows, const struct column *cols, int ncols)
{
	char cell[CELL_MAX], line[CELL_MAX * 2];
	size_t *width;
	int *numeric, i, c, n, failed = 0;

	n = jv_array_length(jv_copy(rows));
	width = xcalloc((size_t)ncols, sizeof(*width));
	numeric = xcalloc((size_t)ncols, sizeof(*numeric));
	for (c = 0; c < ncols; c++) {
		if (cols[c].title != NULL)
			width[c] = strlen(cols[c].title);
		numeric[c] = 1;
		for (i = 0; i < n; i++) {
			jv v = jv_object_get(jv_array_get(jv_copy(rows), i),
			    jv_string(cols[c].key));

			if (jv_get_kind(v) != JV_KIND_NUMBER &&
			    jv_get_kind(v) != JV_KIND_NULL)
				numeric[c] = 0;
			cell_text(v, cell, sizeof(cell));
			if (strlen(cell) > width[c])
				width[c] = strlen(cell);
		}
	}

	/* Row -1 is the heading; numbers line up on the right. */
	for (i = cols[0].title != NULL ? -1 : 0; i < n && !failed; i++) {
		size_t used = 0;

		for (c = 0; c < ncols; c++) {
			const char *sep = c > 0 ? "  " : "";
			int w = (int)width[c];

			if (i == -1)
				snprintf(cell, sizeof(cell), "%s", cols[c].title);
			else
				cell_text(jv_object_get(jv_array_get(jv_copy(rows),
				    i), jv_string(cols[c].key)), cell, sizeof(cell));
			if (c == ncols - 1 && !numeric[c])
				w = 0;	/* no trailing blanks */
			used += (size_t)snprintf(line + used, sizeof(line) - used,
			    numeric[c] ? "%s%*s" : "%s%-*s", sep, w, cell);
			if (used >= sizeof(line))
				used = sizeof(line) - 1;
		}
		failed = out_line(line, used) == -1;
	}
	free(width);
	free(numeric);
	jv_free(rows);
	return failed ? -1 : 0;
}

int
print_rows(const struct ktopic *kt, jv rows, const struct column *cols,
    int ncols)
{
	if (kt->json)
		return print_json(rows);
	if (cols == NULL || ncols == 0 || jv_array_length(jv_copy(rows)) == 0) {
		jv_free(rows);
		return 0;
	}
	return print_table(rows, cols, ncols);
}
