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

/*
 * nl.c: a reply's attributes, its command, the caller's argument. @attrs
 * NULL: a dump torn by a concurrent change is taken again, so forget its
 * replies so far. Return: 0, or -1 to fail the request.
 */
typedef int (*reply_fn)(struct nlattr **attrs, uint8_t cmd, void *arg);

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

/* msg.c: requests, replies, the last failure's words */
struct nl_msg *pmode_msg(uint8_t cmd, int flags);
int pmode_parse(struct nlmsghdr *nlh, struct nlattr **attrs, uint8_t *cmd);
int pmode_errorf(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *pmode_error(void);
int pmode_fail(void);

/* nl.c: the socket (the tools tier's fake kernels stand in for it) */
int pmode_send(struct nl_msg *msg, reply_fn fn, void *arg);
int pmode_monitor(reply_fn fn, void *arg);
int enter_netns(const char *name);
void pmode_close(void);

/* decode.c: a frame's headers in words, through print.c */
void print_frame(const char *key, const char *fmt, const uint8_t *f, size_t caplen,
		 uint32_t len);

/* commands */
int run_command(int argc, char **argv);
int run_batch(const char *file);
void print_help(FILE *f, const char *object);

/* adapter.c: one adapter's reply, read (for show and save) and printed */
struct adapter {
	char ifname[IFNAMSIZ], vm[PMODE_VM_ID_MAXLEN + 1], mac[MAC_BUFSIZE];
	bool promisc;
	uint64_t stats[PMODE_STATS_A_MAX + 1];
	uint32_t ifindex, net_id, owner_uid, master;
	bool has_net_id, has_owner;
	char manager[PMODE_MANAGER_MAXLEN + 1];	/* "": none */
	uint8_t allowed_macs[PMODE_MAX_ALLOWED][ETH_ALEN];
	int n_allowed;
	struct adapter *next;	/* save's list */
};

/* How adapter_print() says an adapter in text: show's row, or monitor's words. */
enum adapter_text { ADAPTER_ROW, ADAPTER_WORDS };

void adapter_read(struct nlattr **a, struct adapter *r);
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
