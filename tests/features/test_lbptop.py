import math
import pickle

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from saatkit.features import LBPTOP, lbptop_codes


def reference_codes(volume, rx, ry, rt, counts):
    """LBP-TOP codes pixel by pixel, written from the Oulu LBPTOP.m definition."""
    t_len, height, width = volume.shape
    border = max(rx, ry)
    p_xy, p_xt, p_yt = counts
    shape = (t_len - 2 * rt, height - 2 * border, width - 2 * border)
    codes = [np.zeros(shape, dtype=np.int64) for _ in range(3)]
    for t in range(rt, t_len - rt):
        for y in range(border, height - border):
            for x in range(border, width - border):
                centre = volume[t, y, x]
                xy = xt = yt = 0
                for i in range(p_xy):
                    nx = math.floor(x + rx * math.cos(2 * math.pi * i / p_xy) + 0.5)
                    ny = math.floor(y - ry * math.sin(2 * math.pi * i / p_xy) + 0.5)
                    xy += 2**i * (volume[t, ny, nx] >= centre)
                for i in range(p_xt):
                    nx = math.floor(x + rx * math.cos(2 * math.pi * i / p_xt) + 0.5)
                    nt = math.floor(t + rt * math.sin(2 * math.pi * i / p_xt) + 0.5)
                    xt += 2**i * (volume[nt, y, nx] >= centre)
                for i in range(p_yt):
                    ny = math.floor(y - ry * math.sin(2 * math.pi * i / p_yt) + 0.5)
                    nt = math.floor(t + rt * math.cos(2 * math.pi * i / p_yt) + 0.5)
                    yt += 2**i * (volume[nt, ny, x] >= centre)
                index = (t - rt, y - border, x - border)
                codes[0][index], codes[1][index], codes[2][index] = xy, xt, yt
    return codes


def reference_features(volume, rx, ry, rt, counts, rows, cols):
    """Block histograms with the block assignment of the Oulu block-wise code.

    That code (1-based centre yc in BorderLength+1 .. height-BorderLength) takes
    BlockH = floor((height - 2 * BorderLength) / rows) and puts the centre in block row
    floor((yc - BorderLength - BlockH - 1) / BlockH + 1) (0 while negative), at most rows-1.
    """
    codes = reference_codes(volume, rx, ry, rt, counts)
    border = max(rx, ry)
    _, height, width = volume.shape
    block_h = (height - 2 * border) // rows
    block_w = (width - 2 * border) // cols
    hist = np.zeros((rows, cols, 3, 2 ** max(counts)))
    for plane in range(3):
        for t, y, x in np.ndindex(codes[plane].shape):
            yc, xc = y + border + 1, x + border + 1
            below, right = yc - border - block_h - 1, xc - border - block_w - 1
            row = 0 if below < 0 else below // block_h + 1
            col = 0 if right < 0 else right // block_w + 1
            hist[min(row, rows - 1), min(col, cols - 1), plane, codes[plane][t, y, x]] += 1
    rows_out = []
    for r in range(rows):
        for c in range(cols):
            for plane, p in enumerate(counts):
                h = hist[r, c, plane, : 2**p]
                rows_out.append(h / h.sum())
    return np.concatenate(rows_out)


CASES = [
    # radius, n_neighbors, grid, volume shape, dtype
    ((1, 1, 4), 4, (5, 5), (10, 13, 14), np.uint8),
    ((1, 1, 4), 4, (5, 5), (11, 17, 19), np.uint8),
    ((2, 1, 1), 8, (2, 3), (5, 11, 12), np.float64),
    ((1, 3, 2), (8, 4, 16), (1, 2), (6, 10, 9), np.uint8),
    ((3, 3, 3), 16, (1, 1), (7, 9, 9), np.float32),
    ((1, 2, 1), (4, 8, 8), (2, 2), (3, 9, 8), np.uint8),
]


