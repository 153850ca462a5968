import math
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils import get_tags

from saatkit.datasets import Clip
from saatkit.preprocessing import TemporalInterpolator
from saatkit.preprocessing._temporal_interpolation import interpolation_matrix, uint8_product
from saatkit.utils import matlab_uint8


def tim(x, n_frames):
    """TIM of per-pixel sequences given as arrays of shape (n_clips, T)."""
    x = np.asarray(x)
    return TemporalInterpolator(n_frames).fit_transform(x[:, :, None, None])[:, :, 0, 0]


def test_ramp_of_three_frames_to_five_by_hand():
    # T = 3, x = [0, 1, 2]. DCT-II coefficients
    # c_k = (2 - [k=0]) / 3 * sum_j x_j cos(pi k (j + 1/2) / 3):
    # c0 = 1; c1 = 2/3 * (0 + 1 * cos(pi/2) + 2 * cos(5 pi / 6)) = -2 / sqrt(3);
    # c2 = 2/3 * (0 + 1 * cos(pi) + 2 * cos(5 pi / 3)) = 0.
    # Positions s = 0, 0.5, 1, 1.5, 2: x(s) = 1 - 2/sqrt(3) cos(pi (s + 1/2) / 3), so
    # x(0.5) = 1 - 2/sqrt(3) * cos(pi/3) = 1 - 1/sqrt(3) and x(1.5) = 1 + 1/sqrt(3).
    r = 1 / math.sqrt(3)
    expected = [0.0, 1 - r, 1.0, 1 + r, 2.0]
    np.testing.assert_allclose(tim([[0.0, 1.0, 2.0]], 5)[0], expected, atol=1e-12)
    # A linear ramp does not stay linear: the midpoints are not 0.5 and 1.5.
    assert abs((1 - r) - 0.5) > 0.07


def test_two_frames_to_three_by_hand():
    # T = 2: c0 = (a + b) / 2, c1 = (a - b) cos(pi/4); at s = 1/2, cos(pi/2) = 0: the mean.
    np.testing.assert_allclose(tim([[3.0, 7.0]], 3)[0], [3.0, 5.0, 7.0], atol=1e-12)


def test_downsampling_four_frames_to_three_by_hand():
    # T = 4 -> positions 0, 1.5, 3; at s = 1.5 the odd cosines vanish (cos(pi k / 2)):
    # x(1.5) = c0 + c2 cos(pi) = c0 - c2, c2 = 1/2 * sum_j x_j cos(pi (2j + 1) / 4).
    x = np.array([1.0, 4.0, 2.0, 8.0])
    c0 = x.mean()
    c2 = 0.5 * sum(x[j] * math.cos(math.pi * (2 * j + 1) / 4) for j in range(4))
    np.testing.assert_allclose(tim([x], 3)[0], [1.0, c0 - c2, 8.0], atol=1e-12)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_same_length_returns_the_input(dtype):
    rng = np.random.default_rng(0)
    x = (rng.random((2, 7, 5, 6)) * 255).astype(dtype)
    out = TemporalInterpolator(7).fit_transform(x)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, x)


@pytest.mark.parametrize("n_in, n_out", [(11, 10), (101, 10), (2, 10), (30, 7), (5, 13)])
def test_first_and_last_frames_are_kept_exactly(n_in, n_out):
    rng = np.random.default_rng(n_in)
    x = rng.normal(size=(1, n_in, 4, 3))
    out = TemporalInterpolator(n_out).fit_transform(x)
    assert out.shape == (1, n_out, 4, 3)
    np.testing.assert_array_equal(out[:, 0], x[:, 0])
    np.testing.assert_array_equal(out[:, -1], x[:, -1])


def test_output_positions_on_input_frames_return_those_frames():
    # 9 -> 5 frames: positions 0, 2, 4, 6, 8 are all input frames.
    x = np.random.default_rng(1).normal(size=(1, 9, 3, 3))
    np.testing.assert_array_equal(TemporalInterpolator(5).fit_transform(x)[0], x[0, ::2])


