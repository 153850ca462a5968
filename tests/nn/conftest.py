import numpy as np
import pytest
import torch

from saatkit.nn import TeacherClassifier

torch.set_num_threads(1)

CENTRES = [(2, 2), (2, 5), (5, 4)]


def make_blobs(n, seed, size=8, grey=False):
    """Images whose class is where a bright square sits (3 classes)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    rng.shuffle(y)
    X = rng.normal(60, 20, size=(n, size, size)).clip(0, 255)
    scale = size // 8
    for i, k in enumerate(y):
        r, c = CENTRES[k][0] * scale, CENTRES[k][1] * scale
        X[i, r - scale : r + scale + 1, c - scale : c + scale + 1] = 220
    X = X.astype(np.uint8)
    if not grey:
        X = np.repeat(X[..., np.newaxis], 3, axis=-1)
    return X, y


@pytest.fixture(scope="session")
def blob_maker():
    return make_blobs


@pytest.fixture(scope="session")
def blobs():
    return make_blobs(24, seed=0)


@pytest.fixture(scope="session")
def fitted_teacher(blobs):
    X, y = blobs
    return TeacherClassifier(module__depth=20, lr=1e-3, max_epochs=2, random_state=0).fit(X, y)
