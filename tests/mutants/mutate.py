#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The mutants of tests/mutants/list: read them, and apply one to a tree.

  mutate.py list [GLOB,...]     one line a mutant: NAME FILE SUITE VM-FILES,
                                in the order of the globs
  mutate.py apply NAME TREE     edit TREE's copy of the mutant's file
  mutate.py check TREE          every mutant applies to TREE (nothing written)

A mutant's "-" lines must match consecutive lines of its file (leading and
trailing blanks aside) at exactly one place; its "+" lines replace them,
indented as the first. Exit status 1, with a message, when one does not.
"""
import fnmatch
import os
import sys

LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "list")


class Mutant:
    def __init__(self, name, path, suite, vm, lineno):
        self.name, self.path, self.suite, self.vm = name, path, suite, vm
        self.lineno = lineno
        self.old, self.new = [], []


def read_list(path=LIST):
    mutants, cur = [], None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                cur = None
                continue
            if line[:2] in ("- ", "+ ") or line in ("-", "+"):
                if cur is None:
                    sys.exit(f"{path}:{n}: an edit line outside a mutant")
                (cur.old if line[0] == "-" else cur.new).append(line[2:].strip())
                continue
            fields = line.split()
            if len(fields) != 4:
                sys.exit(f"{path}:{n}: want 'NAME FILE SUITE VM-FILES', got {line!r}")
            if any(m.name == fields[0] for m in mutants):
                sys.exit(f"{path}:{n}: mutant {fields[0]} twice")
            cur = Mutant(*fields, n)
            mutants.append(cur)
    for m in mutants:
        if not m.old:
            sys.exit(f"{path}:{m.lineno}: mutant {m.name} has no '-' line")
        if m.suite == "-" and m.vm == "-":
            sys.exit(f"{path}:{m.lineno}: mutant {m.name} names no test to kill it")
    return mutants


def edit(m, text):
    """The mutated text, or an error message."""
    lines = text.split("\n")
    k = len(m.old)
    at = [i for i in range(len(lines) - k + 1)
          if all(lines[i + j].strip() == m.old[j] for j in range(k))]
    if len(at) != 1:
        where = "nowhere" if not at else \
            "at lines " + ", ".join(str(i + 1) for i in at)
        return None, (f"mutant {m.name} ({LIST}:{m.lineno}) does not apply: "
                      f"its '-' lines match {m.path} {where}, not once; "
                      "bring it up to date with the code")
    i = at[0]
    indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
    lines[i:i + k] = [indent + s if s else s for s in m.new]
    return "\n".join(lines), None


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    mutants = read_list()
    cmd = argv[1]
    if cmd == "list":
        # In the order of the globs, each mutant once.
        done = set()
        for g in (argv[2] if len(argv) > 2 else "*").split(","):
            for m in mutants:
                if m.name not in done and fnmatch.fnmatchcase(m.name, g):
                    done.add(m.name)
                    print(m.name, m.path, m.suite, m.vm)
        return 0
    if cmd == "apply" and len(argv) == 4:
        m = next((m for m in mutants if m.name == argv[2]), None)
        if m is None:
            sys.exit(f"mutate.py: no mutant {argv[2]} in {LIST}")
        path = os.path.join(argv[3], m.path)
        with open(path, encoding="utf-8") as f:
            text, err = edit(m, f.read())
        if err:
            print(err, file=sys.stderr)
            return 1
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return 0
    if cmd == "check" and len(argv) == 3:
        bad = 0
        for m in mutants:
            with open(os.path.join(argv[2], m.path), encoding="utf-8") as f:
                _, err = edit(m, f.read())
            if err:
                print(err, file=sys.stderr)
                bad += 1
        return 1 if bad else 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
