// SPDX-License-Identifier: GPL-2.0
/*
 * Every field once, for text and JSON alike, as iproute2's print_*() of
 * include/json_print.h: a call names the field's JSON key and its text
 * format, and prints the one or the other. PRINT_JSON and PRINT_TEXT are
 * for what only one output has (an ifindex; a table's heading).
 *
 * A call whose text says the value otherwise (a word for a boolean, a
 * placeholder for what the kernel did not send) gives the text's value
 * too: print_string_as(), print_bool_as(). A NULL format prints nothing
 * in text. print_text_of() holds the text of the fields a function prints
 * apart, in JSON output too, for a value that is their text (a frame's
 * summary).
 *
 * The output is held until print_end(), so that a failure prints none of
 * it; in text, print_end() lines up a table's lines (an output with a
 * heading, print_head()) that hold tabs in columns, each as wide as its
 * widest cell, two spaces apart, and prints the other lines, and any
 * other output, as they are.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "pmodectl.h"

#define MAX_COLS 16

static struct json j;
static bool list, indent;
static const char *head;	/* the text's heading line */
static FILE *out;	/* the output held, or NULL outside start and end */
static char *buf;
static size_t len;
static FILE *apart;	/* the text held apart, in print_text_of() */

/*
 * A new output: a JSON array of what follows if @is_list, else one value;
 * indented if @pretty.
 */
void print_start(bool is_list, bool pretty)
{
	list = is_list;
	indent = pretty;
	head = NULL;
	out = open_memstream(&buf, &len);
	if (!out)
		return;
	json_init(&j, out, pretty);
	if (opts.json && list)
		json_begin(&j, '[');
}

/* One line, its cells padded to the widths @w, the last unpadded. */
static void print_line(char *line, char *end, const int *w)
{
	char *tab;
	int col = 0;

	while ((tab = memchr(line, '\t', end - line))) {
		printf("%-*.*s  ", col < MAX_COLS ? w[col] : 0, (int)(tab - line), line);
		line = tab + 1;
		col++;
	}
	printf("%.*s\n", (int)(end - line), line);
}

static void print_columns(char *s)
{
	int w[MAX_COLS] = { 0 };
	char *line, *p, *tab, *end;
	int col;

	for (line = s; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		for (p = line, col = 0; col < MAX_COLS; p = tab + 1, col++) {
			tab = memchr(p, '\t', end - p);
			if (!tab)
				break;
			if (tab - p > w[col])
				w[col] = tab - p;
		}
	}
	for (line = s; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		print_line(line, end, w);
	}
}

/* What is held printed: JSON or text as it is, a table in columns. */
static void put(void)
{
	fclose(out);
	out = NULL;
	if (opts.json || !head)
		fwrite(buf, 1, len, stdout);
	else
		print_columns(buf);
	free(buf);
}

/* The output's end: the JSON value closed, or the text printed. */
void print_end(void)
{
	if (!out)
		return;
	if (opts.json) {
		if (list)
			json_end(&j, ']');
		json_done(&j);
	}
	put();
	fflush(stdout);
}

/*
 * What is held so far printed (to stdout's buffer), for an output that
 * goes on long (a check of a capture): the rest is held as before.
 */
void print_flush(void)
{
	if (!out)
		return;
	put();
	out = open_memstream(&buf, &len);
	j.f = out;
}

/* The text held so far, dropped (the request failed). */
void print_drop(void)
{
	if (!out)
		return;
	fclose(out);
	out = NULL;
	free(buf);
}

/* The output so far dropped, to start again (a dump taken again). */
void print_restart(void)
{
	const char *h = head;

	print_drop();
	print_start(list, indent);
	if (h)
		print_head(h);
}

/* The heading of a table, in text; kept when the output starts again. */
void print_head(const char *text)
{
	head = text;
	print_string(PRINT_TEXT, NULL, "%s", text);
}

static bool json_side(enum print_type t, const char *key)
{
	if (!opts.json || t == PRINT_TEXT || !out)
		return false;
	if (key)
		json_key(&j, key);
	return true;
}

/* Where a field's text goes: apart, in print_text_of(); else, in text, out. */
static FILE *text_side(enum print_type t, const char *fmt)
{
	if (t == PRINT_JSON || !fmt)
		return NULL;
	return apart ?: (opts.json ? NULL : out);
}

/* A string, @v in JSON, @text in text. */
void print_string_as(enum print_type t, const char *key, const char *fmt, const char *v,
		     const char *text)
{
	FILE *f;

	if (json_side(t, key))
		json_str(&j, v);
	if ((f = text_side(t, fmt)))
		fprintf(f, fmt, text);
}

void print_string(enum print_type t, const char *key, const char *fmt, const char *v)
{
	print_string_as(t, key, fmt, v, v);
}

void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned long long v)
{
	FILE *f;

	if (json_side(t, key))
		json_u64(&j, v);
	if ((f = text_side(t, fmt)))
		fprintf(f, fmt, v);
}

/* A boolean, true or false in JSON, the words @text in text. */
void print_bool_as(enum print_type t, const char *key, const char *fmt, bool v,
		   const char *text)
{
	FILE *f;

	if (json_side(t, key))
		json_bool(&j, v);
	if ((f = text_side(t, fmt)))
		fprintf(f, fmt, text);
}

/* A boolean: true or false in JSON, "on" or "off" in text. */
void print_bool(enum print_type t, const char *key, const char *fmt, bool v)
{
	print_bool_as(t, key, fmt, v, v ? "on" : "off");
}

/* No value: null in JSON, "-" in text. */
void print_null(enum print_type t, const char *key, const char *fmt)
{
	FILE *f;

	if (json_side(t, key))
		json_null(&j);
	if ((f = text_side(t, fmt)))
		fprintf(f, fmt, "-");
}

void print_open(const char *key, char open)
{
	if (json_side(PRINT_JSON, key))
		json_begin(&j, open);
}

void print_close(char close)
{
	if (opts.json && out)
		json_end(&j, close);
}

/*
 * The text of the fields @fn prints, held apart and returned (to free)
 * rather than printed, in text and JSON output alike; their JSON is
 * printed as ever. NULL if out of memory.
 */
char *print_text_of(void (*fn)(const void *arg), const void *arg)
{
	FILE *prev = apart;
	char *s = NULL;
	size_t n;

	apart = open_memstream(&s, &n);
	if (!apart) {
		apart = prev;
		return NULL;
	}
	fn(arg);
	fclose(apart);
	apart = prev;
	return s;
}
