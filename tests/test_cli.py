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
    assert main(["spot-apex", str(folder), "--face-size", "64", "--plot", str(plot)]) == 0
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


