import os
import subprocess
import sys
from pathlib import Path

import pytest

# Tests share two cores; one BLAS/torch thread per process keeps them predictable.
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def run_python():
    """Run ``python ARGS`` in a subprocess against this checkout (installed or not), with
    one thread and ``env`` added to the environment; returns the CompletedProcess with
    its output as text."""

    def run(args, *, cwd=None, env=(), timeout=600):
        environment = dict(os.environ, OMP_NUM_THREADS="1", **dict(env))
        environment["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT), environment.get("PYTHONPATH")])
        )
        return subprocess.run(
            [sys.executable, *args],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
