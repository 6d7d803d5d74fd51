# SPDX-License-Identifier: GPL-2.0
#
# pmode: build the kernel module (kmod/) and pmodectl (tools/), install
# them, and run the demo and the tests.
#
#   make                      module, tool and libvirt hook and agent, against the installed headers
#   make KERNELRELEASE=x.y.z  against another installed kernel's headers
#   make KERNELDIR=/path      against a kernel build tree
#   make W=1 C=1              with extra warnings and sparse
#   make install              module (under updates/), pmodectl, the libvirt hook
#                             and agent, man pages, boot units
#   make dkms-install         the module's sources to /usr/src/pmode-VERSION (DESTDIR=)
#   make dkms                 that, then dkms add, build and install it
#   make deb                  the Debian packages (debian/), in build/deb
#   make check                install test dependencies, run every test tier
#   make demo                 boot a VM and show what pmode does
#   make bench                the benchmark (tests/bench/run.sh), results in build/bench
#   make check-debug          the VM suite on a KASAN/kmemleak/lockdep kernel (tests/debug)
#   make check-mutants        does the suite notice a check turned off? (tests/mutants)

# The kernel to build against: tests/lib/kernel.sh picks it, and says which and
# why, the first time a target that builds against a kernel needs it. The
# others (check, demo, bench, check-debug, style, tools) never ask: their
# scripts install the headers first and then ask the helper themselves.
# KERNELRELEASE= or KERNELDIR=, on the command line or in the environment,
# win; $(shell) does not see the command line's, so they are handed on.
kernel_env := $(foreach v,KERNELRELEASE KERNELDIR,$(if $(filter command% environment% override,$(origin $v)),$v='$($v)'))
kernel = $(eval kernel := $$(shell $(kernel_env) $(CURDIR)/tests/lib/kernel.sh make))$(kernel)
KERNELRELEASE ?= $(word 1,$(kernel))
KERNELDIR ?= $(word 2,$(kernel))
# In a recipe: stop there when there is no kernel (the helper said why).
need_kernel = $(if $(KERNELDIR),,$(error no kernel to build against))
DESTDIR ?=
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
MODULESLOADDIR ?= /usr/lib/modules-load.d
UNITDIR ?= /usr/lib/systemd/system
# The version, once: MODULE_VERSION (kmod/Kbuild), pmodectl and its man page
# (tools/Makefile), dkms.conf (written by dkms-install) and the packages.
VERSION := $(shell cat VERSION)
BUILD ?= $(CURDIR)/build

export BUILD

all: module tools

# kbuild builds in kmod/ (kmod/Kbuild), so its products stay there. The
# top-level Kbuild hands the kernel's own command over to it.
kmod := $(CURDIR)/kmod

module:
	$(need_kernel)$(MAKE) -C $(KERNELDIR) M=$(kmod) modules

tools:
	$(MAKE) -C tools

# kbuild's clean, of kmod/ as built here and DKMS build it, and of the top
# as the kernel's own command builds it (M=$PWD, through Kbuild: products in
# kmod/, the module list and symbols at the top). Without a kernel tree,
# kbuild's own clean cannot run: what it would remove, in both.
kbuild_products = *.ko *.mod *.mod.c *.o .*.o .*.cmd *.d modules.order Module.symvers .tmp_versions
clean:
	kdir=$$(tests/lib/kernel.sh dir 2>/dev/null) && \
		$(MAKE) -C "$$kdir" M=$(kmod) clean && $(MAKE) -C "$$kdir" M=$(CURDIR) clean || \
		{ rm -rf $(kbuild_products) && cd kmod && rm -rf $(kbuild_products); }
	$(MAKE) -C tools clean

install: all
	$(need_kernel)$(MAKE) -C $(KERNELDIR) M=$(kmod) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates modules_install
	[ -n "$(DESTDIR)" ] || depmod -a $(KERNELRELEASE)
	$(MAKE) -C tools install DESTDIR=$(DESTDIR) SBINDIR=$(SBINDIR) MANDIR=$(MANDIR) \
		UNITDIR=$(UNITDIR)
	install -D -m 0644 packaging/pmode.conf $(DESTDIR)$(MODULESLOADDIR)/pmode.conf
	install -D -m 0644 packaging/pmode-restore.service \
		$(DESTDIR)$(UNITDIR)/pmode-restore.service

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KERNELRELEASE)/updates/pmode.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KERNELRELEASE)
	$(MAKE) -C tools uninstall DESTDIR=$(DESTDIR) SBINDIR=$(SBINDIR) MANDIR=$(MANDIR) \
		UNITDIR=$(UNITDIR)
	rm -f $(DESTDIR)$(MODULESLOADDIR)/pmode.conf \
		$(DESTDIR)$(UNITDIR)/pmode-restore.service