def test_matches_the_laplacian_eigenmap_form_on_distinct_frames():
    """TIM as Zhou et al. build it equals the DCT fast form."""
    t_len, n_out = 6, 10
    rng = np.random.default_rng(2)
    frames = rng.normal(size=(t_len, 20))  # 6 linearly independent frames of 20 pixels
    # Laplacian of the path graph; its eigenvectors are the DCT-II basis vectors.
    adjacency = np.eye(t_len, k=1) + np.eye(t_len, k=-1)
    laplacian = np.diag(adjacency.sum(1)) - adjacency
    eigenvalues, eigenvectors = np.linalg.eigh(laplacian)
    j = np.arange(t_len)
    for k in range(t_len):
        basis = np.cos(np.pi * k * (j + 0.5) / t_len)
        basis /= np.linalg.norm(basis)
        assert abs(abs(eigenvectors[:, k] @ basis) - 1) < 1e-10
        assert eigenvalues[k] == pytest.approx(2 - 2 * np.cos(np.pi * k / t_len), abs=1e-12)

    # Zhou et al.: the curve y_k(t) = sin(pi k t + pi (T - k) / (2T)), frame j at t = (j+1)/T;
    # learn the map from the embedding to the mean-removed frames, sample the curve at
    # n_out points from the first frame's t to the last's and map back.
    def curve(t):
        k = np.arange(1, t_len)[:, None]
        return np.sin(np.pi * k * t[None, :] + np.pi * (t_len - k) / (2 * t_len))

    mean = frames.mean(0)
    embedding = curve((j + 1) / t_len)
    mapping = (frames - mean).T @ np.linalg.pinv(embedding)
    expected = (mapping @ curve(np.linspace(1 / t_len, 1, n_out))).T + mean

    out = TemporalInterpolator(n_out).fit_transform(frames[None, :, :, None])[0, :, :, 0]
    np.testing.assert_allclose(out, expected, atol=1e-10)


def test_duplicated_frames():
    x = np.array([[10.0, 10.0, 10.0, 50.0, 50.0, 90.0, 90.0]])
    out = tim(x, 10)
    assert np.isfinite(out).all()
    assert out[0, 0] == 10.0 and out[0, -1] == 90.0
    constant = np.full((1, 12, 4, 4), 77, dtype=np.uint8)
    np.testing.assert_array_equal(TemporalInterpolator(10).fit_transform(constant), 77)


def test_one_frame_is_repeated():
    x = np.random.default_rng(3).integers(0, 256, (2, 1, 4, 5, 3), dtype=np.uint8)
    out = TemporalInterpolator(10).fit_transform(x)
    assert out.shape == (2, 10, 4, 5, 3)
    np.testing.assert_array_equal(out, np.repeat(x, 10, axis=1))


def test_uint8_rounds_half_away_from_zero_like_matlab():
    # Midpoints of two frames are exact halves: 0.5 -> 1 and 2.5 -> 3 (numpy's round
    # half to even would give 0 and 2).
    x = np.array([[0, 1], [0, 5], [10, 13]], dtype=np.uint8)[:, :, None, None]
    out = TemporalInterpolator(3).fit_transform(x)[:, :, 0, 0]
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, [[0, 1, 1], [0, 3, 5], [10, 12, 13]])


def float64_tim(volume, n_frames):
    """uint8 TIM as one float64 product rounded like MATLAB, the definition."""
    flat = volume.reshape(volume.shape[0], -1).astype(np.float64)
    out = matlab_uint8(interpolation_matrix(volume.shape[0], n_frames) @ flat)
    return out.reshape((n_frames,) + volume.shape[1:])


@pytest.mark.parametrize("n_in, n_out", [(30, 10), (11, 10), (101, 10), (2, 3), (4, 7), (1, 3)])
def test_uint8_clips_equal_the_float64_product(n_in, n_out):
    # The float32 product is redone in float64 wherever it lies near a half; the
    # patterns below put many values on and near halves (two-level frames, exact ties
    # of repeated frames and midpoints) besides random clips and colour.
    rng = np.random.default_rng(n_in)
    clips = [
        rng.integers(0, 256, (n_in, 33, 70), dtype=np.uint8),
        rng.integers(0, 256, (n_in, 9, 11, 3), dtype=np.uint8),
        rng.choice(np.array([0, 1, 254, 255], dtype=np.uint8), (n_in, 40, 40)),
        np.repeat(rng.integers(0, 256, (1, 30, 30), dtype=np.uint8), n_in, axis=0),
        np.arange(n_in * 64 * 3, dtype=np.int64).reshape(n_in, 64, 3).astype(np.uint8) % 7,
    ]
    for volume in clips:
        out = TemporalInterpolator(n_out).fit_transform(volume[None])[0]
        np.testing.assert_array_equal(out, float64_tim(volume, n_out))


def test_uint8_product_redoes_values_near_halves():
    # Midpoints of frames 0 and 1 are exact halves: the float32 pass cannot tell which
    # way they go, so they are redone and come out rounded up, as MATLAB rounds.
    matrix = np.array([[0.5, 0.5], [0.25, 0.75], [1.0, 0.0]])
    values = np.array([[0, 1, 2, 255, 3], [1, 2, 255, 254, 4]], dtype=np.uint8)
    expected = matlab_uint8(matrix @ values.astype(np.float64))
    np.testing.assert_array_equal(uint8_product(matrix, values), expected)
    np.testing.assert_array_equal(expected[0], [1, 2, 129, 255, 4])


