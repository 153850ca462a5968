"""Style aggregation: fit time, transform throughput and the style gap closed.

Faces, 64x64, in three styles (``--faces``):

- ``lfw``: the real LFW faces shipped with scikit-image, rendered in three
  database-like styles (CASME II-like colour, SMIC-like near-infrared, SAMM-like
  grey-scale);
- ``synthetic``: the annotated apex frames of the synthetic MEGC 2019 composite,
  cropped by ``FaceCropper`` (YuNet), grouped by database, the same number per
  database.

Both methods are fitted on all faces (unsupervised, as in one LOSO fold) and
transform them; the style gap (``style_gap``, between the three groups) is measured
before and after, with the mean structural similarity of each output to its input.

    python benchmarks/bench_style_aggregation.py [--quick] [--faces lfw|synthetic]
        [--threads N] [--figure PATH]
"""

import argparse
import time

import numpy as np
import torch
from skimage.metrics import structural_similarity

from saatkit.datasets import make_styled_faces, make_synthetic_megc2019
from saatkit.preprocessing import (
    STYLE_PRESETS,
    ApexSpotter,
    FaceCropper,
    StyleAggregator,
    plot_style_grid,
    style_gap,
)


def synthetic_apex_faces(n_per_database, size=64):
    """Apex faces of ``n_per_database`` clips of each database, as many subjects as it has."""
    data = make_synthetic_megc2019(max_frames=12, random_state=0)
    # Each subject's first clip, then each one's second, and so on.
    rank = data.frame.groupby("subject").cumcount().to_numpy()
    index = np.concatenate(
        [
            sorted(np.flatnonzero(data.database == db), key=lambda i: (rank[i], i))[
                :n_per_database
            ]
            for db in ("smic", "casme2", "samm")
        ]
    )
    clips = FaceCropper(output_size=size).fit_transform([data.X[i] for i in index])
    return ApexSpotter(method="annotated").fit_transform(clips), data.database[index]


def mean_ssim(before, after):
    return np.mean(
        [
            structural_similarity(x, y, channel_axis=-1, data_range=255)
            for x, y in zip(before, after)
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 faces per style, 2 epochs")
    parser.add_argument(
        "--faces",
        choices=("lfw", "synthetic"),
        default="lfw",
        help="faces in three styles (default lfw)",
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--figure", help="save the before/after grid of the GAN here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    n_faces = 20 if args.quick else 50
    if args.faces == "lfw":
        images, groups, _ = make_styled_faces(n_faces, output_size=64, random_state=0)
    else:
        images, groups = synthetic_apex_faces(n_faces)
    gan_params = dict(STYLE_PRESETS["demo"], max_epochs=2 if args.quick else 20)
    methods = {
        "moments": StyleAggregator("moments", random_state=0),
        "cyclegan (demo)": StyleAggregator(**gan_params, random_state=0),
    }
    gap_before = style_gap(images, groups)
    print(
        f"{len(images)} {args.faces} faces of 64x64 in 3 styles, torch threads {args.threads}; "
        f"cyclegan: {gan_params}"
    )
    print(
        f"{'method':<16} {'fit s':>8} {'transform img/s':>16} "
        f"{'gap before':>11} {'gap after':>10} {'SSIM':>6}"
    )
    for name, aggregator in methods.items():
        start = time.perf_counter()
        aggregator.fit(images)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        out = aggregator.transform(images)
        rate = len(images) / (time.perf_counter() - start)
        print(
            f"{name:<16} {fit_s:>8.1f} {rate:>16.0f} {gap_before:>11.3f} "
            f"{style_gap(out, groups):>10.3f} {mean_ssim(images, out):>6.2f}"
        )
    if args.figure:
        import matplotlib

        matplotlib.use("Agg")
        plot_style_grid(images, out, groups).savefig(args.figure, dpi=100)


if __name__ == "__main__":
    main()
