import numpy as np
import pytest
from sklearn.base import clone

from saatkit.preprocessing import ImageResizer


def test_shrinking_averages_blocks():
    images = np.zeros((2, 8, 8), dtype=np.uint8)
    images[0, :4, :4] = 200  # one 4x4 block becomes one bright pixel
    out = ImageResizer(output_size=2).fit_transform(images)
    assert out.shape == (2, 2, 2) and out.dtype == np.uint8
    np.testing.assert_array_equal(out[0], [[200, 0], [0, 0]])


@pytest.mark.parametrize(
    "shape, expected",
    [
        ((3, 64, 64, 3), (3, 16, 16, 3)),
        ((3, 64, 64, 1), (3, 16, 16, 1)),
        ((3, 64, 64), (3, 16, 16)),
        ((3, 2, 64, 64, 3), (3, 2, 16, 16, 3)),
        ((3, 2, 64, 64), (3, 2, 16, 16)),
    ],
)
def test_layouts_are_kept(shape, expected):
    images = np.random.default_rng(0).integers(0, 255, shape, dtype=np.uint8)
    out = ImageResizer(output_size=16).fit_transform(images)
    assert out.shape == expected
    # Stacks are resized frame by frame.
    if len(shape) == 5:
        single = ImageResizer(output_size=16).fit_transform(images[:, 1])
        np.testing.assert_array_equal(out[:, 1], single)


def test_same_size_is_a_copy_and_input_is_not_changed():
    images = np.random.default_rng(0).integers(0, 255, (2, 16, 16, 3), dtype=np.uint8)
    before = images.copy()
    out = ImageResizer(output_size=16).fit_transform(images)
    np.testing.assert_array_equal(out, images)
    out[:] = 0
    np.testing.assert_array_equal(images, before)


def test_bad_input_and_parameters_are_named():
    with pytest.raises(TypeError, match="uint8"):
        ImageResizer().fit_transform(np.zeros((2, 8, 8), dtype=np.float32))
    with pytest.raises(ValueError, match="shape"):
        ImageResizer().fit_transform(np.zeros((8, 8), dtype=np.uint8))
    with pytest.raises(ValueError, match="output_size"):
        ImageResizer(output_size=0).fit(np.zeros((2, 8, 8), dtype=np.uint8))
    assert clone(ImageResizer(output_size=5)).output_size == 5