@pytest.mark.parametrize("radius, n_neighbors, grid, shape, dtype", CASES)
def test_codes_and_features_match_the_loop_reference(radius, n_neighbors, grid, shape, dtype):
    rng = np.random.default_rng(sum(shape))
    # Few grey levels, so that many neighbours equal their centre (">=" sets the bit).
    volume = rng.integers(0, 4, shape).astype(dtype)
    counts = (n_neighbors,) * 3 if isinstance(n_neighbors, int) else n_neighbors
    expected_codes = reference_codes(volume, *radius, counts)
    for plane, (code, expected) in enumerate(
        zip(lbptop_codes(volume, radius, n_neighbors), expected_codes)
    ):
        np.testing.assert_array_equal(code, expected, err_msg=f"plane {plane}")
    features = LBPTOP(radius, n_neighbors, grid=grid).fit_transform(volume[None])
    expected = reference_features(volume, *radius, counts, *grid)
    np.testing.assert_allclose(features[0], expected, atol=1e-12)


def per_plane_features(volume, radius, counts, grid, norm):
    """Feature row from lbptop_codes with one bincount per plane, then the norm."""
    codes = lbptop_codes(volume, radius, counts)
    rows, cols = grid
    _, h_len, w_len = codes[0].shape
    block_rows = np.minimum(np.arange(h_len) // (h_len // rows), rows - 1)
    block_cols = np.minimum(np.arange(w_len) // (w_len // cols), cols - 1)
    blocks = block_rows[:, None] * cols + block_cols[None, :]
    hists = [
        np.bincount((blocks * 2**p + code).ravel(), minlength=rows * cols * 2**p)
        .reshape(rows * cols, 2**p)
        .astype(np.float64)
        for code, p in zip(codes, counts)
    ]
    if norm == "block":
        hists = [hist / hist.sum(axis=1, keepdims=True) for hist in hists]
    features = np.concatenate(hists, axis=1).ravel()
    if norm == "global":
        features /= features.sum()
    elif norm == "l2":
        features /= np.linalg.norm(features)
    return features


@pytest.mark.parametrize(
    "radius, counts, grid, norm",
    [
        ((1, 1, 4), (4, 4, 4), (5, 5), "block"),  # the MEGC setting: XY and XT share a byte
        ((1, 2, 2), (8, 4, 6), (3, 4), "global"),  # 336 bins, one byte per plane
        ((1, 1, 1), (3, 5, 2), (2, 2), "none"),  # XY and XT share a byte unevenly
        ((2, 1, 1), (16, 4, 8), (2, 2), "l2"),
        ((0, 1, 2), (4, 4, 4), (5, 5), "none"),
        ((1, 1, 3), (5, 5, 5), (17, 16), "block"),  # 272 blocks
    ],
)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_features_equal_one_bincount_per_plane_exactly(radius, counts, grid, norm, dtype):
    rng = np.random.default_rng(sum(counts))
    volumes = [rng.integers(0, 256, (10, 64, 59)), rng.integers(100, 103, (9, 41, 50))]
    for volume in volumes:
        volume = volume.astype(dtype)
        got = LBPTOP(radius, counts, grid=grid, norm=norm).fit_transform(volume[None])[0]
        np.testing.assert_array_equal(got, per_plane_features(volume, radius, counts, grid, norm))


def test_megc_defaults_give_1200_named_features():
    volumes = np.random.default_rng(0).integers(0, 256, (3, 10, 40, 37), dtype=np.uint8)
    lbptop = LBPTOP().fit(volumes)
    features = lbptop.transform(volumes)
    names = lbptop.get_feature_names_out()
    assert features.shape == (3, 1200) == (3, len(names))
    assert len(set(names)) == 1200
    # Block (2, 3), plane XT, code 7: block-major, then XY/XT/YT, then 16 codes.
    assert names[((2 * 5 + 3) * 3 + 1) * 16 + 7] == "b2_3_xt_code07"
    assert names[0] == "b0_0_xy_code00" and names[-1] == "b4_4_yt_code15"
    names_p8 = LBPTOP(n_neighbors=8, grid=1).fit(volumes).get_feature_names_out()
    assert names_p8[-1] == "b0_0_yt_code255"


def test_norms():
    volumes = np.random.default_rng(1).integers(0, 256, (2, 9, 14, 16), dtype=np.uint8)
    kwargs = {"radius": (1, 1, 2), "grid": (2, 3)}
    counts = LBPTOP(norm="none", **kwargs).fit_transform(volumes)
    # Centres: 5 frames of 12 x 14 pixels; block rows of 6, block columns of 4, 4 and 6.
    per_block = counts.reshape(2, 6, 3, 16).sum(-1)
    np.testing.assert_array_equal(per_block[:, :, 0], [[5 * 6 * 4, 5 * 6 * 4, 5 * 6 * 6] * 2] * 2)
    assert (per_block == per_block[:, :, :1]).all()
    block = LBPTOP(norm="block", **kwargs).fit_transform(volumes)
    np.testing.assert_allclose(block.reshape(2, 6, 3, 16).sum(-1), 1.0)
    np.testing.assert_allclose(block, counts / per_block.repeat(16, axis=-1).reshape(2, -1))
    global_ = LBPTOP(norm="global", **kwargs).fit_transform(volumes)
    np.testing.assert_allclose(global_, counts / counts.sum(1, keepdims=True))
    l2 = LBPTOP(norm="l2", **kwargs).fit_transform(volumes)
    np.testing.assert_allclose(l2, counts / np.linalg.norm(counts, axis=1, keepdims=True))


def test_colour_is_converted_with_matlab_rgb2gray():
    rng = np.random.default_rng(2)
    colour = rng.integers(0, 256, (2, 10, 12, 12, 3), dtype=np.uint8)
    grey = colour.astype(np.float64) @ [0.298936021293775, 0.587043074451121, 0.114020904255103]
    grey_uint8 = np.clip(np.floor(grey + 0.5), 0, 255).astype(np.uint8)
    lbptop = LBPTOP(grid=2).fit(colour)
    np.testing.assert_array_equal(lbptop.transform(colour), lbptop.transform(grey_uint8))
    np.testing.assert_array_equal(
        lbptop.transform(colour.astype(np.float32) / 255), lbptop.transform(grey / 255)
    )
    np.testing.assert_array_equal(
        lbptop.transform(grey_uint8[..., None]), lbptop.transform(grey_uint8)
    )
    with pytest.raises(ValueError, match="channels"):
        lbptop.transform(np.zeros((1, 10, 12, 12, 2)))


def test_flat_rows_list_and_array_inputs_agree():
    rng = np.random.default_rng(3)
    volumes = rng.integers(0, 256, (3, 10, 12, 11), dtype=np.uint8)
    expected = LBPTOP().fit_transform(volumes)
    flat = LBPTOP(volume_shape=(10, 12, 11)).fit(volumes.reshape(3, -1))
    assert flat.n_features_in_ == 10 * 12 * 11
    np.testing.assert_array_equal(flat.transform(volumes.reshape(3, -1)), expected)
    np.testing.assert_array_equal(LBPTOP().fit_transform(list(volumes)), expected)
    with pytest.raises(ValueError, match="volume_shape"):
        LBPTOP(volume_shape=(10, 12, 12)).fit(volumes.reshape(3, -1))
    # Without volume_shape a row is one pixel over time: far too small for radius 1, 1, 4.
    with pytest.raises(ValueError, match="pass volume_shape"):
        LBPTOP().fit(volumes.reshape(3, -1))
    # Fitted on volumes, the estimator holds no 2-D input state.
    assert not hasattr(flat.fit(volumes), "n_features_in_")


def test_input_features_are_checked_against_the_columns_fit_saw():
    rng = np.random.default_rng(5)
    columns = [f"v{i}" for i in range(10 * 12 * 11)]
    X = pd.DataFrame(rng.integers(0, 256, (2, 10 * 12 * 11)), columns=columns)
    lbptop = LBPTOP(volume_shape=(10, 12, 11)).fit(X)
    names = lbptop.get_feature_names_out()
    np.testing.assert_array_equal(lbptop.get_feature_names_out(columns), names)
    with pytest.raises(ValueError, match="not equal to feature_names_in_"):
        lbptop.get_feature_names_out(columns[::-1])
    flat = LBPTOP(volume_shape=(10, 12, 11)).fit(X.to_numpy())
    np.testing.assert_array_equal(flat.get_feature_names_out(columns), names)
    with pytest.raises(ValueError, match="length equal to number of features"):
        flat.get_feature_names_out(columns[:-1])
    # Fitted on volumes, any names pass: there were no columns.
    volumes = X.to_numpy().reshape(2, 10, 12, 11)
    np.testing.assert_array_equal(LBPTOP().fit(volumes).get_feature_names_out(["a"]), names)


def test_volumes_of_different_sizes_in_a_list():
    rng = np.random.default_rng(4)
    a = rng.integers(0, 256, (10, 20, 20), dtype=np.uint8)
    b = rng.integers(0, 256, (12, 31, 27), dtype=np.uint8)
    features = LBPTOP().fit_transform([a, b])
    np.testing.assert_array_equal(features[1], LBPTOP().fit_transform(b[None])[0])


@pytest.mark.parametrize(
    "shape, match",
    [
        ((8, 20, 20), "8 frame"),  # Rt = 4 needs 9 frames
        ((10, 6, 20), "height 6"),  # border 1 and 5 blocks need 7 rows
        ((10, 20, 6), "width 6"),
    ],
)
def test_volumes_too_small(shape, match):
    with pytest.raises(ValueError, match=match):
        LBPTOP().fit(np.zeros((1,) + shape))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"radius": (1, 1)}, "radius"),
        ({"radius": (1, -1, 4)}, "radius"),
        ({"radius": (1, 1, 4.5)}, "radius"),
        ({"n_neighbors": 0}, "n_neighbors"),
        ({"n_neighbors": 17}, "n_neighbors"),
        ({"n_neighbors": (4, 8)}, "n_neighbors"),
        ({"grid": (5, 0)}, "grid"),
        ({"norm": "l1"}, "norm"),
        ({"volume_shape": (10, 12)}, "volume_shape"),
    ],
)
def test_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        LBPTOP(**params).fit(np.zeros((1, 10, 20, 20)))


