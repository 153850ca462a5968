"""Wall time of ``saatkit demo --quick`` and ``saatkit demo`` against their targets.

The targets: on a 2-core machine with no GPU the full demo (every row of Tables 2, 3 and
4, the flow rows included) takes at most 10 minutes and ``--quick`` at most 3. Each run
starts from an empty results folder, so nothing is resumed.

    python benchmarks/bench_demo.py            # both
    python benchmarks/bench_demo.py --quick    # the quick demo only
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"quick": 3 * 60, "full": 10 * 60}


def run(kind, n_jobs):
    out = Path(tempfile.mkdtemp(prefix=f"saatkit-demo-{kind}-"))
    command = [sys.executable, "-m", "saatkit.cli", "demo", "--output", str(out),
               "--n-jobs", str(n_jobs)] + (["--quick"] if kind == "quick" else [])
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    tables = (out / "tables.md").read_text()
    shutil.rmtree(out)
    return seconds, tables


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="time the quick demo only")
    parser.add_argument("--n-jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    kinds = ["quick"] if args.quick else ["quick", "full"]
    print(f"cores: {os.cpu_count()}, n_jobs: {args.n_jobs}")
    print("| demo | seconds | target | within |")
    print("|---|---:|---:|:---:|")
    tables = {}
    for kind in kinds:
        seconds, tables[kind] = run(kind, args.n_jobs)
        print(f"| {kind} | {seconds:.0f} | {TARGETS[kind]} | "
              f"{'yes' if seconds <= TARGETS[kind] else 'NO'} |", flush=True)
    for kind, text in tables.items():
        print(f"\n# Tables of the {kind} demo\n\n{text}")


if __name__ == "__main__":
    main()
