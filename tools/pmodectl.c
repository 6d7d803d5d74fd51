// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatcher: an object and a command word to their handler, the help
 * text from the same table, and batch files. main() is in main.c, so that
 * tests link all of this with a netlink layer of their own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmodectl.h"

struct options opts;

extern const struct command __start_pmode_cmds[], __stop_pmode_cmds[];

/* The objects, in the order help lists them. */
static const char *const objects[] = {
	"adapter", "feature", "user", "monitor", "save", "help", NULL
};

#define MAX_COMMANDS 32

static int object_index(const char *object)
{
	int i;

	for (i = 0; objects[i] && strcmp(objects[i], object); i++)
		;
	return i;
}

static int by_object_and_line(const void *a, const void *b)
{
	const struct command *x = *(const struct command *const *)a;
	const struct command *y = *(const struct command *const *)b;
	int d = object_index(x->object) - object_index(y->object);

	return d ? d : x->line - y->line;
}

/*
 * The commands of @object (all, if NULL) into @out, grouped by object in
 * the order of objects[], each object's in the order of its source file:
 * the linker's order of the section is no order at all.
 * Return: how many.
 */
static int commands(const char *object, const struct command **out)
{
	const struct command *c;
	int n = 0;

	for (c = __start_pmode_cmds; c < __stop_pmode_cmds && n < MAX_COMMANDS; c++)
		if (!object || !strcmp(c->object, object))
			out[n++] = c;
	qsort(out, n, sizeof(*out), by_object_and_line);
	return n;
}

void print_help(FILE *f, const char *object)
{
	const struct command *cmds[MAX_COMMANDS];
	int i, n = commands(object, cmds);

	if (!object) {
		fprintf(f,
			"Usage: pmodectl [OPTIONS] OBJECT COMMAND [ARGS]\n"
			"       pmodectl help [OBJECT]\n"
			"       pmodectl OBJECT help\n\n"
			"Options:\n"
			"  -j, --json         JSON output\n"
			"  -p, --pretty       indented JSON\n"
			"  -s, --stats        drop counters in 'adapter show'\n"
			"  -n, --netns NAME   act in network namespace NAME\n"
			"  -b, --batch FILE   run the commands of FILE ('-': stdin)\n"
			"  -f, --force        in a batch, go on after a failed line\n"
			"  -d, --debug        print every netlink message\n"
			"  -V, --version      print the version\n"
			"  -h, --help         this text\n\n"
			"Commands:");
	}
	for (i = 0; i < n; i++) {
		const struct command *c = cmds[i];

		if (!object && (!i || strcmp(c->object, cmds[i - 1]->object)))
			fputc('\n', f);
		fprintf(f, "  pmodectl %s%s%s%s%s\n", c->object, *c->name ? " " : "",
			c->name, *c->args ? " " : "", c->args);
		if (object)
			fprintf(f, "      %s\n", c->help);
	}
	if (!object)
		fprintf(f, "\nObjects, commands and keywords may be abbreviated.\n"
			"Exit status: 0 done, 1 refused or failed, 2 usage error.\n"
			"See pmodectl(8).\n");
}

/* pmodectl help [OBJECT] */
static int help(int argc, char **argv)
{
	int i;

	if (!argc) {
		print_help(stdout, NULL);
		return EXIT_OK;
	}
	i = match_word(argv[0], objects);
	if (argc > 1 || i < 0 || !strcmp(objects[i], "help"))
		return usage_error("usage: pmodectl help [OBJECT]; objects: adapter, feature, user, monitor, save");
	print_help(stdout, objects[i]);
	return EXIT_OK;
}

/* Run one command line, without options. Return: the exit status. */
int run_command(int argc, char **argv)
{
	const struct command *cmds[MAX_COMMANDS];
	const char *names[MAX_COMMANDS + 2];
	const char *object;
	bool bare;
	int i, n;

	if (argc < 1)
		return usage_error("no object given; see 'pmodectl help'");
	i = match_word(argv[0], objects);
	if (i < 0)
		return usage_error("%s object '%s'; see 'pmodectl help'",
				   i == -2 ? "ambiguous" : "unknown", argv[0]);
	object = objects[i];
	if (!strcmp(object, "help"))
		return help(argc - 1, argv + 1);
	argc--;
	argv++;
	n = commands(object, cmds);
	/* An object without command words (monitor, save) is its command. */
	bare = n == 1 && !*cmds[0]->name;
	if (argc && (!strcmp(argv[0], "--help") || (bare && matches(argv[0], "help")))) {
		print_help(stdout, object);
		return EXIT_OK;
	}
	if (bare)
		return cmds[0]->handler(argc, argv);
	for (i = 0; i < n; i++)
		names[i] = cmds[i]->name;
	names[n] = "help";	/* so that an abbreviation of both is ambiguous */
	names[n + 1] = NULL;
	/* An object alone shows it, as with ip. */
	i = match_word(argc ? argv[0] : "show", names);
	if (i == n) {
		print_help(stdout, object);
		return EXIT_OK;
	}
	if (i < 0)
		return usage_error("%s command '%s %s'; see 'pmodectl %s help'",
				   i == -2 ? "ambiguous" : argc ? "unknown" : "missing",
				   object, argc ? argv[0] : "", object);
	return cmds[i]->handler(argc ? argc - 1 : 0, argv + !!argc);
}

/* Run a batch file: one command per line. Return: the exit status. */
int run_batch(const char *file)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL, *argv[64];
	int lineno = 0, status = EXIT_OK;
	size_t cap = 0;

	if (!f) {
		fprintf(stderr, "pmodectl: cannot open '%s': %s\n", file, strerror(errno));
		return EXIT_FAIL;
	}
	while (getline(&line, &cap, f) > 0) {
		int argc, rc;

		lineno++;
		argc = split_line(line, argv, 64);
		if (argc == 0)
			continue;
		if (argc < 0) {
			fprintf(stderr, "pmodectl: %s:%d: unterminated quote or too many words\n",
				file, lineno);
			rc = EXIT_USAGE;
		} else {
			rc = run_command(argc, argv);
		}
		if (rc) {
			fprintf(stderr, "pmodectl: %s:%d: the command above failed\n",
				file, lineno);
			if (status != EXIT_USAGE)
				status = rc;
			if (!opts.force)
				break;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return status;
}
