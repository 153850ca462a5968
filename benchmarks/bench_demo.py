"""Wall time and peak memory of ``saatkit demo --quick`` and ``saatkit demo``.

The targets, on a 2-core machine with no GPU, with every row of Tables 2, 3 and 4 (the
flow rows included): the full demo in at most 10 minutes (issue 13) and 5 minutes (issue
16), ``--quick`` in at most 3 minutes and 90 s, and the memory of the whole process tree
(the demo and its joblib workers, sampled every half second) at most 2 GB. The tree's
memory is given two ways: the sum of the processes' resident sizes (RSS), which counts the
pages they share (torch's and OpenCV's libraries, loaded by each) once per process, and
the sum of their proportional set sizes (PSS), which splits each shared page among the
processes that map it and so adds up to the physical memory the tree holds. Each run
starts from an empty results folder, so nothing is resumed.

    python benchmarks/bench_demo.py            # both
    python benchmarks/bench_demo.py --quick    # the quick demo only
    python benchmarks/bench_demo.py --full     # the full demo only
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

TARGETS = {"quick": (3 * 60, 90), "full": (10 * 60, 5 * 60)}
MEMORY_TARGET = 2 * 1024**3


def tree_memory(process):
    """Summed RSS and PSS of ``process`` and all its descendants, in bytes."""
    rss = pss = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            info = member.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        rss, pss = rss + info.rss, pss + info.pss
    return rss, pss


def run(kind, n_jobs):
    out = Path(tempfile.mkdtemp(prefix=f"saatkit-demo-{kind}-"))
    command = [
        sys.executable,
        "-m",
        "saatkit.cli",
        "demo",
        "--output",
        str(out),
        "--n-jobs",
        str(n_jobs),
    ] + (["--quick"] if kind == "quick" else [])
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process, peak = psutil.Process(child.pid), (0, 0)
    while child.poll() is None:
        try:
            peak = tuple(map(max, peak, tree_memory(process)))
        except psutil.NoSuchProcess:
            break
        time.sleep(0.5)
    if child.wait():
        raise subprocess.CalledProcessError(child.returncode, command)
    seconds = time.perf_counter() - start
    tables = (out / "tables.md").read_text()
    shutil.rmtree(out)
    return seconds, peak, tables


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="time the quick demo only")
    parser.add_argument("--full", action="store_true", help="time the full demo only")
    parser.add_argument("--n-jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    kinds = [kind for kind in ("quick", "full") if getattr(args, kind)] or ["quick", "full"]
    print(f"cores: {os.cpu_count()}, n_jobs: {args.n_jobs}")
    print(
        "| demo | seconds | issue 13 target | issue 16 target | peak RSS sum (GB) "
        "| peak PSS sum (GB) | PSS within 2 GB |"
    )
    print("|---|---:|---:|---:|---:|---:|:---:|")
    tables = {}
    for kind in kinds:
        seconds, peak, tables[kind] = run(kind, args.n_jobs)
        marks = ["yes" if seconds <= target else "NO" for target in TARGETS[kind]]
        print(
            f"| {kind} | {seconds:.0f} | {TARGETS[kind][0]} ({marks[0]}) | "
            f"{TARGETS[kind][1]} ({marks[1]}) | {peak[0] / 1024**3:.2f} | "
            f"{peak[1] / 1024**3:.2f} | {'yes' if peak[1] <= MEMORY_TARGET else 'NO'} |",
            flush=True,
        )
    for kind, text in tables.items():
        print(f"\n# Tables of the {kind} demo\n\n{text}")


if __name__ == "__main__":
    main()
