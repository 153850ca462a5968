import cv2
import numpy as np
import pytest
from scipy import ndimage
from skimage import data
from sklearn.base import clone
from sklearn.utils import get_tags

from saatkit.datasets import ArraySource, Clip
from saatkit.preprocessing import OpticalFlow, flow_image
from saatkit.preprocessing._flow_fields import METHOD_PARAMS, optical_strain

N = 128
CENTRE = (N - 1) / 2
# Endpoint errors are averaged away from the border, where the moved image has no data.
INTERIOR = (slice(16, -16), slice(16, -16))
CAMERA = cv2.resize(data.camera(), (N, N), interpolation=cv2.INTER_AREA).astype(np.float64)
YY, XX = np.mgrid[0:N, 0:N].astype(np.float64)
# Mean endpoint errors at 128 px measured with the default parameters (shift, warp):
# tvl1 0.090 / 0.118, farneback 0.071 / 0.171, dis 0.047 / 0.065. The zero field scores
# 0.72 / 0.98 and swapped or negated axes score above 1. Bounds leave a margin of ~1.6x.
EPE_BOUNDS = {"tvl1": (0.15, 0.2), "farneback": (0.12, 0.28), "dis": (0.08, 0.11)}


def uint8(image):
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def moved(backward):
    """Apex frame ``onset(p - G(p))`` and the exact forward flow F = G(x + F) as (u, v)."""
    gu, gv = backward(YY, XX)
    apex = ndimage.map_coordinates(CAMERA, [YY - gv, XX - gu], order=3, mode="nearest")
    u, v = np.zeros_like(XX), np.zeros_like(XX)
    for _ in range(50):  # a contraction: |grad G| is about 0.05
        u, v = backward(YY + v, XX + u)
    return uint8(apex), u, v


def smooth_warp(y, x):
    """A small rotation and stretch plus a sinusoid, as (horizontal, vertical) pixels."""
    gu = 0.006 * (x - CENTRE) - 0.008 * (y - CENTRE) + 0.8 * np.sin(2 * np.pi * y / N)
    gv = 0.008 * (x - CENTRE) + 0.006 * (y - CENTRE) + 0.8 * np.cos(2 * np.pi * x / N)
    return gu, gv


def zoom(y, x):
    return 0.04 * (x - CENTRE), 0.04 * (y - CENTRE)


def pair_clip(onset, apex, **metadata):
    metadata.setdefault("name", "pair")
    return Clip.from_frames(np.stack([onset, apex]), apex=1, **metadata)


def raw_flow(method, onset, apex, **params):
    params = {"output_size": N, "components": ("u", "v"), "normalize": None, **params}
    return OpticalFlow(method, **params).fit_transform([pair_clip(onset, apex)])[0]


def mean_epe(flow, u, v):
    return float(np.hypot(flow[0] - u, flow[1] - v)[INTERIOR].mean())


@pytest.mark.parametrize("method", ["tvl1", "farneback", "dis"])
def test_subpixel_shift_of_a_photograph_is_recovered(method):
    # scipy's shift by (rows, columns) = (-0.4, 0.6) moves the content 0.6 px right, 0.4 up.
    apex = uint8(ndimage.shift(CAMERA, (-0.4, 0.6), order=3, mode="nearest"))
    flow = raw_flow(method, uint8(CAMERA), apex)
    assert mean_epe(flow, 0.6, -0.4) < EPE_BOUNDS[method][0]


@pytest.mark.parametrize("method", ["tvl1", "farneback", "dis"])
def test_smooth_warp_of_a_photograph_is_recovered(method):
    apex, u, v = moved(smooth_warp)
    flow = raw_flow(method, uint8(CAMERA), apex)
    assert mean_epe(flow, u, v) < EPE_BOUNDS[method][1]


