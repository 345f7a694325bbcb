"""The recipe vocabulary: steps, ABC's aliases, scripts and candidate scripts.

A *step* is one of ABC's AIG optimisation commands with its options, written
as in ABC (``"resub -K 6 -N 2 -l"``); :data:`STEPS` are the seven steps that
OpenABC-D draws its random recipes from. A *recipe* is a list of steps, a
``;``-separated string, or a script name from :data:`SCRIPTS` (ABC's own
aliases from ``abc.rc``, spelled out because Debian's ABC ships no
``abc.rc``); :data:`ALIASES` are ABC's short names (``b``, ``rw``, ...).
A :class:`Script` is a recipe or ABC's ``&deepsyn`` on a named engine.

Nothing here runs a tool: :mod:`circuitlab.synth.recipes` runs recipes,
:mod:`circuitlab.synth.abc` and :mod:`circuitlab.synth.aigverse_engine`
are its engines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from circuitlab.errors import CircuitlabError, require_at_least

__all__ = ["ABC_RC", "ALIASES", "DEEPSYN", "SCRIPTS", "SCRIPT_ENGINES", "STEPS", "Script",
           "Step", "abbreviate", "abc_rc", "check_deepsyn_options", "parse_recipe",
           "parse_step", "random_recipe"]

STEPS = ("rewrite", "rewrite -z", "refactor", "refactor -z", "resub", "resub -z", "balance")

SCRIPTS = {
    "resyn2": "balance; rewrite; refactor; balance; rewrite; rewrite -z; balance; "
              "refactor -z; rewrite -z; balance",
    "compress2rs": "balance -l; resub -K 6 -l; rewrite -l; resub -K 6 -N 2 -l; refactor -l; "
                   "resub -K 8 -l; balance -l; resub -K 8 -N 2 -l; rewrite -l; "
                   "resub -K 10 -l; rewrite -z -l; resub -K 10 -N 2 -l; balance -l; "
                   "resub -K 12 -l; refactor -z -l; resub -K 12 -N 2 -l; rewrite -z -l; "
                   "balance -l",
}

# ABC command -> (flags it takes, {integer option: (lowest, highest)}), ranges as ABC checks them
_GRAMMAR: dict[str, tuple[frozenset[str], dict[str, tuple[int, int]]]] = {
    "balance": (frozenset({"-l"}), {}),
    "rewrite": (frozenset({"-l", "-z"}), {}),
    "refactor": (frozenset({"-l", "-z"}), {"-N": (2, 15)}),
    "resub": (frozenset({"-l", "-z"}), {"-K": (4, 16), "-N": (0, 3)}),
}
# ABC's standard short aliases (abc.rc) for the same commands
ALIASES = {"b": "balance", "rw": "rewrite", "rwz": "rewrite -z", "rf": "refactor",
           "rfz": "refactor -z", "rs": "resub", "rsz": "resub -z"}


@dataclass(frozen=True)
class Step:
    """One optimisation step with ABC's options.

    Attributes:
        op: ``"balance"``, ``"rewrite"``, ``"refactor"`` or ``"resub"``.
        zero_gain: ``-z``: accept replacements that save nothing.
        levels: ``True`` unless ``-l`` is given: ABC then stops preserving
            (rewrite, refactor, resub) or minimising (balance) the levels.
        cut_size: ``-K`` of resub (ABC's default 8).
        max_nodes: ``-N``: nodes added by resub (default 1), or the cone
            support of refactor (default 10).
    """

    op: str
    zero_gain: bool = False
    levels: bool = True
    cut_size: int | None = None
    max_nodes: int | None = None

    def __str__(self) -> str:
        parts = [self.op]
        if self.cut_size is not None:
            parts.append(f"-K {self.cut_size}")
        if self.max_nodes is not None:
            parts.append(f"-N {self.max_nodes}")
        if self.zero_gain:
            parts.append("-z")
        if not self.levels:
            parts.append("-l")
        return " ".join(parts)


def _valid_steps_text() -> str:
    opts = "; ".join(
        f"{op} [{' '.join(sorted(flags) + [f'{o} {lo}..{hi}' for o, (lo, hi) in ints.items()])}]"
        for op, (flags, ints) in _GRAMMAR.items())
    return (f"valid steps: {', '.join(repr(s) for s in STEPS)}; with ABC's options: {opts}; "
            f"scripts: {', '.join(sorted(SCRIPTS))}")


def parse_step(text: str) -> Step:
    """Parse one step written as in ABC (aliases ``b``, ``rw``, ``rwz``, ... accepted).

    Raises:
        CircuitlabError: unknown command or option, listing the valid steps.
    """
    words = text.split()
    if words and words[0] in ALIASES:
        words = ALIASES[words[0]].split() + words[1:]
    if not words or words[0] not in _GRAMMAR:
        raise CircuitlabError(f"unknown recipe step {text.strip()!r}; {_valid_steps_text()}")
    op, rest = words[0], words[1:]
    flags, int_opts = _GRAMMAR[op]
    seen: set[str] = set()
    values: dict[str, int] = {}
    k = 0
    while k < len(rest):
        opt = rest[k]
        if opt in seen:
            raise CircuitlabError(f"option {opt} given twice in step {text.strip()!r}")
        seen.add(opt)
        if opt in flags:
            k += 1
            continue
        if opt in int_opts:
            lo, hi = int_opts[opt]
            if k + 1 >= len(rest) or not rest[k + 1].isdigit() or not lo <= int(rest[k + 1]) <= hi:
                raise CircuitlabError(f"option {opt} of {op} takes an integer in {lo}..{hi} "
                                      f"(step {text.strip()!r})")
            values[opt] = int(rest[k + 1])
            k += 2
            continue
        raise CircuitlabError(f"unknown option {opt!r} in step {text.strip()!r}; "
                              f"{_valid_steps_text()}")
    return Step(op, zero_gain="-z" in seen, levels="-l" not in seen,
                cut_size=values.get("-K"), max_nodes=values.get("-N"))


def parse_recipe(recipe: str | Sequence[str]) -> list[Step]:
    """Steps of a recipe: a script name, a ``;``-separated string, or a list of either.

    Raises:
        CircuitlabError: an unknown step or an empty recipe.
    """
    items = [recipe] if isinstance(recipe, str) else list(recipe)
    steps: list[Step] = []
    for item in items:
        if not isinstance(item, str):
            raise CircuitlabError(f"recipe steps must be strings, got {item!r}")
        for part in item.split(";"):
            part = part.strip()
            if not part:
                continue
            if part in SCRIPTS:
                steps += parse_recipe(SCRIPTS[part])
            else:
                steps.append(parse_step(part))
    if not steps:
        raise CircuitlabError(f"empty recipe; {_valid_steps_text()}")
    return steps


def random_recipe(seed: int, length: int = 20) -> list[str]:
    """``length`` steps drawn uniformly from :data:`STEPS` (OpenABC-D's recipe space).

    Reproducible: the same seed gives the same recipe on every platform
    (``numpy.random.default_rng(seed)``).

    Reference: Chowdhury et al., "OpenABC-D: A Large-Scale Dataset For
    Machine Learning Guided Integrated Circuit Synthesis", 2021,
    https://arxiv.org/abs/2110.11292
    """
    require_at_least(seed, 0, "seed")
    require_at_least(length, 0, "length")
    rng = np.random.default_rng(seed)
    return [STEPS[k] for k in rng.integers(0, len(STEPS), size=int(length)).tolist()]


_SHORT = {long: short for short, long in ALIASES.items()}


def abbreviate(step: str) -> str:
    """ABC's short name of a step (``"rewrite -z"`` -> ``"rwz"``), else the step itself."""
    return _SHORT.get(step, step)


# The alias section of ABC's standard abc.rc (berkeley-abc/abc @ abc.rc): the
# short command names and the optimisation scripts built from them. Reading,
# writing and quitting aliases are left out, and so are resyn2 and
# compress2rs: :func:`abc_rc` adds them from :data:`SCRIPTS`.
ABC_RC = """\
alias b balance
alias rw rewrite
alias rwz rewrite -z
alias rf refactor
alias rfz refactor -z
alias re restructure
alias rez restructure -z
alias rs resub
alias rsz resub -z
alias ren renode
alias st strash
alias sw sweep
alias cl cleanup
alias f fraig
alias fs fraig_sweep
alias share       "b; ren -s; fx; b"
alias resyn       "b; rw; rwz; b; rwz; b"
alias resyn2a     "b; rw; b; rw; rwz; b; rwz; b"
alias resyn3      "b; rs; rs -K 6; b; rsz; rsz -K 6; b; rsz -K 5; b"
alias compress    "b -l; rw -l; rwz -l; b -l; rwz -l; b -l"
alias compress2   "b -l; rw -l; rf -l; b -l; rw -l; rwz -l; b -l; rfz -l; rwz -l; b -l"
alias resyn2rs    "b; rs -K 6; rw; rs -K 6 -N 2; rf; rs -K 8; b; rs -K 8 -N 2; rw; rs -K 10; \
rwz; rs -K 10 -N 2; b; rs -K 12; rfz; rs -K 12 -N 2; rwz; b"
"""


def abc_rc() -> str:
    """:data:`ABC_RC` with the scripts of :data:`SCRIPTS`."""
    return ABC_RC + "".join(f'alias {name} "{steps}"\n' for name, steps in SCRIPTS.items())


DEEPSYN = "deepsyn"
SCRIPT_ENGINES = ("abc", "aigverse")
_DEEPSYN_OPTIONS = re.compile(r"^\s*(?:-[IJTAS]\s+\d+\s*|-[tv]\s*)*$")


def check_deepsyn_options(options: str, what: str = "&deepsyn options") -> None:
    """Raise a :class:`CircuitlabError` naming ``what`` unless ``options`` are
    options of ``&deepsyn`` (``-I -J -T -A -S`` with a number, ``-t``, ``-v``)."""
    if not isinstance(options, str) or not _DEEPSYN_OPTIONS.match(options):
        raise CircuitlabError(f"{what} {options!r}: expected options of &deepsyn such as "
                              "'-T 1' or '-J 20 -T 30'")


@dataclass(frozen=True)
class Script:
    """One candidate script.

    Attributes:
        engine: ``"abc"`` or ``"aigverse"``.
        script: a recipe (:func:`parse_recipe`), or
            :data:`DEEPSYN` (ABC only).
        options: options of ``&deepsyn`` (``script == DEEPSYN`` only), e.g.
            ``"-J 100"``; ``-T`` makes the result depend on the machine's speed.
    """

    engine: str
    script: str
    options: str = ""

    def __post_init__(self):
        if self.engine not in SCRIPT_ENGINES:
            raise CircuitlabError(f"script engine {self.engine!r}: choose one of "
                                  f"{', '.join(SCRIPT_ENGINES)}")
        if self.script == DEEPSYN:
            if self.engine != "abc":
                raise CircuitlabError("&deepsyn is an ABC command: use engine 'abc'")
            check_deepsyn_options(self.options)
        else:
            if self.options:
                raise CircuitlabError(f"options {self.options!r} are for &deepsyn only")
            parse_recipe(self.script)  # raises on an unknown step

    def __str__(self) -> str:
        return f"{self.engine}:{self.script}"

    def abc_commands(self) -> list[str]:
        """The ABC commands of this script (engine ``"abc"``)."""
        if self.script == DEEPSYN:
            return ["&get -n", f"&deepsyn {self.options.strip()}", "&put"]
        return [str(s) for s in parse_recipe(self.script)]

    def time_limit(self) -> float:
        """Seconds ``&deepsyn -T`` may take on top of the per-circuit timeout (0 otherwise)."""
        found = re.search(r"-T\s+(\d+)", self.options) if self.script == DEEPSYN else None
        return 2.0 * int(found.group(1)) + 1.0 if found else 0.0
