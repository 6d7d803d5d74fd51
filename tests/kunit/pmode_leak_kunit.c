// SPDX-License-Identifier: GPL-2.0
/*
 * The last suite: ask kmemleak to scan once every other suite has run.
 * With kmemleak.verbose=1 (tests/kunit/run.sh) it prints each unreferenced
 * object with the backtrace of its allocation, and run.sh fails the tier if
 * one of them was allocated by pmode. run.sh links this file last, and
 * KUnit runs suites in link order.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kallsyms.h>
#include <linux/rcupdate.h>

static void pmode_leaks_scan(struct kunit *test)
{
	unsigned long scan = kallsyms_lookup_name("kmemleak_scan");

	KUNIT_ASSERT_NE_MSG(test, scan, 0UL, "kmemleak_scan not found");
	rcu_barrier();
	/* kmemleak reports only objects older than five seconds. */
	msleep(5500);
	/* An object is reported once it stayed unreferenced over two scans. */
	((void (*)(void))scan)();
	((void (*)(void))scan)();
	kunit_info(test, "kmemleak scanned\n");
}

static struct kunit_case pmode_leaks_cases[] = {
	KUNIT_CASE(pmode_leaks_scan),
	{}
};

static struct kunit_suite pmode_leaks_suite = {
	.name = "pmode_leaks",
	.test_cases = pmode_leaks_cases,
};

kunit_test_suite(pmode_leaks_suite);
