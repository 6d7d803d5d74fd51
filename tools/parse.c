// SPDX-License-Identifier: GPL-2.0
/*
 * Argument parsing: pure functions, no netlink. MACs, numbers and uids
 * are lib/text.c's, which the libvirt hook reads its XML with too.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pmodectl.h"

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pmodectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int parse_onoff(const char *s, bool *on)
{
	if (!strcmp(s, "on"))
		*on = true;
	else if (!strcmp(s, "off"))
		*on = false;
	else
		return -1;
	return 0;
}

/* Does @arg abbreviate @word, as ip's matches() does? */
bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && n <= strlen(word) && !strncmp(arg, word, n);
}

/*
 * Which of @words (ended by NULL) does @arg name: one in full, or the only
 * one it abbreviates. Objects, commands and keywords are all matched so.
 * Return: its index, -1 if none, -2 if @arg abbreviates several.
 */
int match_word(const char *arg, const char *const *words)
{
	int i, found = -1;

	for (i = 0; words[i]; i++) {
		if (!strcmp(arg, words[i]))
			return i;
		if (matches(arg, words[i]))
			found = found == -1 ? i : -2;
	}
	return found;
}

/*
 * The quoting of batch files, read by split_line() and written by
 * put_word(): blanks separate words; outside quotes, '#' at the start of a
 * word starts a comment and a backslash takes the next character as it is;
 * in double quotes, a backslash takes the next character as it is; in
 * single quotes, every character is itself. A newline ends the line.
 */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* May @c stand unquoted in a word put_word() writes? */
static bool is_plain(unsigned char c)
{
	return c > ' ' && c < 0x7f && !strchr("\"'\\#", c);
}

/*
 * Split a batch line into words in place, by the rules above.
 * Return: the number of words, or -1 for an unterminated quote or too many.
 */
int split_line(char *line, char **argv, int max)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		char quote = 0;

		while (is_blank(*r))
			r++;
		if (!*r || *r == '#')
			break;
		if (argc == max)
			return -1;
		argv[argc++] = w;
		for (; *r; r++) {
			if (quote) {
				if (*r == quote)
					quote = 0;
				else if (*r == '\\' && quote == '"' && r[1])
					*w++ = *++r;
				else
					*w++ = *r;
			} else if (*r == '"' || *r == '\'') {
				quote = *r;
			} else if (*r == '\\' && r[1]) {
				*w++ = *++r;
			} else if (is_blank(*r)) {
				r++;
				break;
			} else {
				*w++ = *r;
			}
		}
		if (quote)
			return -1;
		*w++ = 0;
	}
	return argc;
}

/*
 * Write @s as one word that split_line() reads back as @s: as it is if
 * every byte is plain, else in double quotes with a backslash before each
 * '"' and '\'. Return: 0, or -1 if @s holds a newline, which no word can.
 */
int put_word(const char *s, FILE *f)
{
	const char *c;

	if (strchr(s, '\n'))
		return -1;
	for (c = s; is_plain(*c); c++)
		;
	if (*s && !*c)
		return fputs(s, f) < 0 ? -1 : 0;
	fputc('"', f);
	for (c = s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', f);
		fputc(*c, f);
	}
	return fputc('"', f) < 0 ? -1 : 0;
}
