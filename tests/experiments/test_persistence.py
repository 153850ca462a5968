import pickle
import zipfile

import numpy as np
import pytest
import torch

from saatkit.experiments import run_experiments, validate_config
from saatkit.experiments._persistence import (
    UnreadableFileError,
    cached_fit,
    load_fitted,
    save_fitted,
)
from saatkit.pipelines import make_teacher
from saatkit.preprocessing import StyleAggregator
from saatkit.protocol._fingerprint import content_hash

RNG = np.random.RandomState(0)
FACES = RNG.randint(0, 255, (24, 16, 16, 3)).astype(np.uint8)
LABELS = np.arange(24) % 3
# The smallest run that writes every kind of file a resumed run reads back.
TINY = {
    "preset": "demo",
    "teachers": ["resnet-20"],
    "data": {"synthetic": True, "subjects_per_database": 1, "max_frames": 8, "n_expressions": 60},
    "overrides": {
        "teacher_epochs": 1,
        "student_epochs": 1,
        "apex_method": "frame_difference",
        "style_method": "moments",
        "style_params": {},
    },
}


class Payload:
    """Unpickling this creates the marker file: proof that the file ran code."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def plant_pickle(path, marker):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps({"fingerprint": "f", "estimator": Payload(marker)}))


def plant_torch(path, marker):
    # A torch zip file whose data.pkl names a callable; weights_only must refuse it.
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"format": "saatkit-fitted/1", "state": Payload(marker)}, path)


def teacher():
    return make_teacher("resnet-20", preset="demo", teacher_epochs=1, teacher_batch_size=8)


@pytest.fixture(scope="module")
def fitted_teacher():
    return teacher().fit(FACES, LABELS)


def test_teacher_round_trip_predicts_the_same(fitted_teacher, tmp_path):
    path = tmp_path / "t.pt"
    save_fitted(path, fitted_teacher, "fp")
    loaded = load_fitted(path, teacher(), "fp")
    np.testing.assert_array_equal(loaded.predict_proba(FACES), fitted_teacher.predict_proba(FACES))
    assert content_hash(loaded) == content_hash(fitted_teacher)
    assert len(loaded.history_) == len(fitted_teacher.history_)
    assert load_fitted(path, teacher(), "another fit") is None
    assert load_fitted(tmp_path / "absent.pt", teacher(), "fp") is None


@pytest.mark.parametrize(
    "params",
    [
        {"method": "moments", "n_styles": 2},
        {
            "method": "cyclegan",
            "n_styles": 2,
            "image_size": 32,
            "n_filters": 2,
            "n_blocks": 1,
            "max_epochs": 1,
            "batch_size": 8,
        },
    ],
)
def test_style_aggregator_round_trip(tmp_path, params):
    style = StyleAggregator(**params).fit(FACES)
    save_fitted(tmp_path / "s.pt", style, "fp")
    loaded = load_fitted(tmp_path / "s.pt", StyleAggregator(**params), "fp")
    np.testing.assert_array_equal(loaded.transform(FACES), style.transform(FACES))


def test_a_file_of_another_estimator_is_refused(fitted_teacher, tmp_path):
    save_fitted(tmp_path / "t.pt", fitted_teacher, "fp")
    with pytest.raises(UnreadableFileError, match="TeacherClassifier, not a .*StyleAggregator"):
        load_fitted(tmp_path / "t.pt", StyleAggregator(), "fp")


@pytest.mark.parametrize("plant", [plant_pickle, plant_torch])
def test_malicious_file_is_never_executed(plant, tmp_path):
    marker, path = tmp_path / "pwned", tmp_path / "teachers" / "resnet-20.pt"
    plant(path, marker)
    with pytest.raises(UnreadableFileError, match="resnet-20.pt is not a file saatkit wrote"):
        load_fitted(path, teacher(), "fp")
    with pytest.warns(UserWarning, match="resnet-20.pt .*Fitting again"):
        fitted = cached_fit(path, teacher(), FACES, LABELS, "fp")
    assert not marker.exists()
    assert load_fitted(path, teacher(), "fp") is not None  # the file was replaced
    assert fitted.predict(FACES).shape == (24,)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_file_is_refitted_with_a_warning(fitted_teacher, tmp_path, damage):
    path = tmp_path / "t.pt"
    save_fitted(path, fitted_teacher, "fp")
    data = path.read_bytes()
    path.write_bytes(
        {"truncate": data[: len(data) // 2], "garbage": b"\x00garbage" * 50, "empty": b""}[damage]
    )
    with pytest.warns(UserWarning, match="t.pt is not a file saatkit wrote, or it is damaged"):
        cached_fit(path, teacher(), FACES, LABELS, "fp")
    assert zipfile.is_zipfile(path)


def test_resuming_into_a_tampered_results_folder_runs_no_code(tmp_path):
    config = validate_config(
        {**TINY, "output": str(tmp_path / "out"), "methods": ["lbptop", "resnet-sa"]}
    )
    first = run_experiments(config, log=lambda line: None)
    marker = tmp_path / "pwned"
    planted = [p for p in (tmp_path / "out").rglob("*") if p.suffix in (".pt", ".npz")]
    kinds = {p.relative_to(tmp_path / "out").parts[0] for p in planted}
    assert {"teachers", "checkpoints", "cache"} <= kinds
    teacher_file = tmp_path / "out" / "teachers" / "resnet-20-apex.pt"
    for path in [*planted, tmp_path / "out" / "teachers" / "resnet-20-apex.pkl"]:
        plant_pickle(path, marker)
    plant_torch(teacher_file, marker)
    with pytest.warns(UserWarning) as record:
        resumed = run_experiments(config, log=lambda line: None)
    assert not marker.exists()
    told = " ".join(str(w.message) for w in record)
    for name in ("resnet-20-apex.pt", "fold-0000.npz", "cache file"):
        assert name in told
    for method in config["methods"]:
        np.testing.assert_array_equal(
            resumed["results"][method].y_pred, first["results"][method].y_pred
        )
