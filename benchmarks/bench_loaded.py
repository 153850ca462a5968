"""Wall time of a command on a quiet machine and with cores kept busy by another process.

The target (issue 16): ``saatkit demo`` with one core kept busy by a competing process
takes at most twice its quiet time. Thread pools that wait for each other at every step
(torch or BLAS with as many threads as cores, times processes) lose most when a core is
taken; processes times threads within the cores given keeps the loss near the lost share.

The competing process is a Python busy loop per busy core, started before the loaded run
and killed after it. ``{out}`` in the command becomes a fresh folder for each run, so a
demo never resumes from the previous run.

    python benchmarks/bench_loaded.py                  # saatkit demo --quick --n-jobs <cores>
    python benchmarks/bench_loaded.py --busy 1 -- python -m saatkit.cli demo --output {out}
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

TARGET = 2.0


def default_command():
    return [
        sys.executable,
        "-m",
        "saatkit.cli",
        "demo",
        "--quick",
        "--output",
        "{out}",
        "--n-jobs",
        str(os.cpu_count() or 1),
    ]


def timed(command, show):
    """Seconds ``command`` takes, ``{out}`` replaced by a folder that does not exist yet."""
    with tempfile.TemporaryDirectory(prefix="saatkit-loaded-") as folder:
        out = os.path.join(folder, "out")
        argv = [part.replace("{out}", out) for part in command]
        sink = None if show else subprocess.DEVNULL
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=sink, stderr=sink)
        return time.perf_counter() - start


def timed_loaded(command, n_busy, show):
    """Seconds ``command`` takes while ``n_busy`` busy loops run beside it."""
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n_busy)]
    try:
        time.sleep(1.0)  # the loops are spinning before the command starts
        return timed(command, show)
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=1, help="cores kept busy (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each kind; best kept")
    parser.add_argument("--show", action="store_true", help="show the command's output")
    parser.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        help="the command after --; default: saatkit demo --quick",
    )
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    command = command or default_command()
    print(f"cores: {os.cpu_count()}, busy: {args.busy}, command: {' '.join(command)}")
    quiet = min(timed(command, args.show) for _ in range(args.repeat))
    loaded = min(timed_loaded(command, args.busy, args.show) for _ in range(args.repeat))
    ratio = loaded / quiet
    print("| run | seconds |\n|---|---:|")
    print(f"| quiet | {quiet:.1f} |\n| {args.busy} core(s) busy | {loaded:.1f} |")
    print(
        f"loaded / quiet: {ratio:.2f} (target at most {TARGET:.0f}: "
        f"{'yes' if ratio <= TARGET else 'NO'})"
    )


if __name__ == "__main__":
    main()