def test_bad_input_and_api():
    volumes = np.random.default_rng(5).integers(0, 256, (4, 10, 12, 12), dtype=np.uint8)
    lbptop = LBPTOP(grid=2)
    unfitted = lbptop.transform(volumes)  # a stateless step works unfitted
    with pytest.raises(ValueError, match="shape"):
        lbptop.fit(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError):
        lbptop.fit(np.full((1, 10, 12, 12), np.nan))
    features = lbptop.fit(volumes).transform(volumes)
    np.testing.assert_array_equal(unfitted, features)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(lbptop)).transform(volumes), features)
    np.testing.assert_array_equal(clone(lbptop).fit(volumes).transform(volumes), features)
    with parallel_config(backend="threading"):
        parallel = LBPTOP(grid=2, n_jobs=2).fit(volumes).transform(volumes)
    np.testing.assert_array_equal(parallel, features)


# 2-D rows are read as one pixel over time (volume_shape=None). tests/test_common.py runs
# scikit-learn's checks on radius (0, 0, 1), whose temporal codes need 3 features; radius
# (0, 0, 0) (constant codes) also passes the checks on 2-feature data.
@parametrize_with_checks([LBPTOP(radius=(0, 0, 0), grid=(1, 1))])
def test_sklearn_compatible(estimator, check):
    check(estimator)
