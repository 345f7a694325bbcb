"""The ASCII AIGER reader's renumbering: ``aag`` files may number variables
in any order and list ANDs before their fan-ins; an :class:`~circuitlab.aig.Aig`
needs AIGER's canonical order (inputs, latches, then ANDs topologically).
"""

from __future__ import annotations

import numpy as np

from circuitlab.aig.aig import LIT_DTYPE


class AsciiRenumber:
    """Part of the AIGER parser (:mod:`circuitlab.io.aiger`); ``fail(message, line=)``
    raises its :class:`~circuitlab.errors.FormatError` naming the file and line."""

    def renumber(self, ins, latch_rows, outs, out_lines, and_rows, line_starts):
        """Map arbitrary ASCII variable numbers onto AIGER order, ANDs topologically."""
        ln_in, ln_latch, ln_and = line_starts
        i, l, a = len(ins), len(latch_rows), len(and_rows)
        defined: dict[int, tuple[int, int]] = {}  # var -> (kind, row)
        for kind, lhs_lits, line0 in ((0, ins, ln_in), (1, latch_rows[:, 0], ln_latch),
                                      (2, and_rows[:, 0], ln_and)):
            for k, lit in enumerate(lhs_lits.tolist()):
                if lit & 1 or lit < 2:
                    self.fail(f"defined literal {lit} must be even and not constant",
                              line=line0 + k)
                if lit >> 1 in defined:
                    self.fail(f"variable {lit >> 1} defined twice", line=line0 + k)
                defined[lit >> 1] = (kind, k)
        # Variables numbered in AIGER order already: take the fast path.
        first = i + l + 1
        canonical = (np.array_equal(ins, 2 * np.arange(1, i + 1))
                     and np.array_equal(latch_rows[:, 0], 2 * np.arange(i + 1, first))
                     and np.array_equal(and_rows[:, 0], 2 * np.arange(first, first + a))
                     and (a == 0 or bool((and_rows[:, 1:] < and_rows[:, :1]).all())))
        new_var = {0: 0}
        for k, lit in enumerate(ins.tolist()):
            new_var[lit >> 1] = 1 + k
        for k, lit in enumerate(latch_rows[:, 0].tolist()):
            new_var[lit >> 1] = i + 1 + k
        order: list[int] = list(range(a))
        if not canonical:
            order = self.topological_order(and_rows, defined, ln_and)
        for pos, k in enumerate(order):
            new_var[int(and_rows[k, 0]) >> 1] = first + pos

        def remap(lit: int, line: int) -> int:
            v = new_var.get(lit >> 1)
            if v is None:
                self.fail(f"literal {lit} uses undefined variable {lit >> 1}", line=line)
            return 2 * v | (lit & 1)

        ands = np.array([[remap(int(and_rows[k, 1]), ln_and + k), remap(int(and_rows[k, 2]), ln_and + k)]
                         for k in order], dtype=LIT_DTYPE).reshape(-1, 2)
        latches = np.zeros((l, 2), dtype=LIT_DTYPE)
        for k in range(l):
            latches[k, 0] = remap(int(latch_rows[k, 1]), ln_latch + k)
            init = int(latch_rows[k, 2])
            if init == -1:
                init = 0
            elif init == int(latch_rows[k, 0]):
                init = 2
            elif init not in (0, 1):
                self.fail("latch reset value must be 0, 1 or the latch's own literal",
                          line=ln_latch + k)
            latches[k, 1] = init
        outputs = np.array([remap(int(x), int(at)) for x, at in zip(outs, out_lines)],
                           dtype=LIT_DTYPE)
        return ands, outputs, latches

    def topological_order(self, and_rows, defined, ln_and) -> list[int]:
        state = [0] * len(and_rows)  # 0 new, 1 on stack, 2 done
        order: list[int] = []
        for root in range(len(and_rows)):
            if state[root]:
                continue
            stack = [(root, 0)]
            state[root] = 1
            while stack:
                k, child = stack.pop()
                if child < 2:
                    stack.append((k, child + 1))
                    v = int(and_rows[k, 1 + child]) >> 1
                    d = defined.get(v)
                    if v == 0 or d is None or d[0] != 2:
                        continue
                    if state[d[1]] == 1:
                        self.fail("combinational cycle through this AND", line=ln_and + d[1])
                    if state[d[1]] == 0:
                        state[d[1]] = 1
                        stack.append((d[1], 0))
                else:
                    state[k] = 2
                    order.append(k)
        return order


