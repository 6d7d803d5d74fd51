# SPDX-License-Identifier: GPL-2.0
"""The TAP writer of the Python test programs, tests/lib/tap.sh's twin:
"ok N - WHAT" / "not ok N - WHAT" on standard output, "# " lines to
explain. A tier relays the lines (tap.sh's tap_relay), so the numbers only
guide a reader.

    from tap import Tap
    t = Tap('api: ')
    t.ok(cond, 'what', 'why, if it failed')
    t.eq(want, got, 'what')
    sys.exit(t.status())
"""
import sys


class Tap:
    def __init__(self, prefix=''):
        self.prefix = prefix
        self.n = 0
        self.fails = 0

    def diag(self, text):
        for line in str(text).splitlines():
            print('# ' + line)
        sys.stdout.flush()

    def ok(self, cond, what, detail=''):
        """A result: ok if cond is true; else not ok, and detail."""
        self.n += 1
        self.fails += not cond
        print('%s %d - %s%s' % ('ok' if cond else 'not ok', self.n, self.prefix, what))
        if detail and not cond:
            self.diag(detail)
        sys.stdout.flush()
        return bool(cond)

    def skip(self, what, why):
        """A check that does not apply here: counted neither passed nor
        failed (tests/run-all.sh)."""
        self.n += 1
        print('ok %d - %s%s # SKIP %s' % (self.n, self.prefix, what, why))
        sys.stdout.flush()

    def eq(self, want, got, what):
        return self.ok(want == got, what, 'got %r, wanted %r' % (got, want))

    def status(self):
        """The program's exit status: 0 if nothing failed."""
        return 1 if self.fails else 0