@pytest.mark.parametrize("method", ["tvl1", "farneback", "dis"])
def test_translation_has_no_strain_and_a_zoom_has_its_strain(method):
    shift = uint8(ndimage.shift(CAMERA, (-0.4, 0.6), order=3, mode="nearest"))
    apex, u, _ = moved(zoom)
    # Strain has no unit, so a 32 px output keeps it; averaging over 4x4 pixels keeps the
    # pixel-level noise of the flow out of its derivatives (at 128 px TV-L1's is 0.03).
    params, interior = {"components": ("strain",), "output_size": 32}, (slice(4, -4),) * 2
    strain_shift = raw_flow(method, uint8(CAMERA), shift, **params)[0][interior]
    strain_zoom = raw_flow(method, uint8(CAMERA), apex, **params)[0][interior]
    # The forward flow of a 4% zoom is F = s (x - c), s = 0.04 / 0.96; |e| = sqrt(2) s.
    exact = np.sqrt(2) * np.gradient(u, axis=1)[INTERIOR].mean()
    assert exact == pytest.approx(np.sqrt(2) * 0.04 / 0.96, rel=1e-6)
    # Measured medians: zoom 0.056-0.062, translation 0.004-0.007.
    assert np.median(strain_zoom) == pytest.approx(exact, rel=0.2)
    assert np.median(strain_shift) < 0.2 * exact


def test_strain_of_linear_fields_by_hand():
    # u = a x + b y, v = c x + d y: u_x = a, u_y = b, v_x = c, v_y = d everywhere.
    y, x = np.mgrid[0:20, 0:30].astype(np.float64)
    a, b, c, d = 0.03, -0.02, 0.05, 0.01
    expected = np.sqrt(a**2 + d**2 + 0.5 * (b + c) ** 2)
    np.testing.assert_allclose(optical_strain(a * x + b * y, c * x + d * y), expected)
    # A rotation moves the face without deforming it.
    np.testing.assert_allclose(optical_strain(-0.02 * y, 0.02 * x), 0.0, atol=1e-15)


def test_shape_dtype_and_minmax_range():
    apex, _, _ = moved(smooth_warp)
    clip = pair_clip(uint8(CAMERA), apex)
    flow = OpticalFlow("dis").fit_transform([clip, clip])
    assert flow.shape == (2, 3, 28, 28) and flow.dtype == np.float32
    np.testing.assert_array_equal(flow.min(axis=(2, 3)), 0.0)
    np.testing.assert_array_equal(flow.max(axis=(2, 3)), 1.0)
    raw = OpticalFlow("dis", normalize=None).fit_transform([clip])[0].astype(np.float64)
    low, high = raw.min(axis=(1, 2), keepdims=True), raw.max(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(flow[0], (raw - low) / (high - low), atol=1e-6)


# OpenCV's Farneback returns up to 0.1 px at the border of two identical frames.
@pytest.mark.parametrize("method", ["tvl1", "dis"])
def test_still_face_gives_zeros_not_nan(method):
    frame = uint8(CAMERA[:64, :64])
    flow = OpticalFlow(method).fit_transform([pair_clip(frame, frame)])
    np.testing.assert_array_equal(flow, 0.0)


def test_resizing_rescales_the_vectors_to_output_pixels():
    # 2 px right at 128 px is 0.5 px at 32; on a 128x96 frame moved 2 px right and 1.5 px
    # down, both components become 0.5 px of the 32x32 output.
    apex = uint8(ndimage.shift(CAMERA, (0, 2), order=3, mode="nearest"))
    flow = raw_flow("dis", uint8(CAMERA), apex, output_size=32)
    np.testing.assert_allclose(np.median(flow, axis=(1, 2)), [0.5, 0.0], atol=0.03)
    wide = CAMERA[16:112]
    apex = uint8(ndimage.shift(wide, (1.5, 2), order=3, mode="nearest"))
    flow = raw_flow("dis", uint8(wide), apex, output_size=32)
    assert flow.shape == (2, 32, 32)
    np.testing.assert_allclose(np.median(flow, axis=(1, 2)), [0.5, 0.5], atol=0.03)


def test_components_pick_and_order_the_channels():
    apex, _, _ = moved(smooth_warp)
    clip = pair_clip(uint8(CAMERA), apex)
    full = OpticalFlow("farneback", normalize=None).fit_transform([clip])[0]
    reverse = OpticalFlow("farneback", normalize=None, components=["strain", "v", "u"])
    np.testing.assert_array_equal(reverse.fit_transform([clip])[0], full[::-1])
    u_v = OpticalFlow("farneback", components=("u", "v")).fit_transform([clip])[0]
    np.testing.assert_array_equal(u_v, OpticalFlow("farneback").fit_transform([clip])[0][:2])


def test_transform_is_flow_image_of_onset_and_apex_and_reads_two_frames():
    reads = []

    class Recorded(ArraySource):
        def _read(self, indices):
            reads.append(list(indices))
            return super()._read(indices)

    face = uint8(CAMERA[:64, :64])
    shift = uint8(ndimage.shift(CAMERA, (1, -1), order=3)[:64, :64])
    frames = np.stack([np.zeros_like(face), face, face, shift, face])
    clip = Clip(Recorded(frames), name="c", onset=1, apex=3)
    out = OpticalFlow("farneback", output_size=32).fit_transform([clip])[0]
    assert reads == [[1, 3]]
    np.testing.assert_array_equal(out, flow_image(face, shift, method="farneback", output_size=32))
    # No onset annotation: the first frame is the onset.
    clip = Clip.from_frames(frames[1:], name="c", apex=2)
    np.testing.assert_array_equal(
        OpticalFlow("farneback", output_size=32).transform([clip])[0], out
    )


def test_rgb_frames_are_made_grey_with_opencv():
    rgb = cv2.resize(data.astronaut(), (64, 64), interpolation=cv2.INTER_AREA)
    shift = np.roll(rgb, (1, 2), axis=(0, 1))
    grey = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in (rgb, shift)]
    flow = OpticalFlow("dis", normalize=None)
    np.testing.assert_array_equal(
        flow.transform([pair_clip(rgb, shift)]), flow.transform([pair_clip(*grey)])
    )


