import sys

import cv2
import pytest

from saatkit.cli import main
from saatkit.datasets import make_synthetic_megc2019


def test_spot_apex_prints_the_apex_and_plots(tmp_path, capsys):
    clip = make_synthetic_megc2019(max_frames=12, random_state=0).X[0]
    folder = tmp_path / clip.name
    folder.mkdir()
    for number, frame in zip(clip.frame_numbers, clip.read()):
        cv2.imwrite(str(folder / f"img{number + 100}.png"), frame[..., ::-1])
    plot = tmp_path / "d.png"
    assert main(["spot-apex", str(folder), "--crop-size", "64", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert f"{len(clip)} frames, apex at position" in out
    assert plot.stat().st_size > 0


def test_run_reports_config_errors(tmp_path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text('preset = "gpu"\n[data]\nsynthetic = true\n')
    assert main(["run", str(config)]) == 2
    assert "preset" in capsys.readouterr().err
    assert main(["run", str(tmp_path / "missing.toml")]) == 2


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "run", "spot-apex"):
        assert command in out


def error_of(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("saatkit: error: ") and "Traceback" not in err
    return err


@pytest.mark.parametrize(
    "text, said",
    [
        ('[data]\nsynthetic = "false"\n', "[data] synthetic must be a boolean"),
        (
            '[data]\ncasme2 = "/no/such/folder"\n',
            "[data] casme2 = '/no/such/folder' does not exist",
        ),
        (
            'methods = ["lbptop"]\n[data]\nsynthetic = true\n[overrides]\nface_size = "big"\n',
            "[overrides] face_size must be an integer",
        ),
    ],
)
def test_user_errors_are_one_line_in_toml_terms(tmp_path, capsys, text, said):
    config = tmp_path / "run.toml"
    config.write_text(text)
    err = error_of(capsys, ["run", str(config)])
    assert said in err and err.count("\n") == 1 and str(config) in err


def test_an_output_that_cannot_be_created_is_a_user_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    err = error_of(capsys, ["demo", "--quick", "--output", str(blocker / "results")])
    assert "--output" in err and "cannot be created" in err
    config = tmp_path / "run.toml"
    config.write_text(f'output = "{blocker}"\n[data]\nsynthetic = true\n')
    assert f"{config}: output = '{blocker}' cannot be created" in error_of(
        capsys, ["run", str(config)]
    )


def test_debug_shows_the_traceback(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text('[data]\nsynthetic = "false"\n')
    with pytest.raises(ValueError, match="synthetic"):
        main(["--debug", "run", str(config)])


WORKERS = """
import os, sys, time
from joblib import Parallel, delayed
from saatkit.cli import main, stopping_workers

def busy(i):
    with open(os.path.join(sys.argv[1], f"worker-{os.getpid()}"), "w"):
        pass
    time.sleep(60)

with stopping_workers():
    Parallel(n_jobs=2)(delayed(busy)(i) for i in range(4))
"""


def test_sigterm_stops_the_worker_processes(tmp_path):
    import os
    import signal
    import subprocess
    import time

    script = tmp_path / "run.py"
    script.write_text(WORKERS)
    process = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path)], stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("worker-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = [int(p.name.split("-")[1]) for p in tmp_path.glob("worker-*")]
    assert len(workers) == 2
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    time.sleep(2)
    alive = []
    for pid in workers:
        try:
            os.kill(pid, 0)
            alive.append(pid)
        except ProcessLookupError:
            pass
    assert not alive, f"worker processes {alive} outlived the run"
