// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatcher, on iw's model: an object and a command word to their
 * entry in the table of COMMAND()s, whose request it makes, sends and
 * reads the replies of; the objects, default commands and help text from
 * the same table; and batch files. main() is in main.c, so that
 * tests link all of this with a netlink layer of their own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>

#include <linux/pmode.h>
#include "pmodectl.h"

struct options opts;

extern const struct command __start_pmode_cmds[], __stop_pmode_cmds[];

#define MAX_COMMANDS 32
#define MAX_OBJECTS 8

/*
 * The objects, in the order the table holds them (the link order of their
 * files), then "help", ended by NULL. Return: how many, help included.
 */
static int objects(const char **out)
{
	const struct command *c;
	int i, n = 0;

	for (c = __start_pmode_cmds; c < __stop_pmode_cmds; c++) {
		for (i = 0; i < n && strcmp(out[i], c->object); i++)
			;
		if (i == n && n < MAX_OBJECTS)
			out[n++] = c->object;
	}
	out[n++] = "help";
	out[n] = NULL;
	return n;
}

static int object_index(const char *object)
{
	const char *objs[MAX_OBJECTS + 2];
	int i;

	objects(objs);
	for (i = 0; objs[i] && strcmp(objs[i], object); i++)
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
 * The commands of @object (all, if NULL) into @out, grouped by object,
 * each object's in the order of its source file: within a file, the
 * compiler may place them in any order.
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
	const char *objs[MAX_OBJECTS + 2];
	int i, n = objects(objs);

	if (!argc) {
		print_help(stdout, NULL);
		return EXIT_OK;
	}
	i = match_word(argv[0], objs);
	if (argc > 1 || i < 0 || i == n - 1) {
		fprintf(stderr, "pmodectl: usage: pmodectl help [OBJECT]; objects:");
		for (i = 0; i < n - 1; i++)
			fprintf(stderr, "%s %s", i ? "," : "", objs[i]);
		fputc('\n', stderr);
		return EXIT_USAGE;
	}
	print_help(stdout, objs[i]);
	return EXIT_OK;
}

static int usage(const struct command *c)
{
	return usage_error("usage: pmodectl %s%s%s%s%s", c->object, *c->name ? " " : "",
			   c->name, *c->args ? " " : "", c->args);
}

/*
 * The port, "dev IFNAME", among the keyword-value pairs of @argv (a VM
 * id "dev" is a value, not the keyword): put in @msg, and taken out of
 * @argv. Return: 0, or an exit status.
 */
static int put_port(const struct command *c, struct nl_msg *msg, int *argc,
		    char **argv, bool *found)
{
	int i;

	for (i = 0; i < *argc; i += 2)
		if (matches(argv[i], "dev"))
			break;
	if (i == *argc)
		return 0;
	if (i + 1 == *argc)
		return usage_error("'%s' needs a value; see 'pmodectl %s help'",
				   argv[i], c->object);
	if (strlen(argv[i + 1]) >= IFNAMSIZ)
		return usage_error("invalid device name '%s'", argv[i + 1]);
	if (nla_put_string(msg, PMODE_A_IFNAME, argv[i + 1]))
		return EXIT_FAIL;
	memmove(&argv[i], &argv[i + 2], (*argc - i - 2) * sizeof(*argv));
	*argc -= 2;
	*found = true;
	return 0;
}

/* A reply to command @arg's request, to its callback. */
static int reply(struct nlattr **attrs, uint8_t cmd, void *arg)
{
	const struct command *c = arg;

	if (!attrs) {		/* the dump is taken again */
		print_restart();
		return 0;
	}
	return c->reply(attrs, cmd, NULL);
}

/*
 * Run command @c on its arguments: make its request, let the handler add
 * to it, send it, feed the replies to the command's callback.
 * Return: the exit status.
 */
static int run(const struct command *c, int argc, char **argv)
{
	bool dump = c->flags & CMD_DUMP, port = false;
	struct nl_msg *msg;
	int rc;

	if (!c->nlcmd) {
		rc = c->handler(NULL, argc, argv);
		return rc == HANDLER_USAGE ? usage(c) : rc;
	}
	msg = pmode_msg(c->nlcmd, dump ? NLM_F_DUMP : 0);
	if (!msg)
		return pmode_fail();
	rc = c->port == PORT_NONE ? 0 : put_port(c, msg, &argc, argv, &port);
	/*
	 * No words but a port missing: the usage line. Else the handler's
	 * complaint about the words it was given comes first.
	 */
	if (!rc && c->port == PORT_DEV && !port && !argc)
		rc = HANDLER_USAGE;
	if (!rc && c->reply)
		print_start(dump, opts.pretty);
	if (!rc)
		rc = c->handler ? c->handler(msg, argc, argv) : argc ? HANDLER_USAGE : 0;
	if (!rc && c->port == PORT_DEV && !port)
		rc = HANDLER_USAGE;
	if (rc) {
		print_drop();
		nlmsg_free(msg);
		return rc == HANDLER_USAGE ? usage(c) : rc;
	}
	if (pmode_send(msg, c->reply ? reply : NULL, (void *)c)) {
		print_drop();
		return pmode_fail();
	}
	print_end();
	return EXIT_OK;
}

/* Run one command line, without options. Return: the exit status. */
int run_command(int argc, char **argv)
{
	const struct command *cmds[MAX_COMMANDS];
	const char *objs[MAX_OBJECTS + 2], *names[MAX_COMMANDS + 2];
	const char *object;
	int i, n, dflt = -1;

	if (argc < 1)
		return usage_error("no object given; see 'pmodectl help'");
	n = objects(objs);
	i = match_word(argv[0], objs);
	if (i < 0)
		return usage_error("%s object '%s'; see 'pmodectl help'",
				   i == -2 ? "ambiguous" : "unknown", argv[0]);
	if (i == n - 1)
		return help(argc - 1, argv + 1);
	object = objs[i];
	argc--;
	argv++;
	n = commands(object, cmds);
	if (argc && !strcmp(argv[0], "--help")) {
		print_help(stdout, object);
		return EXIT_OK;
	}
	/* An object without command words (monitor, save) is its command. */
	if (n == 1 && !*cmds[0]->name) {
		if (argc && matches(argv[0], "help")) {
			print_help(stdout, object);
			return EXIT_OK;
		}
		return run(cmds[0], argc, argv);
	}
	for (i = 0; i < n; i++) {
		names[i] = cmds[i]->name;
		if (cmds[i]->flags & CMD_DEFAULT)
			dflt = i;
	}
	names[n] = "help";	/* so that an abbreviation of both is ambiguous */
	names[n + 1] = NULL;
	/* An object alone runs its default command (show), as with ip. */
	i = argc ? match_word(argv[0], names) : dflt;
	if (i == n) {
		print_help(stdout, object);
		return EXIT_OK;
	}
	if (i < 0)
		return usage_error("%s command '%s %s'; see 'pmodectl %s help'",
				   i == -2 ? "ambiguous" : argc ? "unknown" : "missing",
				   object, argc ? argv[0] : "", object);
	return run(cmds[i], argc ? argc - 1 : 0, argv + !!argc);
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

/* Print the last failure as 'pmodectl: MESSAGE'. Return: the exit status. */
int pmode_fail(void)
{
	fprintf(stderr, "pmodectl: %s\n", pmode_error());
	return EXIT_FAIL;
}
