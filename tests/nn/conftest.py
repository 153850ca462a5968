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


# Where each class moves the face, as (row, col, du, dv) bumps on a 28x28 grid:
# brows up, mouth corners out and up, mouth down.
FLOW_BUMPS = [
    [(7, 9, 0.0, -1.0), (7, 19, 0.0, -1.0)],
    [(20, 8, -1.0, -0.5), (20, 20, 1.0, -0.5)],
    [(21, 14, 0.0, 1.0)],
]


def make_flows(n, seed, size=28, components=("u", "v", "strain"), noise=0.5):
    """Flow-like float images (n, C, size, size) whose class is where the face moves.

    Each class moves Gaussian bumps (sigma ~3 px at 28 px) of random amplitude,
    shifted by up to 2 px, on top of a random global translation and white
    noise; the strain channel is the optical strain magnitude of (u, v).
    """
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    rng.shuffle(y)
    scale = size / 28
    rows, cols = np.mgrid[0:size, 0:size] / scale
    flows = np.empty((n, len(components), size, size), dtype=np.float32)
    for i, k in enumerate(y):
        amplitude = rng.uniform(0.5, 1.5)
        u, v = rng.normal(0, 0.3, size=2)[:, None, None] + np.zeros((2, size, size))
        dr, dc = rng.uniform(-2, 2, size=2)
        for r, c, du, dv in FLOW_BUMPS[k]:
            bump = amplitude * np.exp(-((rows - r - dr) ** 2 + (cols - c - dc) ** 2) / 18)
            u, v = u + du * bump, v + dv * bump
        u = u + rng.normal(0, noise, u.shape)
        v = v + rng.normal(0, noise, v.shape)
        u_y, u_x = np.gradient(u)
        v_y, v_x = np.gradient(v)
        channels = {"u": u, "v": v, "strain": np.sqrt(u_x**2 + v_y**2 + 0.5 * (u_y + v_x) ** 2)}
        flows[i] = [channels[name] for name in components]
    return flows, y


@pytest.fixture(scope="session")
def flow_maker():
    return make_flows
