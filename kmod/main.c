// SPDX-License-Identifier: GPL-2.0
/* Module init and exit: namespaces, the port notifier, the netlink family. */
#include "adapter.h"
#include "guard.h"
#include "netlink.h"
#include "perm.h"
#include "port.h"

#include <linux/module.h>
#include <net/genetlink.h>

static int __init pmode_init(void)
{
	int err;

	err = pmode_net_init();
	if (err)
		goto err_net;
	err = pmode_port_init();
	if (err)
		goto err_port;
	err = pmode_guard_init();
	if (err)
		goto err_guard;
	err = pmode_nl_init();
	if (err)
		goto err_nl;
	pr_info("per-adapter promiscuous mode, netlink family %s version %d\n",
		PMODE_GENL_NAME, PMODE_GENL_VERSION);
	return 0;

err_nl:
	pmode_guard_uninit();
err_guard:
	pmode_port_uninit();
err_port:
	pmode_net_uninit();
err_net:
	return err;
}

static void __exit pmode_exit(void)
{
	/* No request can arrive once the family is gone... */
	pmode_nl_uninit();
	pmode_guard_uninit();
	pmode_port_uninit();
	/* ...so this removes every adapter for good. */
	pmode_net_uninit();
	pmode_perm_uninit();
	/* Adapters are freed by RCU callbacks in this module. */
	rcu_barrier();
}

module_init(pmode_init);
module_exit(pmode_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-adapter promiscuous mode for VM network adapters");
MODULE_AUTHOR("The pmode developers");
MODULE_VERSION(PMODE_VERSION);
MODULE_ALIAS_GENL_FAMILY(PMODE_GENL_NAME);
