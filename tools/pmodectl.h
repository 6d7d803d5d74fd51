/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmodectl: shared declarations. Parsing (parse.c) and output (print.c
 * on json.c) know nothing of netlink; nl.c knows nothing of commands; the
 * dispatcher (pmodectl.c) makes, sends and reads each command's request;
 * each object's commands (adapter.c, feature.c, user.c, monitor.c,
 * save.c) register themselves with COMMAND() and only add attributes and
 * print replies.
 */
#ifndef PMODECTL_H
#define PMODECTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <net/if.h>

#include <linux/if_ether.h>
#include <linux/pmode.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "lib/libpmode.h"

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct options {
	bool json, pretty, stats, force, debug;
	const char *netns;
};

extern struct options opts;

/* How a command's request names the port it is about. */
enum cmd_port {
	PORT_NONE,
	PORT_DEV,		/* "dev IFNAME", needed */
	PORT_DEV_OPT,		/* "dev IFNAME", if given (a dump's filter) */
};

/* Command flags. */
#define CMD_DUMP	0x1	/* NLM_F_DUMP; in JSON, its replies make an array */
#define CMD_DEFAULT	0x2	/* the object's command when none is given */

/* A handler's return: 0 to send the request, an exit status, or this. */
#define HANDLER_USAGE	(-1)	/* print the command's usage line; status 2 */

/*
 * A command, as iw's: the dispatcher makes a request of @nlcmd with
 * @flags, puts the port the arguments name as @port says, lets @handler
 * add the other attributes from the remaining arguments (without a
 * handler, the command takes none), sends it and feeds each reply to
 * @reply, which prints through print.c. With @nlcmd 0 the handler gets
 * no message and makes its own requests (save, monitor, check).
 * Every request asks for an acknowledgement (libnl's default), so an
 * error is reported even where no reply is expected.
 */
struct command {
	const char *object;
	const char *name;
	const char *args;
	const char *help;
	int line;		/* orders an object's commands in help */
	uint8_t nlcmd;
	int flags;
	enum cmd_port port;
	int (*handler)(struct nl_msg *msg, int argc, char **argv);
	reply_fn reply;
};

#define CMD_SYM_(obj, line) __cmd_##obj##_##line
#define CMD_SYM(obj, line) CMD_SYM_(obj, line)

#define COMMAND(obj, nm, a, cmd, fl, pt, fn, rep, h)			\
	static const struct command CMD_SYM(obj, __LINE__)			\
	__attribute__((used, section("pmode_cmds"), aligned(8))) = {		\
		.object = #obj, .name = nm, .args = a, .help = h,		\
		.line = __LINE__, .nlcmd = cmd, .flags = fl, .port = pt,	\
		.handler = fn, .reply = rep,					\
	}

/* parse.c (MACs and numbers: lib/text.c) */
int parse_onoff(const char *s, bool *on);
int split_line(char *line, char **argv, int max);
int put_word(const char *s, FILE *f);
bool matches(const char *arg, const char *word);
int match_word(const char *arg, const char *const *words);
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* json.c: a small streaming writer */
struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool first[32];
	bool after_key;
};
void json_init(struct json *j, FILE *f, bool pretty);
void json_begin(struct json *j, char open);
void json_end(struct json *j, char close);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_done(struct json *j);

/* print.c: each field once, for text and JSON alike */
enum print_type { PRINT_ANY, PRINT_JSON, PRINT_TEXT };
void print_start(bool list, bool pretty);
void print_end(void);
void print_flush(void);
void print_drop(void);
void print_restart(void);
void print_head(const char *text);
void print_string(enum print_type t, const char *key, const char *fmt, const char *v);
void print_string_as(enum print_type t, const char *key, const char *fmt, const char *v,
		     const char *text);
void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned long long v);
void print_bool(enum print_type t, const char *key, const char *fmt, bool v);
void print_bool_as(enum print_type t, const char *key, const char *fmt, bool v,
		   const char *text);
void print_null(enum print_type t, const char *key, const char *fmt);
void print_open(const char *key, char open);
void print_close(char close);
char *print_text_of(void (*fn)(const void *arg), const void *arg);

/* pmodectl.c: print the last failure (pmode_error()) as 'pmodectl: MESSAGE' */
int pmode_fail(void);

/* decode.c: a frame's headers in words, through print.c */
void print_frame(const char *key, const char *fmt, const uint8_t *f, size_t caplen,
		 uint32_t len);

/* commands */
int run_command(int argc, char **argv);
int run_batch(const char *file);
void print_help(FILE *f, const char *object);

/* adapter.c (reading a reply: lib/adapter.c) */

/* How adapter_print() says an adapter in text: show's row, or monitor's words. */
enum adapter_text { ADAPTER_ROW, ADAPTER_WORDS };

void adapter_print(struct nlattr **a, const char *key, enum adapter_text how, bool stats);
extern const char *const reason_words[];
extern const char *const drop_words[];
extern const char *const exposure_words[];

/* network.c: guarded networks, for monitor and save */
void network_event_print(struct nlattr **a, uint8_t cmd);
int network_guarded(char (**names)[IFNAMSIZ]);

/* check.c: adapter check */
int adapter_check(struct nl_msg *msg, int argc, char **argv);

#endif