def test_uint8_overshoot_is_clipped():
    x = np.array([[0, 0, 255, 255, 0, 0], [255, 255, 0, 0, 255, 255]], dtype=np.uint8)
    exact = tim(x.astype(np.float64), 15)
    assert exact.max() > 255.5 and exact.min() < -0.5  # the cosine curve overshoots
    out = TemporalInterpolator(15).fit_transform(x[:, :, None, None])[:, :, 0, 0]
    np.testing.assert_array_equal(out, np.clip(np.floor(exact + 0.5), 0, 255))


def test_dtypes():
    x = np.arange(2 * 4 * 3 * 3).reshape(2, 4, 3, 3)
    assert TemporalInterpolator(5).fit_transform(x.astype(np.float32)).dtype == np.float32
    assert TemporalInterpolator(5).fit_transform(x.astype(np.int16)).dtype == np.float64
    np.testing.assert_allclose(
        TemporalInterpolator(5).fit_transform(x.astype(np.int16)),
        TemporalInterpolator(5).fit_transform(x.astype(np.float64)),
    )


def test_colour_channels_are_interpolated_independently():
    rng = np.random.default_rng(4)
    x = rng.integers(0, 256, (1, 11, 6, 5, 3), dtype=np.uint8)
    out = TemporalInterpolator(10).fit_transform(x)
    for c in range(3):
        np.testing.assert_array_equal(
            out[..., c], TemporalInterpolator(10).fit_transform(x[..., c])
        )


def test_clips_of_different_lengths(tmp_path):
    rng = np.random.default_rng(5)
    smic = rng.integers(0, 256, (11, 8, 8, 3), dtype=np.uint8)
    samm = rng.integers(0, 256, (101, 8, 8, 3), dtype=np.uint8)
    clips = [Clip.from_frames(smic, name="smic"), Clip.from_frames(samm, name="samm")]
    expected = np.stack([TemporalInterpolator(10).fit_transform(v[None])[0] for v in (smic, samm)])
    tim10 = TemporalInterpolator(10, memory=str(tmp_path)).fit(clips)
    np.testing.assert_array_equal(tim10.transform(clips), expected)
    np.testing.assert_array_equal(tim10.transform(clips), expected)  # from the cache
    assert any(tmp_path.rglob("*.npz"))
    np.testing.assert_array_equal(TemporalInterpolator(10).fit_transform([smic, samm]), expected)


def test_frame_sizes_must_agree():
    clips = [
        Clip.from_frames(np.zeros((5, 8, 8), np.uint8), name="a"),
        Clip.from_frames(np.zeros((5, 9, 8), np.uint8), name="b"),
    ]
    with pytest.raises(ValueError, match="FaceCropper"):
        TemporalInterpolator(10).fit_transform(clips)


@pytest.mark.parametrize("n_frames", [1, 0, 2.5, "10", True, None])
def test_bad_n_frames(n_frames):
    with pytest.raises(ValueError, match="n_frames"):
        TemporalInterpolator(n_frames).fit(np.zeros((1, 3, 2, 2)))


@pytest.mark.parametrize(
    "X, error",
    [
        (np.zeros((3, 4, 4)), ValueError),  # one clip without the clip axis
        (np.zeros((2, 0, 4, 4)), ValueError),  # no frames
        ([], ValueError),
        (np.zeros((1, 3, 2, 2), dtype=complex), TypeError),
        (np.array([[[["a"]]]]), TypeError),
    ],
)
def test_bad_input(X, error):
    with pytest.raises(error):
        TemporalInterpolator(4).fit(X)


def test_estimator_api():
    x = np.random.default_rng(6).integers(0, 256, (2, 5, 4, 4), dtype=np.uint8)
    est = TemporalInterpolator(8, n_jobs=1)
    assert est.transform(x).shape == (2, 8, 4, 4)  # a stateless step works unfitted
    assert est.get_params() == {"n_frames": 8, "memory": None, "n_jobs": 1}
    assert est.set_params(n_frames=6) is est and est.n_frames == 6
    cloned = clone(est)
    assert cloned is not est and cloned.get_params() == est.get_params()
    first = est.fit(x).transform(x)
    np.testing.assert_array_equal(est.fit(x).fit(x).transform(x), first)  # idempotent fit
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.transform(x), first)
    np.testing.assert_array_equal(clone(est).transform(x), first)
    tags = get_tags(est)
    assert not tags.input_tags.two_d_array and not tags.requires_fit


def test_interpolation_matrix_rows_sum_to_one():
    # Constants are reproduced: each output frame is an affine combination of frames.
    for n_in, n_out in [(3, 5), (11, 10), (101, 10), (1, 4)]:
        np.testing.assert_allclose(interpolation_matrix(n_in, n_out).sum(1), 1.0, atol=1e-12)
