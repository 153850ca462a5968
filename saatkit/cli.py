"""The ``saatkit`` command: ``demo``, ``run CONFIG`` and ``spot-apex PATH``."""

import argparse
import contextlib
import signal
import sys
import threading
from pathlib import Path

# What a user can cause (a bad path, bad data, a bad setting): one line, exit code 2.
USER_ERRORS = (ValueError, TypeError, OSError)
EXIT_USER_ERROR = 2
EXIT_STOPPED = 130


def _parallel_backend(backend, scheduler):
    """joblib's default backend, or a dask.distributed cluster at ``scheduler``."""
    if backend != "dask":
        return contextlib.nullcontext()
    import joblib
    from dask.distributed import Client

    stack = contextlib.ExitStack()
    client = stack.enter_context(Client(scheduler) if scheduler else Client())
    print(f"[saatkit] dask cluster: {client.dashboard_link}", file=sys.stderr)
    stack.enter_context(joblib.parallel_config(backend="dask"))
    return stack


def _print_tables(summary):
    report = Path(summary["report"])
    print((report.parent / "tables.md").read_text())
    print(f"Results: {report.parent}/  (report: {report})")
    print(f"Total time: {summary['seconds']:.0f} s")


def _check_output(output, where):
    try:
        Path(output).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(
            f"{where} {output!r} cannot be created ({exc.strerror or exc}); "
            "give a folder that can be written."
        ) from None


def _run(config, where):
    from .experiments import run_experiments

    _check_output(config["output"], where)

    with _parallel_backend(config["backend"], config["scheduler"]):
        summary = run_experiments(config, log=lambda line: print(line, file=sys.stderr))
    _print_tables(summary)


def _demo(args):
    from .experiments import demo_config

    config = demo_config(quick=args.quick, output=args.output, n_jobs=args.n_jobs)
    config.update(backend=args.backend, scheduler=args.scheduler)
    _run(config, "--output")


def _run_config(args):
    from .experiments import load_config

    config = load_config(args.config)
    if args.backend:
        config.update(backend=args.backend, scheduler=args.scheduler)
    _run(config, f"{args.config}: output =")


def _spot_apex(args):
    from matplotlib.figure import Figure

    from .clips import Clip
    from .preprocessing import ApexSpotter, FaceCropper, plot_apex_curve

    path = Path(args.path)
    clip = Clip.from_folder(path) if path.is_dir() else Clip.from_video(path)
    if not args.no_crop:
        clip = FaceCropper(output_size=args.crop_size).fit_transform([clip])[0]
    apex, d = ApexSpotter(method=args.method).fit([clip]).spot(clip)
    print(
        f"{path}: {len(clip)} frames, apex at position {apex} "
        f"(frame number {clip.frame_numbers[apex]})"
    )
    plot = Path(args.plot) if args.plot else Path(f"{path.name}_apex.png")
    figure = Figure(figsize=(7, 3), layout="constrained")
    plot_apex_curve(
        d, apex, ax=figure.subplots(), title=f"{path.name}: d(i), method {args.method}"
    )
    figure.savefig(plot, dpi=110)
    print(f"d(i) plotted in {plot}")


def _add_backend(parser):
    parser.add_argument(
        "--backend",
        choices=["loky", "dask"],
        default=None,
        help="joblib backend of folds and per-clip work (default: loky).",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        help="dask scheduler address, e.g. tcp://10.0.0.5:8786 (with "
        "--backend dask; a local cluster when omitted).",
    )


def build_parser():
    parser = argparse.ArgumentParser(
        prog="saatkit",
        description="Cross-database micro-expression recognition: SA-AT and the MEGC 2019 "
        "protocol.",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of an error (by default an error is one line, exit code 2)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="the paper's Tables 2-4 on the built-in synthetic benchmark"
    )
    demo.add_argument(
        "--quick",
        action="store_true",
        help="12 subjects instead of 68 and a smaller teacher set: a first look",
    )
    demo.add_argument(
        "--output",
        default=None,
        help="results folder (default results/demo or results/demo-quick); "
        "a run started again with the same folder resumes",
    )
    demo.add_argument("--n-jobs", type=int, default=1, help="parallel folds and clips")
    _add_backend(demo)
    demo.set_defaults(handler=_demo)

    run = commands.add_parser("run", help="the experiments of a TOML configuration file")
    run.add_argument("config", help="TOML file (every key: docs/data.rst)")
    _add_backend(run)
    run.set_defaults(handler=_run_config)

    spot = commands.add_parser(
        "spot-apex", help="spot the apex frame of one clip folder and plot d(i)"
    )
    spot.add_argument("path", help="folder of numbered frames, or a video file")
    spot.add_argument(
        "--method",
        default="lbp",
        choices=["lbp", "frame_difference", "middle"],
        help="spotting method (default: lbp, the paper's Algorithm 1)",
    )
    spot.add_argument(
        "--crop-size",
        type=int,
        default=256,
        help="side of the face crop (FaceCropper output_size)",
    )
    spot.add_argument("--no-crop", action="store_true", help="the frames are already face crops")
    spot.add_argument("--plot", default=None, help="PNG file for the d(i) curve")
    spot.set_defaults(handler=_spot_apex)
    return parser


def _stop_workers():
    """End the loky worker processes this run started, if any."""
    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor
    if executor is not None:
        executor.shutdown(wait=False, kill_workers=True)


@contextlib.contextmanager
def stopping_workers():
    """SIGTERM stops the run like Ctrl-C, and a stopped run ends its worker processes.

    Without this, a terminated run leaves its loky workers computing (and holding their
    memory) for minutes, next to the run that resumes it.
    """

    def terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, terminate) if main_thread else None
    try:
        yield
    except BaseException:
        _stop_workers()
        raise
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _one_line(exc):
    # Details a message carries on further lines (clips, hints) stay, indented.
    return str(exc).strip().replace("\n", "\n  ")


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        with stopping_workers():
            args.handler(args)
    except USER_ERRORS as exc:
        if args.debug:
            raise
        print(f"saatkit: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("saatkit: stopped; run the same command again to resume.", file=sys.stderr)
        return EXIT_STOPPED
    return 0


if __name__ == "__main__":
    sys.exit(main())
