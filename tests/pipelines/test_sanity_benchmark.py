"""The sanity benchmark's apex frames carry the class: an apex-frame ResNet beats chance.

A fast version of ``benchmarks/bench_sanity.py``: the CASME II-like subjects of
``make_synthetic_megc2019(intensity=8)`` (sub17, a third of the clips and nearly all
negative, left out), small scenes, faces cropped by FaceCropper, the annotated apex
frame of each clip, and a ResNet-8 trained on the apex frames themselves (the paper's
"ResNet" row without its teacher) under 3-fold subject-disjoint cross-validation.
"""

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline

from saatkit.datasets import make_synthetic_megc2019
from saatkit.metrics import uar_score
from saatkit.nn import CifarResNet, TeacherClassifier
from saatkit.preprocessing import ApexSpotter, FaceCropper


def test_apex_frame_resnet_beats_chance_on_the_sanity_benchmark():
    data = make_synthetic_megc2019(max_frames=8, databases="casme2", scale=0.25, intensity=8)
    keep = data.groups != "casme2/sub17"
    clips, y, groups = [c for c, k in zip(data.X, keep) if k], data.y[keep], data.groups[keep]
    resnet = TeacherClassifier(
        module=CifarResNet,
        module__depth=8,
        max_epochs=10,
        lr=2e-3,
        batch_size=16,
        init_std=None,
        class_weight="balanced",
        classes=[0, 1, 2],
        random_state=0,
    )
    # The apex-frame steps of the paper's pipeline, with the annotated apex (Algorithm 1
    # is tested on its own); the classifier learns from the apex frames.
    steps = make_pipeline(
        FaceCropper(output_size=32, reference="apex"), ApexSpotter(method="annotated")
    )
    apex_frames = steps.fit_transform(clips)
    predicted = np.empty_like(y)
    for train, test in GroupKFold(3).split(apex_frames, y, groups):
        fitted = clone(resnet).fit(apex_frames[train], y[train])
        predicted[test] = fitted.predict(apex_frames[test])
    assert uar_score(y, predicted) > 0.5
