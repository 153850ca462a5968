"""How close each apex spotter lands to the true apex, per style and face-crop size.

On the synthetic composite every clip knows its true apex (``clip.apex``, the frame of
largest expression displacement). Each clip is rendered once, cropped by
``FaceCropper(output_size=S)`` for each size S, and each ``ApexSpotter`` method spots
its apex on the crops (size 0: on the uncropped frames). Printed per method, style and
size: the share of clips whose spotted apex is within 1 and within 3 frames of the true
one, the median error in frames, and the median share of the apex's expression
intensity that the spotted frame shows (the rise and fall are smooth, so a frame a few
frames off can still show most of the expression). Algorithm 1 ("lbp") is used as the
paper gives it; only its input changes.

    python benchmarks/bench_apex_spotting.py [--quick] [--clips 20] [--sizes 32 64 128]
        [--max-frames N] [--intensity 1] [--random-state 0]

``--quick`` spots 4 clips per style at 32 and 64 pixels, clips at most 40 frames long.
"""

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from saatkit.datasets import Clip, make_synthetic_megc2019
from saatkit.datasets.synthetic import intensity_profile
from saatkit.preprocessing import ApexSpotter, FaceCropper

DATABASES = ("smic", "casme2", "samm")
METHODS = ("lbp", "frame_difference", "middle")


def pick_clips(data, database, n):
    """``n`` clips of ``database``, spread over its subjects (round robin)."""
    rows = np.flatnonzero(data.database == database)
    by_subject = {}
    for row in rows:
        by_subject.setdefault(data.groups[row], []).append(row)
    picked, queues = [], list(by_subject.values())
    while len(picked) < n and any(queues):
        for queue in queues:
            if queue and len(picked) < n:
                picked.append(queue.pop(0))
    return [data.X[row] for row in picked]


def spot_errors(clip, sizes):
    """{(method, size): (|spotted - true apex|, expression intensity at the spotted frame
    as a share of the apex's)} for one clip, rendered once."""
    in_memory = Clip.from_frames(clip.read(), **clip.metadata)
    profile = intensity_profile(np.arange(len(clip)), clip.onset, clip.apex, clip.offset)
    errors = {}
    for size in sizes:
        face = in_memory
        if size:
            [face] = FaceCropper(output_size=size).fit_transform([in_memory])
            face = Clip.from_frames(face.read(), **clip.metadata)
        for method in METHODS:
            apex, _ = ApexSpotter(method=method).fit([face]).spot(face)
            errors[method, size] = abs(apex - clip.apex), profile[apex]
    return errors


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 clips per style, 32 and 64 px")
    parser.add_argument("--clips", type=int, default=20, help="clips per style")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[32, 64, 128],
        help="face crop sizes in pixels; 0 spots on the uncropped frames",
    )
    parser.add_argument(
        "--max-frames",
        type=int,
        default=None,
        help="longest clip in frames (default: the databases' frame rates)",
    )
    parser.add_argument(
        "--intensity",
        type=float,
        default=1.0,
        help="expression intensity (above 1: the sanity benchmark)",
    )
    parser.add_argument("--random-state", type=int, default=0)
    return parser.parse_args()


def print_table(errors, lengths, sizes):
    """One row per method, style and crop size: how close the spotted apex comes."""
    print(
        f"{'method':<17} {'style':<7} {'frames':>6} {'size':>5} {'<=1':>6} {'<=3':>6} "
        f"{'median':>7} {'share':>6}"
    )
    for method in METHODS:
        for database in DATABASES:
            for size in sizes:
                e, share = errors[database, method, size].T
                print(
                    f"{method:<17} {database:<7} {lengths[database]:>6.0f} "
                    f"{size or 'full':>5} "
                    f"{np.mean(e <= 1):>6.2f} {np.mean(e <= 3):>6.2f} {np.median(e):>7.1f} "
                    f"{np.median(share):>6.2f}"
                )
    print(
        "frames: median clip length; <=1, <=3: share of clips within 1 and 3 frames of "
        "the true apex; median: median error in frames; share: median expression "
        "intensity at the spotted frame, as a share of the apex's"
    )


def main():
    args = parse_args()
    n_clips, sizes, max_frames = args.clips, args.sizes, args.max_frames
    if args.quick:
        n_clips, sizes, max_frames = 4, [32, 64], 40
    data = make_synthetic_megc2019(
        max_frames=max_frames, intensity=args.intensity, random_state=args.random_state
    )
    print(
        f"synthetic composite (demo scale, max_frames={max_frames}, intensity "
        f"{args.intensity:g}), {n_clips} clips per style, crops {sizes} px"
    )

    start = time.perf_counter()
    errors = {}
    lengths = {}
    for database in DATABASES:
        clips = pick_clips(data, database, n_clips)
        lengths[database] = np.median([len(c) for c in clips])
        per_clip = [spot_errors(clip, sizes) for clip in clips]
        for key in per_clip[0]:
            errors[(database, *key)] = np.array([e[key] for e in per_clip])
    print_table(errors, lengths, sizes)
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
