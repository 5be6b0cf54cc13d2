# SPDX-License-Identifier: Apache-2.0
# A gdb script: runs a program natively and writes the linker name of every function of it
# that ran, once per name, to the file named by $TRACE_FUNCTIONS_OUT (bench/hit_order.sh).
#
#   TRACE_FUNCTIONS_OUT=FILE gdb -q -batch -x bench/trace_functions.py --args PROGRAM ARGS...
#
# Native, not under valgrind: what runs depends on the machine. glibc picks its string
# functions' variants by the CPU (ifunc: __memmove_avx512_unaligned_erms here, an AVX2 one
# elsewhere; hit_order.sh lists every variant) and a static program sets up the vDSO at
# start, which valgrind does not give it. One temporary breakpoint per function address
# records every name at that address and never stops the program.
import os
import subprocess

import gdb


def text_symbols(program):
    """{link-time address: [names]} of the functions PROGRAM defines (nm: t, T, w, W, i)."""
    listing = subprocess.run(["nm", "--defined-only", program], capture_output=True, text=True,
                             check=True).stdout
    by_address = {}
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTwWi":
            by_address.setdefault(int(fields[0], 16), []).append(fields[2])
    return by_address


class RecordOnce(gdb.Breakpoint):
    def __init__(self, address, names, ran):
        super().__init__("*0x%x" % address, internal=True, temporary=True)
        self.names = names
        self.ran = ran

    def stop(self):
        self.ran.extend(self.names)
        return False


def main():
    out = os.environ["TRACE_FUNCTIONS_OUT"]
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("starti", to_string=True)  # the program is mapped, nothing of it has run
    program = gdb.current_progspace().filename
    symbols = text_symbols(program)
    start = [address for address, names in symbols.items() if "_start" in names]
    if len(start) != 1:
        raise gdb.GdbError("%s defines no single _start" % program)
    load_bias = int(gdb.parse_and_eval("(long)&_start")) - start[0]  # a PIE's load address
    ran = list(symbols[start[0]])  # runs first; gdb reports no breakpoint at the pc it resumes from
    for address, names in symbols.items():
        if address != start[0]:
            RecordOnce(load_bias + address, names, ran)
    gdb.execute("continue", to_string=True)
    with open(out, "w", encoding="utf-8") as listing:
        listing.write("".join(name + "\n" for name in ran))


main()
