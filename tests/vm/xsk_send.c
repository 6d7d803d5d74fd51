// SPDX-License-Identifier: GPL-2.0
/*
 * xsk_send: transmit frames through an AF_XDP socket in copy mode, as a
 * container with CAP_NET_RAW may on its own interface. Copy mode sends with
 * __dev_direct_xmit(), which runs no netfilter egress hook: the path that a
 * stack sitting on a guarded port would take around pmode.
 *
 *   xsk_send DEV HEXFRAME [COUNT]
 *
 * Sends COUNT (default 1) copies of the frame, from its destination MAC on,
 * on queue 0 of DEV, and prints how many the kernel completed. Exit status
 * 0 when all were completed, 1 when the socket could not be set up or sent
 * nothing (the message says which call failed), 2 on a usage error.
 */
#include <errno.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define FRAME_SIZE	2048
#define NFRAMES		64
#define RING_SIZE	64	/* a power of two, as the kernel requires */

struct ring {
	uint32_t *producer, *consumer;
	void *descs;
	void *map;
	size_t map_len;
};

static void die(const char *what)
{
	fprintf(stderr, "xsk_send: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The frame from its hex spelling; its length, or -1 if it is not hex. */
static int parse_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (*s) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (lo < 0 || n == max)
			return -1;
		out[n++] = hi << 4 | lo;
		s += 2;
	}
	return n;
}

static void ring_map(int fd, struct ring *r, const struct xdp_ring_offset *off,
		     size_t desc_size, off_t pgoff, const char *what)
{
	r->map_len = off->desc + RING_SIZE * desc_size;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_POPULATE, fd, pgoff);
	if (r->map == MAP_FAILED)
		die(what);
	r->producer = (uint32_t *)((char *)r->map + off->producer);
	r->consumer = (uint32_t *)((char *)r->map + off->consumer);
	r->descs = (char *)r->map + off->desc;
}

int main(int argc, char **argv)
{
	struct xdp_umem_reg umem = { .chunk_size = FRAME_SIZE };
	struct xdp_mmap_offsets off;
	struct sockaddr_xdp sxdp = { .sxdp_family = AF_XDP };
	struct ring tx, cq;
	uint8_t frame[FRAME_SIZE];
	int fd, len, count = 1, size = RING_SIZE, i, done = 0, tries;
	socklen_t optlen = sizeof(off);
	void *area;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: xsk_send DEV HEXFRAME [COUNT]\n");
		return 2;
	}
	len = parse_hex(argv[2], frame, sizeof(frame));
	if (argc == 4)
		count = atoi(argv[3]);
	if (len < 14 || count < 1 || count > NFRAMES) {
		fprintf(stderr, "xsk_send: a frame of 14 to %d bytes, 1 to %d copies\n",
			FRAME_SIZE, NFRAMES);
		return 2;
	}
	sxdp.sxdp_ifindex = if_nametoindex(argv[1]);
	if (!sxdp.sxdp_ifindex)
		die(argv[1]);

	fd = socket(AF_XDP, SOCK_RAW, 0);
	if (fd < 0)
		die("socket(AF_XDP)");
	area = mmap(NULL, NFRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("mmap(umem)");
	umem.addr = (uintptr_t)area;
	umem.len = NFRAMES * FRAME_SIZE;
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &umem, sizeof(umem)))
		die("XDP_UMEM_REG");
	/* A umem's owner needs both of its rings to bind, sending only or not. */
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_FILL_RING, &size, sizeof(size)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &size, sizeof(size)) ||
	    setsockopt(fd, SOL_XDP, XDP_TX_RING, &size, sizeof(size)))
		die("ring sizes");
	if (getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen))
		die("XDP_MMAP_OFFSETS");
	ring_map(fd, &tx, &off.tx, sizeof(struct xdp_desc), XDP_PGOFF_TX_RING,
		 "mmap(tx ring)");
	ring_map(fd, &cq, &off.cr, sizeof(uint64_t), XDP_UMEM_PGOFF_COMPLETION_RING,
		 "mmap(completion ring)");
	sxdp.sxdp_queue_id = 0;
	sxdp.sxdp_flags = XDP_COPY;
	if (bind(fd, (struct sockaddr *)&sxdp, sizeof(sxdp)))
		die("bind(XDP_COPY)");

	for (i = 0; i < count; i++) {
		struct xdp_desc *d = (struct xdp_desc *)tx.descs + (i % RING_SIZE);

		memcpy((char *)area + i * FRAME_SIZE, frame, len);
		d->addr = (uint64_t)i * FRAME_SIZE;
		d->len = len;
		d->options = 0;
	}
	__atomic_store_n(tx.producer, (uint32_t)count, __ATOMIC_RELEASE);
	/* Copy mode transmits in sendmsg(); a full queue asks to try again. */
	for (tries = 0; tries < 100 && done < count; tries++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS)
			die("sendto");
		done = __atomic_load_n(cq.producer, __ATOMIC_ACQUIRE);
		nanosleep(&ts, NULL);
	}
	printf("%d\n", done);
	return done == count ? 0 : 1;
}
