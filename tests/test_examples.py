"""Every script in examples/ runs to completion and writes the files its docstring names."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
# Files a docstring promises to write, e.g. ``apex_curve.png`` or ``lbptop_log.txt``.
_WRITTEN = re.compile(r"``([\w.-]+\.(?:png|txt|csv|json|html))``")


def _docstring(script):
    return ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""


def test_examples_exist():
    assert EXAMPLES, f"no example scripts found in {ROOT / 'examples'}"


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, tmp_path, run_python):
    docstring = _docstring(script)
    assert docstring, f"{script.name} has no module docstring saying what it shows"
    output = {"SAATKIT_EXAMPLE_OUTPUT": str(tmp_path), "MPLBACKEND": "Agg"}
    completed = run_python([script], cwd=tmp_path, env=output)
    assert completed.returncode == 0, (
        f"{script.name} exited with {completed.returncode}\n--- stderr ---\n"
        f"{completed.stderr}\n--- stdout ---\n{completed.stdout}"
    )
    assert completed.stdout.strip(), f"{script.name} printed nothing"
    missing = [name for name in _WRITTEN.findall(docstring) if not (tmp_path / name).is_file()]
    assert not missing, f"{script.name} did not write {missing} to SAATKIT_EXAMPLE_OUTPUT"