def clips_of_three_sizes():
    rgb = cv2.resize(data.astronaut(), (48, 64), interpolation=cv2.INTER_AREA)
    return [
        pair_clip(uint8(CAMERA[:64, :64]), uint8(CAMERA[2:66, 1:65]), name="a"),
        pair_clip(rgb, np.roll(rgb, 1, axis=0), name="b"),
        pair_clip(uint8(CAMERA[:40, :80]), uint8(CAMERA[1:41, :80]), name="c"),
    ]


def test_order_and_subset_invariance_and_transform_leaves_the_estimator(tmp_path):
    clips = clips_of_three_sizes()
    flow = OpticalFlow("farneback", output_size=20, memory=str(tmp_path)).fit(clips)
    before = dict(vars(flow))
    everything = flow.transform(clips)
    assert vars(flow) == before
    np.testing.assert_array_equal(flow.transform(clips[::-1]), everything[::-1])
    np.testing.assert_array_equal(flow.transform(clips[1:2]), everything[1:2])
    assert any(tmp_path.rglob("*.npz"))  # the second and third calls came from the cache
    np.testing.assert_array_equal(clone(flow).set_params(memory=None).transform(clips), everything)


def test_stateless_estimator_api():
    flow = OpticalFlow()
    assert flow.get_params() == {
        "method": "tvl1",
        "output_size": 28,
        "components": ("u", "v", "strain"),
        "normalize": "minmax",
        "method_params": None,
        "memory": None,
        "n_jobs": None,
    }
    tags = get_tags(flow)
    assert not tags.requires_fit and not tags.input_tags.two_d_array
    assert tags.transformer_tags.preserves_dtype == []
    clips = clips_of_three_sizes()
    assert flow.set_params(method="dis").fit(clips) is flow
    assert vars(flow) == vars(OpticalFlow("dis"))  # fit learns nothing


