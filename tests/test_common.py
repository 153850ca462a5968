"""Every estimator saatkit exports against the scikit-learn contract.

saatkit's own suite (:mod:`saatkit.utils.estimator_checks`) runs on small clips and
images; scikit-learn's runs beside it, on what it can feed each estimator (its tables
only reach estimators that take 2-D arrays, the others get the checks that need no
data).
"""

import inspect

import cv2
import numpy as np
import pytest
import torch
from skimage.data import astronaut
from sklearn.base import BaseEstimator
from sklearn.utils.estimator_checks import parametrize_with_checks as sklearn_checks

import saatkit.features
import saatkit.nn
import saatkit.preprocessing
from saatkit.datasets import Clip
from saatkit.features import LBPTOP
from saatkit.nn import AttentionTransferClassifier, ChannelsFirst, TeacherClassifier
from saatkit.preprocessing import (
    ApexSpotter,
    FaceCropper,
    ImageResizer,
    OpticalFlow,
    StyleAggregator,
    TemporalInterpolator,
)
from saatkit.utils.estimator_checks import parametrize_with_checks

torch.set_num_threads(1)
_RNG = np.random.default_rng(0)


def _face_clips():
    """Three 3-frame 64-pixel clips of skimage's astronaut, each moving differently."""
    face = cv2.resize(astronaut()[30:230, 120:320], (64, 64), interpolation=cv2.INTER_AREA)
    clips = []
    for i in range(3):
        frames = np.stack([np.roll(face, shift * (i + 1), axis=1) for shift in (0, 1, 2)])
        clips.append(Clip.from_frames(frames, name=f"c{i}", subject=f"s{i}", onset=0, apex=2))
    return clips


def _styled_faces(size):
    """Eight random faces in two styles: four bright, four dark."""
    faces = _RNG.integers(0, 256, (8, size, size, 3), dtype=np.uint8)
    faces[4:] //= 4
    return faces


def _blobs(n=12, size=8):
    """Grey-level images whose class is where a bright square sits."""
    y = np.arange(n) % 3
    X = _RNG.normal(60, 20, (n, size, size)).clip(0, 255)
    for i, k in enumerate(y):
        X[i, 1 + 2 * k : 3 + 2 * k, 2:5] = 220
    return np.repeat(X.astype(np.uint8)[..., None], 3, axis=-1), y


CLIPS = _face_clips()
IMAGES, LABELS = _blobs()
_NET = {"max_epochs": 1, "batch_size": 4, "lr": 1e-3, "random_state": 0}
TEACHER = TeacherClassifier(module__depth=8, **_NET).fit(IMAGES, LABELS)
VOLUMES = _RNG.integers(0, 256, (4, 5, 8, 8), dtype=np.uint8)

CASES = [
    (FaceCropper(output_size=32), CLIPS, None),
    (ApexSpotter(), CLIPS, None),
    (ApexSpotter(method="frame_difference", output="pair"), CLIPS, None),
    (ImageResizer(output_size=8), _styled_faces(16), None),
    (OpticalFlow("farneback", output_size=8), CLIPS, None),
    (TemporalInterpolator(n_frames=4), VOLUMES, None),
    (TemporalInterpolator(n_frames=4), CLIPS, None),
    (LBPTOP(radius=(1, 1, 1), grid=1), VOLUMES, None),
    (StyleAggregator("moments", n_styles=2, random_state=0), _styled_faces(16), None),
    (
        StyleAggregator(
            image_size=32,
            n_filters=2,
            n_blocks=0,
            max_epochs=1,
            batch_size=4,
            n_styles=2,
            random_state=0,
        ),
        _styled_faces(32),
        None,
    ),
    (ChannelsFirst(), IMAGES, None),
    (TeacherClassifier(module__depth=8, **_NET), IMAGES, LABELS),
    (AttentionTransferClassifier(TEACHER, module__depth=8, **_NET), IMAGES, LABELS),
]


def _exported_estimators():
    for package in (saatkit.preprocessing, saatkit.features, saatkit.nn):
        for name in package.__all__:
            value = getattr(package, name)
            if inspect.isclass(value) and issubclass(value, BaseEstimator):
                yield value


def test_every_exported_estimator_is_checked():
    checked = {type(estimator) for estimator, _, _ in CASES}
    missing = sorted(cls.__name__ for cls in _exported_estimators() if cls not in checked)
    assert not missing, f"add a case to CASES for {missing}"


@parametrize_with_checks(CASES)
def test_saatkit_checks(estimator, check):
    check(estimator)


def _sklearn_expected_failures(estimator):
    """scikit-learn's checks that fail on ``estimator``, and why."""
    if not isinstance(estimator, LBPTOP) or estimator.radius[2] == 0:
        return {}
    reason = (
        "feeds make_blobs data with 2 features, read as 2-frame one-pixel volumes: "
        "too short for Rt=1, which LBPTOP rejects with a ValueError by design"
    )
    return {
        name: reason
        for name in (
            "check_estimators_overwrite_params",
            "check_estimators_fit_returns_self",
            "check_readonly_memmap_input",
            "check_fit_idempotent",
            "check_fit_check_is_fitted",
            "check_n_features_in",
        )
    }


# LBPTOP reads the rows of scikit-learn's tables as one pixel over time (radius 0 in X
# and Y, volume_shape=None): radius (0, 0, 1) gives real temporal codes on every check
# with >= 3 features; radius (0, 0, 0) (constant codes) runs every check, including the
# ones on 2-feature data.
SKLEARN_ESTIMATORS = [
    LBPTOP(grid=(1, 1), radius=(0, 0, 1)) if isinstance(estimator, LBPTOP) else estimator
    for estimator, _, _ in CASES
] + [LBPTOP(grid=(1, 1), radius=(0, 0, 0))]


@sklearn_checks(SKLEARN_ESTIMATORS, expected_failed_checks=_sklearn_expected_failures)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
def test_sklearn_checks(estimator, check):
    check(estimator)
