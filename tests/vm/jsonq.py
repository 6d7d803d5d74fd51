#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Ask a question of JSON for the end-to-end tests (stdlib only): what
'pmodectl -j' printed, the Python client's events, a monitor's lines.

  jsonq.py EXPR [DOC...]        the documents given, bound to a, b, c, ...
  jsonq.py EXPR <FILE           standard input, one document, bound to a
  jsonq.py -l EXPR <FILE        standard input, one document a line (a
                                monitor's output), a list bound to a

EXPR is a Python expression; it may use json and join(*values), the
values' text one space apart. Its value is printed as print() prints it:
a string as it is, a list or a number in Python's notation ("['h-a']",
"True"), which is what the tests compare.
"""
import json
import sys


def join(*values):
    return ' '.join(str(v) for v in values)


def main():
    args = sys.argv[1:]
    lines = bool(args) and args[0] == '-l'
    if lines:
        args = args[1:]
    if not args:
        sys.exit(__doc__)
    expr, docs = args[0], args[1:]
    if docs:
        names = dict(zip('abcdefgh', (json.loads(d) for d in docs)))
    elif lines:
        names = {'a': [json.loads(l) for l in sys.stdin if l.strip()]}
    else:
        names = {'a': json.load(sys.stdin)}
    # Globals, not locals: a comprehension's body sees only the former.
    print(eval(expr, {'json': json, 'join': join, **names}))


if __name__ == '__main__':
    main()