def test_errors_name_the_clip():
    face = uint8(CAMERA[:32, :32])
    frames = np.stack([face, face, face])
    no_apex = Clip.from_frames(frames, name="EP02_01f", database="casme2")
    with pytest.raises(ValueError, match=r"'EP02_01f' \(casme2\) has no apex"):
        OpticalFlow("dis").transform([no_apex])
    late = Clip.from_frames(frames, name="s1", database="samm", apex=2)
    late.apex = 7
    with pytest.raises(ValueError, match=r"'s1' \(samm\): apex=7 .* 3\s+frames"):
        OpticalFlow("dis").transform([late])
    backwards = Clip.from_frames(frames, name="s2", onset=2, apex=1)
    with pytest.raises(ValueError, match="'s2': apex=1 comes before onset=2"):
        OpticalFlow("dis").transform([backwards])
    tiny = Clip.from_frames(frames[:, :8, :8], name="tiny", database="smic", apex=1)
    with pytest.raises(ValueError, match=r"'tiny' \(smic\): onset is 8x8 pixels"):
        OpticalFlow("dis").transform([tiny])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"method": "lucas_kanade"}, "'method' parameter"),
        ({"output_size": 1}, "'output_size' parameter"),
        ({"output_size": 28.0}, "'output_size' parameter"),
        ({"components": "u"}, "components"),
        ({"components": ("u", "w")}, "components must name"),
        ({"components": ("u", "u")}, "must not repeat"),
        ({"components": ()}, "components must name"),
        ({"normalize": "zscore"}, "'normalize' parameter"),
        ({"method_params": [("winsize", 5)]}, "'method_params' parameter"),
        ({"method": "tvl1", "method_params": {"winsize": 5}}, r"\['winsize'\] that method='tvl1'"),
        (
            {"method": "farneback", "method_params": {"winsize": 0}},
            "'winsize' parameter of method=",
        ),
        ({"method": "farneback", "method_params": {"poly_n": 6}}, "'poly_n' parameter"),
        ({"method": "dis", "method_params": {"preset": "slow"}}, "'preset' parameter"),
        ({"method": "tvl1", "method_params": {"attachment": -1.0}}, "'attachment' parameter"),
        ({"memory": 3}, "'memory' parameter"),
    ],
)
def test_parameter_errors(params, match):
    clips = [pair_clip(uint8(CAMERA[:32, :32]), uint8(CAMERA[:32, :32]))]
    with pytest.raises(ValueError, match=match):
        OpticalFlow(**params).fit(clips)
    with pytest.raises(ValueError, match=match):
        OpticalFlow(**params).transform(clips)
    if "memory" not in params:
        with pytest.raises(ValueError, match=match):
            flow_image(clips[0].read([0])[0], clips[0].read([1])[0], **params)


def test_method_params_reach_the_method():
    apex = uint8(ndimage.shift(CAMERA, (-0.4, 0.6), order=3, mode="nearest"))
    default = raw_flow("dis", uint8(CAMERA), apex)
    half = raw_flow("dis", uint8(CAMERA), apex, method_params={"finest_scale": 1})
    # The preset's half-resolution flow is coarser, as measured: 0.14 against 0.05.
    assert mean_epe(half, 0.6, -0.4) > 1.5 * mean_epe(default, 0.6, -0.4)
    frame = uint8(CAMERA[:48, :48])
    for method, changed in [
        ("tvl1", {"attachment": 38.25}),
        ("farneback", {"winsize": 9}),
        ("dis", {"patch_size": 6, "use_spatial_propagation": False}),
    ]:
        default = raw_flow(method, frame, apex[:48, :48])
        assert not np.array_equal(
            raw_flow(method, frame, apex[:48, :48], method_params=changed), default
        )
        # method_params update the defaults: naming a default changes nothing.
        same = {
            key: value for key, (value, _) in METHOD_PARAMS[method].items() if value is not None
        }
        np.testing.assert_array_equal(
            raw_flow(method, frame, apex[:48, :48], method_params=same), default
        )


def test_flow_image_checks_the_frames():
    face = uint8(CAMERA[:32, :32])
    with pytest.raises(TypeError, match="onset must be a uint8 image"):
        flow_image(face / 255.0, face)
    with pytest.raises(ValueError, match="one shape"):
        flow_image(face, uint8(CAMERA[:32, :33]))
    with pytest.raises(ValueError, match=r"grey \(H, W\) or RGB"):
        flow_image(face[..., None], face[..., None])


def test_onset_apex_pairs_give_the_flow_of_their_clips():
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 255, (4, 32, 32, 3), dtype=np.uint8)
    frames[3] = np.roll(frames[1], 1, axis=1)
    clip = Clip.from_frames(frames, name="c", onset=1, apex=3)
    flow = OpticalFlow("farneback", output_size=16)
    from_clip = flow.fit_transform([clip])
    from_pair = flow.fit_transform(frames[[1, 3]][np.newaxis])
    np.testing.assert_array_equal(from_clip, from_pair)
    with pytest.raises(ValueError, match="onset and apex"):
        flow.fit_transform(frames[:3][np.newaxis])
