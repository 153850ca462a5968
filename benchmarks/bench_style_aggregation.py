"""Style aggregation: fit time, transform throughput and the style gap closed.

Faces: the 100 real LFW faces shipped with scikit-image, rendered in three
database-like styles (CASME II-like colour, SMIC-like near-infrared, SAMM-like
grey-scale), 64x64. Both methods are fitted on all faces (unsupervised, as in
one LOSO fold) and transform them; the style gap (``style_gap``, between the
three styles) is measured before and after, with the mean structural
similarity of each output to its input face.

    python benchmarks/bench_style_aggregation.py [--quick] [--threads N] [--figure PATH]
"""

import argparse
import time

import numpy as np
import torch
from skimage.metrics import structural_similarity

from saatkit.preprocessing import STYLE_PRESETS, StyleAggregator, plot_style_grid, style_gap
from saatkit.preprocessing._style_samples import make_styled_faces


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
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--figure", help="save the before/after grid of the GAN here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    n_faces = 20 if args.quick else 50
    images, groups, _ = make_styled_faces(n_faces, size=64, random_state=0)
    gan_params = dict(STYLE_PRESETS["demo"], n_epochs=2 if args.quick else 20)
    methods = {
        "moments": StyleAggregator("moments", random_state=0),
        "cyclegan (demo)": StyleAggregator(**gan_params, random_state=0),
    }
    gap_before = style_gap(images, groups)
    print(
        f"{len(images)} faces of 64x64 in 3 styles, torch threads {args.threads}; "
        f"cyclegan: {gan_params}"
    )
    print(f"{'method':<16} {'fit s':>8} {'transform img/s':>16} "
          f"{'gap before':>11} {'gap after':>10} {'SSIM':>6}")
    for name, aggregator in methods.items():
        start = time.perf_counter()
        aggregator.fit(images)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        out = aggregator.transform(images)
        rate = len(images) / (time.perf_counter() - start)
        print(f"{name:<16} {fit_s:>8.1f} {rate:>16.0f} {gap_before:>11.3f} "
              f"{style_gap(out, groups):>10.3f} {mean_ssim(images, out):>6.2f}")
    if args.figure:
        import matplotlib

        matplotlib.use("Agg")
        plot_style_grid(images, out, groups).savefig(args.figure, dpi=100)


if __name__ == "__main__":
    main()
