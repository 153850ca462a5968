import pickle
import subprocess
import sys

import numpy as np
import torch

from saatkit.nn import CifarResNet, TeacherClassifier
from saatkit.protocol._fingerprint import content_hash


def fitted_teacher(seed):
    rng = np.random.default_rng(0)
    X = rng.integers(0, 255, (12, 8, 8, 3), dtype=np.uint8)
    y = np.arange(12) % 3
    return TeacherClassifier(module__depth=20, max_epochs=1, batch_size=4, random_state=seed).fit(
        X, y
    )


def test_fitted_network_keeps_its_hash_through_pickle():
    teacher = fitted_teacher(0)
    again = pickle.loads(pickle.dumps(teacher))
    assert content_hash(teacher) == content_hash(again)
    assert content_hash([teacher, 1]) != content_hash([teacher, 2])


def test_hash_follows_the_weights():
    assert content_hash(fitted_teacher(0)) != content_hash(fitted_teacher(1))
    net = CifarResNet(depth=20, n_classes=3)
    before = content_hash(net)
    with torch.no_grad():
        next(net.parameters()).add_(1.0)
    assert content_hash(net) != before


def test_hash_is_the_same_in_another_process():
    code = (
        "from saatkit.protocol._fingerprint import content_hash; "
        "print(content_hash({'b': {1, 2, 'x'}, 'a': [1.5, None]}))"
    )
    here = content_hash({"a": [1.5, None], "b": {"x", 2, 1}})
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert here == there