# make dkms-install copies the module's sources to
# $(DESTDIR)/usr/src/pmode-VERSION, with dkms.conf naming the version, and
# does nothing else, with or without DESTDIR (debian/rules stages pmode-dkms
# with it). make dkms then has DKMS add, build and install that copy for
# the kernel this Makefile builds for. Without DESTDIR, a previous copy is
# replaced or removed only if make dkms-install made it (it carries
# $(dkms_stamp)): never pmode-dkms's.
dkms_src = $(DESTDIR)/usr/src/pmode-$(VERSION)
dkms_stamp = .pmode-make-dkms-install
# The module's sources, not what a build left beside them (pmode.mod.c).
kmod_src = kmod/Kbuild kmod/Kconfig $(filter-out %.mod.c,$(wildcard kmod/*.[ch]))
dkms-install:
	@[ -n "$(VERSION)" ] || { echo "no version in VERSION" >&2; exit 1; }
ifeq ($(DESTDIR),)
	@if [ -e "$(dkms_src)" ] && [ ! -e "$(dkms_src)/$(dkms_stamp)" ]; then \
		echo "$(dkms_src) exists and is not a copy make dkms-install made: leaving it alone." >&2; \
		echo "Remove it (or make dkms-uninstall a copy of ours) first." >&2; exit 1; fi
endif
	rm -rf "$(dkms_src)"
	install -D -m 0644 -t "$(dkms_src)" VERSION
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >"$(dkms_src)/dkms.conf"
	install -D -m 0644 -t "$(dkms_src)/kmod" $(kmod_src)
	install -D -m 0644 -t "$(dkms_src)/include/uapi/linux" include/uapi/linux/pmode.h
ifeq ($(DESTDIR),)
	touch "$(dkms_src)/$(dkms_stamp)"
endif

dkms:
	@[ -z "$(DESTDIR)" ] || { echo "make dkms installs on this machine: no DESTDIR (make dkms-install stages)" >&2; exit 1; }
	$(MAKE) dkms-install
	$(need_kernel)dkms add -m pmode -v $(VERSION)
	dkms build -m pmode -v $(VERSION) -k $(KERNELRELEASE)
	dkms install -m pmode -v $(VERSION) -k $(KERNELRELEASE)

dkms-uninstall:
ifeq ($(DESTDIR),)
	@if [ -e "$(dkms_src)" ] && [ ! -e "$(dkms_src)/$(dkms_stamp)" ]; then \
		echo "$(dkms_src) is not a copy make dkms-install made (pmode-dkms's?): leaving it and its DKMS modules alone." >&2; \
	else \
		echo "dkms remove -m pmode -v $(VERSION) --all"; \
		dkms remove -m pmode -v $(VERSION) --all || true; \
		rm -rf "$(dkms_src)"; fi
else
	rm -rf "$(dkms_src)"
endif

# The Debian packages (debian/), built with dpkg-buildpackage from a copy
# of the tree in $(BUILD)/deb/pmode-VERSION, so that the build leaves
# nothing in the work tree and the packages land in $(BUILD)/deb. The copy
# has the files git tracks or would track (.gitignore keeps build products
# out), as they are in the work tree. Installs the build dependencies.
deb_dir = $(BUILD)/deb
deb:
	tests/lib/deps.sh deb
	rm -rf "$(deb_dir)"
	mkdir -p "$(deb_dir)/pmode-$(VERSION)"
	git ls-files -z --cached --others --exclude-standard >"$(deb_dir)/files"
	tar --null --ignore-failed-read -T "$(deb_dir)/files" -cf "$(deb_dir)/files.tar"
	tar -xf "$(deb_dir)/files.tar" -C "$(deb_dir)/pmode-$(VERSION)"
	rm "$(deb_dir)/files" "$(deb_dir)/files.tar"
	cd "$(deb_dir)/pmode-$(VERSION)" && dpkg-buildpackage -us -uc -b
	@echo "make deb: the packages are in $(deb_dir):"
	@cd "$(deb_dir)" && ls -1 *.deb | sed 's/^/  /'

# checkpatch --strict over the kernel-side sources, sparse and W=1.
style:
	tests/style/run.sh

# Every test tier; installs what it needs. The last line is the summary.
check:
	tests/run-all.sh

demo:
	tests/demo/run.sh

bench:
	tests/bench/run.sh

check-debug:
	tests/debug/run.sh

# Each mutant of tests/mutants/list, KUnit and VM, on each kernel.
check-mutants:
	tests/mutants/run.sh

.PHONY: all module tools clean install uninstall dkms-install dkms dkms-uninstall \
	deb style check demo bench check-debug check-mutants
