import pickle

import numpy as np
import pytest

from saatkit.clips import map_clips
from saatkit.clips._clip_cache import load_result, save_result
from saatkit.datasets import Clip

CALLS = []


class Payload:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def mean_and_shape(clip, *, scale):
    CALLS.append(clip.name)
    frames = clip.read()
    return float(frames.mean() * scale), frames.shape[1:3], np.float32(scale), frames[0]


def clips():
    rng = np.random.default_rng(0)
    return [
        Clip.from_frames(rng.integers(0, 256, (3, 6, 5), dtype=np.uint8), name=n)
        for n in ("a", "b")
    ]


@pytest.mark.parametrize(
    "value",
    [
        None,
        3,
        2.5,
        "x",
        [1, (2, None)],
        {"k": (np.arange(4), np.float64(1.5))},
        (np.zeros((2, 3), np.uint8), [np.array(["a", "bc"])], {"n": {"m": True}}),
    ],
)
def test_round_trip_keeps_types(tmp_path, value):
    save_result(tmp_path / "r.npz", value)
    loaded = load_result(tmp_path / "r.npz")
    assert repr(loaded) == repr(value)


def test_objects_are_not_cached(tmp_path):
    with pytest.raises(TypeError, match="object"):
        save_result(tmp_path / "r.npz", np.array([object()]))
    with pytest.raises(TypeError, match="set"):
        save_result(tmp_path / "r.npz", {1, 2})


def test_cache_is_reused_and_a_planted_pickle_never_runs(tmp_path):
    CALLS.clear()
    first = map_clips(mean_and_shape, clips(), memory=tmp_path, scale=2)
    assert_same(map_clips(mean_and_shape, clips(), memory=tmp_path, scale=2), first)
    assert CALLS == ["a", "b"]
    files = sorted(tmp_path.rglob("*.npz"))
    assert len(files) == 2
    marker = tmp_path / "pwned"
    for path in files:
        path.write_bytes(pickle.dumps(Payload(marker)))
    with pytest.warns(UserWarning, match="not a cache file saatkit wrote.*computed again"):
        again = map_clips(mean_and_shape, clips(), memory=str(tmp_path), scale=2)
    assert not marker.exists()
    assert CALLS == ["a", "b", "a", "b"]
    assert_same(again, first)


def assert_same(results, expected):
    for x, y in zip(results, expected, strict=True):
        assert x[:3] == y[:3]
        np.testing.assert_array_equal(x[3], y[3])
