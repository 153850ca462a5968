"""Labels are learnable from the subtle motion, and recording style is a domain gap.

A fast version of ``benchmarks/bench_synthetic.py``: the CASME II-like subjects only,
faces cropped by the true landmarks rather than a detector.
"""

import cv2
import numpy as np
from sklearn.metrics import recall_score
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from saatkit.datasets import make_synthetic_megc2019, synthetic_landmarks


def _apex_minus_onset(clip, size=32):
    """Grey apex - onset difference of the face, cropped by a box fixed on the onset."""
    frames = clip.read([clip.onset, clip.apex]).astype(np.float32)
    if frames.ndim == 4:
        frames = frames.mean(-1)
    points = synthetic_landmarks(clip, [clip.onset])[0]
    (x0, y0), (x1, y1) = points.min(0), points.max(0)
    crops = [
        cv2.resize(
            f[int(y0) : int(y1) + 1, int(x0) : int(x1) + 1],
            (size, size),
            interpolation=cv2.INTER_AREA,
        )
        for f in frames
    ]
    return (crops[1] - crops[0]).ravel()


def test_style_gap_under_leave_one_subject_out():
    own = make_synthetic_megc2019(max_frames=8, databases="casme2", random_state=0)
    other = make_synthetic_megc2019(
        max_frames=8, databases="casme2", styles={"casme2": "smic"}, random_state=0
    )
    X_own = np.array([_apex_minus_onset(c) for c in own.X])
    X_other = np.array([_apex_minus_onset(c) for c in other.X])
    y, groups = own.y, own.groups
    model = make_pipeline(StandardScaler(), LinearSVC(C=0.01, class_weight="balanced"))
    within, across = np.empty_like(y), np.empty_like(y)
    for train, test in LeaveOneGroupOut().split(X_own, y, groups):
        model.fit(X_own[train], y[train])
        within[test] = model.predict(X_own[test])
        across[test] = model.predict(X_other[test])
    uar_within = recall_score(y, within, average="macro")
    uar_across = recall_score(y, across, average="macro")
    assert uar_within > 0.55  # chance is 1/3
    assert uar_across < uar_within - 0.1
