import json

import numpy as np
import pytest

import saatkit.protocol._loso as loso
from saatkit.experiments import demo_config, load_config, run_experiments, validate_config
from saatkit.metrics import read_megc_log
from saatkit.pipelines import METHODS

TINY = {
    "preset": "demo",
    "teachers": ["resnet-20"],
    "data": {
        "synthetic": True,
        "subjects_per_database": 2,
        "max_frames": 12,
        "n_expressions": 150,
    },
    "overrides": {
        "teacher_epochs": 1,
        "student_epochs": 1,
        "ststnet_epochs": 1,
        "offapexnet_epochs": 1,
        "crop_size": 64,
        "flow_face_size": 64,
    },
}


def tiny(output, **changes):
    return validate_config({**TINY, "output": str(output), **changes})


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    summary = run_experiments(tiny(out), log=lambda line: None)
    return out, summary


def test_results_folder(reference):
    out, summary = reference
    tables = (out / "tables.md").read_text()
    for title in ("Table 2", "Table 3", "Table 4"):
        assert title in tables
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["methods"]) == set(METHODS)
    assert "Table 3: ablation on onset -> apex optical flow" in tables
    n_clips = metrics["methods"]["lbptop"]["scores"]["Full"]["n"]
    for method in metrics["methods"]:
        assert len(read_megc_log(out / "logs" / f"{method}.txt")) == n_clips
        assert (out / "figures" / f"confusion_{method}.png").stat().st_size > 0
    for figure in ("attention_maps.png", "style_aggregation.png"):
        assert (out / "figures" / figure).exists()
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64") == len(METHODS) + 2 and "synthetic" in html
    assert any("stay near chance" in note for note in metrics["notes"])


def test_killed_run_resumes_with_identical_metrics(reference, tmp_path, monkeypatch):
    ref_out, ref = reference
    methods = ["lbptop", "resnet-at"]
    config = tiny(tmp_path, methods=methods)
    calls = {"n": 0}
    real = loso._fit_predict

    def dies_in_the_student_folds(*args):
        calls["n"] += 1
        if calls["n"] > 8:  # all 6 LBP-TOP folds and 2 student folds finish first
            raise KeyboardInterrupt("killed")
        return real(*args)

    monkeypatch.setattr(loso, "_fit_predict", dies_in_the_student_folds)
    with pytest.raises(KeyboardInterrupt):
        run_experiments(config, log=lambda line: None)
    assert len(list((tmp_path / "checkpoints" / "resnet-at").glob("fold-*.npz"))) == 2
    monkeypatch.setattr(loso, "_fit_predict", real)
    # Started again, in parallel this time: finished folds are skipped, and neither the
    # interruption nor n_jobs changes the numbers.
    resumed = run_experiments({**config, "n_jobs": 2}, log=lambda line: None)
    for method in methods:
        np.testing.assert_array_equal(
            resumed["results"][method].y_pred, ref["results"][method].y_pred
        )


def test_config_errors_name_the_key(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('preset = "demo"\nmethods = ["sa-at", "magic"]\n[data]\nsynthetic = true\n')
    with pytest.raises(ValueError, match="magic"):
        load_config(path)
    path.write_text('[data]\ncasme2 = "/no/such/folder"\nexpressions = "/no/such"\n')
    with pytest.raises(ValueError, match="casme2"):
        load_config(path)
    path.write_text("[data\n")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_config(path)
    with pytest.raises(ValueError, match="teacher_epoch"):
        validate_config({**TINY, "overrides": {"teacher_epoch": 1}})


def test_demo_config():
    assert demo_config()["data"]["subjects_per_database"] is None
    quick = demo_config(quick=True)
    assert quick["data"]["subjects_per_database"] == 4 and quick["output"].endswith("quick")


def test_workers_of_a_deep_run_start_with_torch():
    from joblib import Parallel, delayed, parallel_config
    from joblib.externals.loky import get_reusable_executor
    from joblib.parallel import ThreadingBackend, get_active_backend

    from saatkit.experiments._runner import _torch_in_workers

    def _torch_was_imported():
        # Defined here, so that it reaches the workers by value, importing nothing.
        import sys

        return "torch" in sys.modules

    get_reusable_executor().shutdown(wait=True)  # fresh workers, which import nothing yet
    with _torch_in_workers():
        assert all(Parallel(n_jobs=2)(delayed(_torch_was_imported)() for _ in range(4)))
    with parallel_config(backend="threading"), _torch_in_workers():
        assert isinstance(get_active_backend()[0], ThreadingBackend)
