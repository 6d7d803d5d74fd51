// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl: per-adapter promiscuous mode, from the command line.
 *
 *   pmodectl [OPTIONS] OBJECT COMMAND [ARGS]
 */
#include <getopt.h>
#include <stdlib.h>

#include "pmodectl.h"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "stats", no_argument, NULL, 's' },
		{ "netns", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "force", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *batch = NULL;
	int c, rc;

	/* Options come before the object, as with ip. */
	while ((c = getopt_long(argc, argv, "+jpsn:b:fdVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': opts.json = true; break;
		case 'p': opts.pretty = opts.json = true; break;
		case 's': opts.stats = true; break;
		case 'n': opts.netns = optarg; break;
		case 'b': batch = optarg; break;
		case 'f': opts.force = true; break;
		case 'd': opts.debug = pmode_nl_debug = true; break;
		case 'V':
			printf("pmodectl %s\n", PMODECTL_VERSION);
			return EXIT_OK;
		case 'h':
			print_help(stdout, NULL);
			return EXIT_OK;
		default:
			fprintf(stderr, "pmodectl: see 'pmodectl --help'\n");
			return EXIT_USAGE;
		}
	}
	if (opts.netns && enter_netns(opts.netns)) {
		fprintf(stderr, "pmodectl: %s\n", pmode_error());
		return EXIT_FAIL;
	}
	if (batch) {
		if (optind != argc)
			return usage_error("-b takes no command line after the file");
		rc = run_batch(batch);
	} else {
		rc = run_command(argc - optind, argv + optind);
	}
	pmode_close();
	return rc;
}
