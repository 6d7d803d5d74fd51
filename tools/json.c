// SPDX-License-Identifier: GPL-2.0
/*
 * A small streaming JSON writer: compact, or indented with -p.
 */
#include <inttypes.h>

#include "pmodectl.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

static void indent(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Before a value: a comma and a new line unless it follows its key. */
static void value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (j->depth)
		indent(j);
}

void json_begin(struct json *j, char open)
{
	value(j);
	fputc(open, j->f);
	j->first[++j->depth] = true;
}

void json_end(struct json *j, char close)
{
	bool empty = j->first[j->depth];

	j->depth--;
	if (!empty)
		indent(j);
	fputc(close, j->f);
}

void json_str(struct json *j, const char *s)
{
	value(j);
	fputc('"', j->f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(j->f, "\\%c", c);
		else if (c < 0x20)
			fprintf(j->f, "\\u%04x", c);
		else
			fputc(c, j->f);
	}
	fputc('"', j->f);
}

void json_key(struct json *j, const char *key)
{
	json_str(j, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

void json_u64(struct json *j, uint64_t v)
{
	value(j);
	fprintf(j->f, "%" PRIu64, v);
}

void json_bool(struct json *j, bool v)
{
	value(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	value(j);
	fputs("null", j->f);
}

void json_done(struct json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}
