import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODELS = ("circuitlab.nn", "circuitlab.pretrain", "circuitlab.transformer", "circuitlab.tasks",
          "circuitlab.optimize", "circuitlab.llm")


def _loaded(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", "import sys\n" + code], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_training_imports_no_model():
    modules = ("checkpoint", "device", "loop", "metrics_log", "schedule", "seeding", "threads")
    code = "".join(f"import circuitlab.training.{m}\n" for m in modules)
    code += f"print(sorted(m for m in sys.modules if m.startswith({MODELS!r})))"
    assert _loaded(code) == "[]"


def test_the_thread_rule_loads_no_torch():
    assert _loaded("import circuitlab.training.threads\nprint('torch' in sys.modules)") == "False"
