import numpy as np
import pytest
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC, LinearSVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from saatkit.datasets import Clip
from saatkit.features import LBPTOP
from saatkit.pipelines import make_lbptop_pipeline
from saatkit.preprocessing import FaceCropper, TemporalInterpolator


def make_clips(n_per_class=4, size=24, seed=0):
    """Grey clips whose class is the direction of a moving bright bar."""
    rng = np.random.default_rng(seed)
    clips, labels = [], []
    for label, step in enumerate((-1, 0, 1)):
        for i in range(n_per_class):
            n_frames = int(rng.integers(9, 20))
            frames = rng.integers(0, 60, (n_frames, size, size), dtype=np.uint8)
            for t in range(n_frames):
                x = (size // 2 + step * t) % size
                frames[t, :, x] = 255
            clips.append(Clip.from_frames(frames, name=f"c{label}_{i}", subject=f"s/{i}"))
            labels.append(label)
    return clips, np.array(labels)


def test_steps_and_defaults():
    pipe = make_lbptop_pipeline(output_size=64, n_jobs=1, memory=None)
    assert isinstance(pipe, Pipeline)
    assert list(pipe.named_steps) == ["crop", "tim", "lbptop", "svm"]
    crop, tim, lbptop, svm = (pipe.named_steps[s] for s in ("crop", "tim", "lbptop", "svm"))
    assert isinstance(crop, FaceCropper) and crop.output_size == 64 and crop.n_jobs == 1
    assert isinstance(tim, TemporalInterpolator) and tim.n_frames == 10
    assert isinstance(lbptop, LBPTOP)
    assert (lbptop.radius, lbptop.n_neighbors, lbptop.grid, lbptop.norm) == (
        (1, 1, 4),
        4,
        (5, 5),
        "block",
    )
    assert isinstance(svm, SVC) and svm.kernel == "linear" and svm.C == 1.0


def test_fits_and_predicts_clips():
    clips, y = make_clips()
    pipe = make_lbptop_pipeline(cropper="passthrough").fit(clips, y)
    assert pipe.named_steps["lbptop"].transform(
        pipe.named_steps["tim"].transform(clips)
    ).shape == (len(clips), 1200)
    # The three motion directions are separable by their XT codes.
    assert (pipe.predict(clips) == y).all()


def test_pandas_output_and_feature_names_through_the_whole_pipeline():
    # Clip steps have no columns: they accept the setting and pass names on, and the
    # SVM is fitted on LBP-TOP's named columns.
    clips, y = make_clips()
    pipe = make_lbptop_pipeline(grid=2, memory=None).set_output(transform="pandas")
    pipe.set_params(crop=FaceCropper(on_missing="center", output_size=24, track=False))
    with pytest.warns(UserWarning, match="centre-cropped"):
        pipe.fit(clips, y)
    names = pipe[:-1].get_feature_names_out()
    assert len(names) == 2 * 2 * 3 * 16 and names[0] == "b0_0_xy_code00"
    np.testing.assert_array_equal(pipe.named_steps["svm"].feature_names_in_, names)
    with pytest.warns(UserWarning, match="centre-cropped"):
        features = pipe[:-1].transform(clips)
    assert list(features.columns) == list(names) and len(features) == len(clips)


def test_parameters_reach_the_steps():
    clips, y = make_clips(n_per_class=2)
    pipe = make_lbptop_pipeline(
        cropper="passthrough",
        svm=LinearSVC(C=0.5),
        n_frames=12,
        radius=(1, 1, 2),
        n_neighbors=8,
        grid=(2, 2),
        norm="l2",
    )
    assert isinstance(pipe.named_steps["svm"], LinearSVC)
    features = pipe[:-1].fit_transform(clips)
    assert features.shape == (len(clips), 2 * 2 * 3 * 256)
    np.testing.assert_allclose(np.linalg.norm(features, axis=1), 1.0)
    pipe.set_params(lbptop__grid=(3, 1))
    assert pipe[:-1].fit_transform(clips).shape == (len(clips), 3 * 3 * 256)


def test_memory_caches_tim_per_clip(tmp_path):
    clips, y = make_clips(n_per_class=1)
    pipe = make_lbptop_pipeline(cropper="passthrough", memory=str(tmp_path)).fit(clips, y)
    assert any(tmp_path.rglob("*.npz"))
    np.testing.assert_array_equal(pipe.predict(clips), pipe.predict(clips))


def test_frame_sizes_must_agree_without_a_cropper():
    clips = [
        Clip.from_frames(np.zeros((10, 20, 20), np.uint8), name="a"),
        Clip.from_frames(np.zeros((10, 24, 20), np.uint8), name="b"),
    ]
    with pytest.raises(ValueError, match="FaceCropper"):
        make_lbptop_pipeline(cropper="passthrough").fit(clips, [0, 1])


# scikit-learn lists these two as known failures of its own SVC and LinearSVC.
_SKLEARN_KNOWN = {
    name: "scikit-learn's known failure: sample_weight is not equivalent to repeating samples"
    for name in (
        "check_sample_weight_equivalence_on_dense_data",
        "check_sample_weight_equivalence_on_sparse_data",
    )
}


@parametrize_with_checks(
    [make_lbptop_pipeline(cropper="passthrough").named_steps["svm"], LinearSVC()],
    expected_failed_checks=lambda estimator: _SKLEARN_KNOWN,
)
def test_svm_step_is_sklearn_compatible(estimator, check):
    check(estimator)


def test_resampler_balances_training_folds_only():
    from imblearn.over_sampling import RandomOverSampler

    rng = np.random.default_rng(0)
    clips = [
        Clip.from_frames(rng.integers(0, 256, (12, 24, 24), dtype=np.uint8), name=f"c{i}")
        for i in range(8)
    ]
    y = np.array([0, 0, 0, 0, 0, 1, 1, 2])
    seen = []

    class Spy(SVC):
        def fit(self, X, y, sample_weight=None):
            seen.append(np.bincount(y))
            return super().fit(X, y, sample_weight)

    pipe = make_lbptop_pipeline(
        cropper="passthrough",
        svm=Spy(kernel="linear"),
        resampler=RandomOverSampler(random_state=0),
    )
    assert list(pipe.named_steps) == ["crop", "tim", "lbptop", "resample", "svm"]
    assert pipe.fit(clips, y).predict(clips).shape == (8,)
    np.testing.assert_array_equal(seen[0], [5, 5, 5])
