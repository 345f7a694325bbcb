"""Logic synthesis: reading a design (Verilog through Yosys, or a circuit file)
and running recipes (ABC or aigverse).

Names are imported on first use, so ``import circuitlab.synth`` starts no tool
and loads no parser.
"""

from __future__ import annotations

import importlib

# public name -> submodule that defines it
_EXPORTS = {
    "synthesize": "yosys",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'circuitlab.synth' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"circuitlab.synth.{module}"), name)
    globals()[name] = value
    return value

# Reading a design (Verilog or a circuit file), the one way in.
_EXPORTS.update({"DesignParams": "design", "list_designs": "design", "read_design": "design"})
# Recipes: ABC-style optimisation scripts run by ABC or aigverse.
_EXPORTS.update({"RecipeParams": "recipes", "random_recipe": "recipes", "run_recipe": "recipes",
                 "trace_recipe": "recipes"})
__all__ = sorted(_EXPORTS)
