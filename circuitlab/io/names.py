"""Signal names that a symbol table can hold: unique across inputs, latches and outputs.

ABC refuses an AIGER file in which an input or latch shares its name with an
output that it does not drive directly ("A CI/CO pair share the name ...");
Yosys names the output ``q`` and the flip-flop behind it ``q`` as well. Every
AIGER file circuitlab writes therefore goes through :func:`unique_names`.

The rule, applied in this order: inputs, then outputs, then latches, each in
index order. A name that is empty or holds a line break is first made
printable (an empty name becomes the AIGER default ``i<k>``/``o<k>``/``l<k>``,
line breaks become spaces). A name is kept when no earlier signal took it;
otherwise it becomes ``<name>_<n>`` with the smallest ``n >= 1`` that is
neither taken nor the name of any signal of the circuit. So interface names
(inputs, outputs) win over latch names: latch ``q`` behind output ``q`` is
written as ``q_1``.
"""

from __future__ import annotations

from typing import Sequence

__all__ = ["REPLACEMENT", "replaced_names", "unique_names"]

# what a reader puts in place of bytes that are not UTF-8 (U+FFFD)
REPLACEMENT = "\ufffd"


def replaced_names(aig) -> list[str]:
    """The input, latch and output names of ``aig`` holding :data:`REPLACEMENT`:
    names read from bytes that were not UTF-8, which a writer cannot give back."""
    return [n for names in (aig.input_names, aig.latch_names, aig.output_names)
            for n in names if REPLACEMENT in n]


def unique_names(inputs: Sequence[str], latches: Sequence[str],
                 outputs: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """Names for ``(inputs, latches, outputs)``, pairwise distinct (rule above)."""
    groups = {"i": [_printable(n, "i", k) for k, n in enumerate(inputs)],
              "o": [_printable(n, "o", k) for k, n in enumerate(outputs)],
              "l": [_printable(n, "l", k) for k, n in enumerate(latches)]}
    reserved = {n for names in groups.values() for n in names}
    taken: set[str] = set()
    result: dict[str, list[str]] = {}
    for prefix in ("i", "o", "l"):
        out = []
        for name in groups[prefix]:
            if name in taken:
                n = 1
                while f"{name}_{n}" in taken or f"{name}_{n}" in reserved:
                    n += 1
                name = f"{name}_{n}"
            taken.add(name)
            out.append(name)
        result[prefix] = out
    return result["i"], result["l"], result["o"]


def _printable(name: str, prefix: str, index: int) -> str:
    name = name.replace("\r", " ").replace("\n", " ")
    return name if name.strip() else f"{prefix}{index}"
