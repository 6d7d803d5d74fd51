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
#define for_each_command(c) \
	for (c = __start_pmode_cmds; c < __stop_pmode_cmds; c++)

static const char *const objects[] = { "adapter", "feature", "user", "monitor", "save" };

void print_help(FILE *f, const char *object)
{
	const struct command *c;

	if (!object) {
		fprintf(f,
			"Usage: pmodectl [OPTIONS] OBJECT COMMAND [ARGS]\n"
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
			"Commands:\n");
	}
	for_each_command(c) {
		if (object && strcmp(c->object, object))
			continue;
		fprintf(f, "  pmodectl %s%s%s%s%s\n", c->object, *c->name ? " " : "",
			c->name, *c->args ? " " : "", c->args);
		if (object)
			fprintf(f, "      %s\n", c->help);
	}
	if (!object)
		fprintf(f, "\nExit status: 0 done, 1 refused or failed, 2 usage error.\n"
			"See pmodectl(8).\n");
}

static const char *find_object(const char *arg)
{
	const char *found = NULL;
	size_t i;

	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (!strcmp(arg, objects[i]))
			return objects[i];
		if (matches(arg, objects[i]))
			found = found ? "" : objects[i];	/* "": ambiguous */
	}
	return found;
}

/* Run one command line, without options. Return: the exit status. */
int run_command(int argc, char **argv)
{
	const struct command *c, *found = NULL;
	const char *object;
	int ambiguous = 0;

	if (argc < 1)
		return usage_error("no object given; see 'pmodectl --help'");
	object = find_object(argv[0]);
	if (!object || !*object)
		return usage_error("%s object '%s'; see 'pmodectl --help'",
				   object ? "ambiguous" : "unknown", argv[0]);
	argc--;
	argv++;
	if (argc && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help"))) {
		print_help(stdout, object);
		return EXIT_OK;
	}
	for_each_command(c) {
		if (strcmp(c->object, object))
			continue;
		if (!*c->name)
			return c->handler(argc, argv);
		if (!argc)
			continue;
		if (!strcmp(argv[0], c->name)) {
			found = c;
			ambiguous = 0;
			break;
		}
		if (matches(argv[0], c->name)) {
			ambiguous += !!found;
			found = c;
		}
	}
	if (!argc && !strcmp(object, "adapter"))
		return run_command(2, (char *[]){ "adapter", "show", NULL });
	if (!argc && (!strcmp(object, "feature") || !strcmp(object, "user"))) {
		char *show[] = { (char *)object, "show", NULL };

		return run_command(2, show);
	}
	if (!found || ambiguous)
		return usage_error("%s command '%s %s'; see 'pmodectl %s help'",
				   ambiguous ? "ambiguous" : "unknown", object,
				   argc ? argv[0] : "", object);
	return found->handler(argc - 1, argv + 1);
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
