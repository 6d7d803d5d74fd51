/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmodectl: shared declarations. Parsing (parse.c) and formatting (json.c)
 * know nothing of netlink; nl.c knows nothing of commands; each object's
 * commands (adapter.c, feature.c, user.c, monitor.c) register themselves
 * with COMMAND() and only add attributes and read replies.
 */
#ifndef PMODECTL_H
#define PMODECTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/if_ether.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

/* A MAC as text, "aa:bb:cc:dd:ee:ff": its length, and a buffer's size. */
#define MAC_STRLEN (3 * ETH_ALEN - 1)
#define MAC_BUFSIZE (MAC_STRLEN + 1)

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct options {
	bool json, pretty, stats, force, debug;
	const char *netns;
};

extern struct options opts;

struct command {
	const char *object;
	const char *name;
	const char *args;
	const char *help;
	int line;		/* orders an object's commands in help */
	int (*handler)(int argc, char **argv);
};

#define COMMAND(obj, nm, a, h, fn)					\
	static const struct command __cmd_##obj##_##fn			\
	__attribute__((used, section("pmode_cmds"), aligned(8))) = {	\
		.object = #obj, .name = nm, .args = a, .help = h,	\
		.line = __LINE__, .handler = fn,			\
	}

/* parse.c */
int parse_mac(const char *s, uint8_t mac[ETH_ALEN]);
int parse_u32(const char *s, uint32_t *v);
int parse_uid(const char *s, uint32_t *uid);
int parse_onoff(const char *s, bool *on);
int split_line(char *line, char **argv, int max);
int put_word(const char *s, FILE *f);
bool matches(const char *arg, const char *word);
int match_word(const char *arg, const char *const *words);
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void format_mac(const uint8_t *mac, char *buf);

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

/* nl.c */
typedef int (*reply_fn)(struct nlattr **attrs, uint8_t cmd, void *arg);
struct nl_msg *pmode_msg(uint8_t cmd, int flags);
int pmode_send(struct nl_msg *msg, reply_fn fn, void *arg);
int pmode_monitor(reply_fn fn, void *arg);
int pmode_parse(struct nlmsghdr *nlh, struct nlattr **attrs, uint8_t *cmd);
const char *pmode_error(void);
int pmode_fail(void);
int enter_netns(const char *name);
void pmode_close(void);

/* decode.c: a frame's headers in words, as text or as a JSON object */
void decode_frame(const uint8_t *f, size_t caplen, uint32_t len, char *buf,
		  size_t size);
void decode_frame_json(struct json *j, const uint8_t *f, size_t caplen,
		       uint32_t len);

/* commands */
int run_command(int argc, char **argv);
int run_batch(const char *file);
void print_help(FILE *f, const char *object);

/* adapter.c: one adapter's reply, printed; exported for monitor and tests */
int adapter_print_json(struct json *j, struct nlattr **attrs, bool stats);
extern const char *const reason_words[];
extern const char *const drop_words[];

/* check.c: adapter check */
int adapter_check(int argc, char **argv);

#endif
