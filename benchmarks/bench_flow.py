"""Flow pairs per second of OpticalFlow's three methods on 128x128 images, on one core.

A real photograph (scikit-image's camera, 128x128) is moved by a sub-pixel shift of
(0.6, -0.4) px and by a smooth warp (a small rotation and stretch plus a sinusoid of up to
0.8 px), the pairs of tests/preprocessing/test_optical_flow.py. For each method the script
times ``flow_image`` with its defaults (grey conversion, flow at full size, resizing to
28x28, strain, min-max scaling: what ``OpticalFlow.transform`` does per clip, less reading
the frames) and prints the mean endpoint error of the flow at full size, leaving out a
border of 1/8 of the side (the inner 96x96 pixels at 128). Everything runs on one thread;
rates are per CPU second of the process, so that other work on a shared machine does not
count.

    python benchmarks/bench_flow.py [--quick] [--size 128]
"""

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from scipy import ndimage  # noqa: E402
from skimage import data  # noqa: E402

from saatkit.preprocessing import flow_image  # noqa: E402

# OpticalFlow's methods, each timed and scored.
METHODS = ("tvl1", "farneback", "dis")


def test_pairs(size):
    """Onset, and (apex, exact u, exact v) for the shift and the warp, at ``size`` pixels."""
    image = cv2.resize(data.camera(), (size, size), interpolation=cv2.INTER_AREA).astype(float)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    centre = (size - 1) / 2

    def warp(y, x):
        gu = 0.006 * (x - centre) - 0.008 * (y - centre) + 0.8 * np.sin(2 * np.pi * y / size)
        gv = 0.008 * (x - centre) + 0.006 * (y - centre) + 0.8 * np.cos(2 * np.pi * x / size)
        return gu, gv

    gu, gv = warp(yy, xx)
    warped = ndimage.map_coordinates(image, [yy - gv, xx - gu], order=3, mode="nearest")
    u, v = np.zeros_like(xx), np.zeros_like(xx)
    for _ in range(50):  # the forward flow F = G(x + F) of the backward warp G
        u, v = warp(yy + v, xx + u)
    shifted = ndimage.shift(image, (-0.4, 0.6), order=3, mode="nearest")

    def uint8(a):
        return np.clip(np.rint(a), 0, 255).astype(np.uint8)

    return uint8(image), {
        "shift": (uint8(shifted), np.full_like(xx, 0.6), np.full_like(xx, -0.4)),
        "warp": (uint8(warped), u, v),
    }


def pairs_per_second(method, onset, apex, n_pairs):
    flow_image(onset, apex, method=method)  # first call: imports and allocations
    start = time.process_time()
    for _ in range(n_pairs):
        flow_image(onset, apex, method=method)
    return n_pairs / (time.process_time() - start)


def endpoint_error(method, onset, apex, u, v):
    size = onset.shape[0]
    flow = flow_image(
        onset, apex, method=method, output_size=size, components=("u", "v"), normalize=None
    )
    inner = (slice(size // 8, -(size // 8)),) * 2
    return float(np.hypot(flow[0] - u, flow[1] - v)[inner].mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer pairs per timing")
    parser.add_argument("--size", type=int, default=128, help="side of the frames in pixels")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    onset, cases = test_pairs(args.size)
    # TV-L1 takes a few tenths of a second per pair at 128 px, the OpenCV methods ms.
    n_pairs = {"tvl1": 2 if args.quick else 20}
    print(
        f"OpticalFlow on {args.size}x{args.size} grey pairs -> 3x28x28 (u, v, strain), "
        "one thread; EPE at full size on the inner pixels, in pixels"
    )
    print(f"{'method':<12}{'pairs/s':>10}{'ms/pair':>10}{'EPE shift':>12}{'EPE warp':>10}")
    for method in METHODS:
        rate = pairs_per_second(
            method, onset, cases["warp"][0], n_pairs.get(method, 10 if args.quick else 200)
        )
        errors = [endpoint_error(method, onset, *cases[name]) for name in ("shift", "warp")]
        print(f"{method:<12}{rate:>10.1f}{1e3 / rate:>10.1f}{errors[0]:>12.3f}{errors[1]:>10.3f}")


if __name__ == "__main__":
    main()
