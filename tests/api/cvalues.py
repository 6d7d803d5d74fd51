# SPDX-License-Identifier: GPL-2.0
"""What the C compiler makes of a header's names, for the api tier's
checkers (check-spec.py, check-ynl.py)."""
import os
import re
import subprocess
import tempfile


def compiled_values(header, names):
    """The values of @names as the compiler sees them; None if missing."""
    src = '#include <stdio.h>\n#include "%s"\nint main(void)\n{\n' % header
    for x in names:
        src += f'#if defined({x})\n\tprintf("{x} %ld\\n", (long)({x}));\n#else\n'
        src += f'\t{{ enum {{ probe_{x} = {x} }}; printf("{x} %ld\\n", (long)probe_{x}); }}\n#endif\n'
    src += '\treturn 0;\n}\n'
    values = {}
    with tempfile.TemporaryDirectory() as d:
        c, exe = os.path.join(d, 'v.c'), os.path.join(d, 'v')
        with open(c, 'w') as f:
            f.write(src)
        r = subprocess.run(['cc', '-o', exe, c], capture_output=True, text=True)
        if r.returncode:
            missing = sorted(set(re.findall(r"'(PMODE_\w+)' undeclared", r.stderr)))
            return None, missing or [r.stderr.strip()[:300]]
        for line in subprocess.run([exe], capture_output=True, text=True,
                                   check=True).stdout.splitlines():
            k, v = line.split()
            values[k] = int(v)
    return values, []
