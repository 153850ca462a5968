"""Fixtures of the preprocessing tests: styled faces and style aggregators fitted on them."""

import pytest

from saatkit.datasets import make_styled_faces
from saatkit.preprocessing import StyleAggregator

# Small enough to train in seconds on one core, large enough to learn the
# aggregation (with a higher learning rate than the paper's 2e-4).
TINY_GAN = dict(image_size=32, n_filters=8, n_blocks=1, max_epochs=15, batch_size=4, lr=2e-3)


@pytest.fixture(scope="session")
def faces():
    """The same 12 real faces in colour and as dark, blurred, green near-infrared."""
    return make_styled_faces(12, output_size=64, styles=("colour", "nir"), random_state=0)


@pytest.fixture(scope="session")
def fitted(faces):
    """A moments and a tiny CycleGAN aggregator fitted on ``faces``."""
    images = faces[0]
    return {
        "moments": StyleAggregator("moments", n_styles=2, random_state=0).fit(images),
        "cyclegan": StyleAggregator(**TINY_GAN, n_styles=2, random_state=0).fit(images),
    }
