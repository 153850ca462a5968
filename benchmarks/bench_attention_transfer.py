"""Cost of attention transfer: student epochs with and without it, and the teacher's.

The teacher's attention maps are computed once per fit and cached, so an
attention-transfer epoch should cost about what a plain cross-entropy epoch
costs (ratio close to 1); the one-off teacher pass is reported on its own.

    python benchmarks/bench_attention_transfer.py [--quick] [--device cuda]
"""

import argparse
import time

import numpy as np
import torch

from saatkit.nn import AttentionTransferClassifier, TeacherClassifier


def synthetic_images(n, size, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, size, size, 3), dtype=np.uint8), rng.integers(0, 3, n)


def epoch_seconds(net):
    """Median of the per-epoch durations skorch's EpochTimer recorded."""
    return float(np.median(net.history[:, "dur"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data and teacher")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    if args.quick:
        n, size, teacher_depth, epochs = 128, 16, 56, 2
    else:
        n, size, teacher_depth, epochs = 512, 32, 110, 3
    X, y = synthetic_images(n, size)
    print(
        f"{n} images {size}x{size}x3, teacher ResNet-{teacher_depth} (batch 64), "
        f"student ResNet-20 (batch 16), {epochs} epochs, device {args.device}, "
        f"{args.threads} thread(s)"
    )

    teacher = TeacherClassifier(
        module__depth=teacher_depth, max_epochs=epochs, device=args.device, random_state=0
    ).fit(X, y)
    start = time.perf_counter()
    teacher.attention_maps(X)
    teacher_pass = time.perf_counter() - start

    rows = [
        ("teacher: one training epoch", epoch_seconds(teacher)),
        ("teacher: one forward pass (the maps cache)", teacher_pass),
    ]
    students = {}
    for label, beta in (("student: one epoch, beta=0", 0.0), ("student: one epoch, AT", 1.0)):
        start = time.perf_counter()
        students[beta] = AttentionTransferClassifier(
            teacher, beta=beta, max_epochs=epochs, device=args.device, random_state=0
        ).fit(X, y)
        rows.append((label, epoch_seconds(students[beta])))
        rows.append((label.replace("one epoch", "whole fit"), time.perf_counter() - start))

    width = max(len(label) for label, _ in rows)
    print(f"{'what':<{width}}  seconds")
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:7.3f}")
    ratio = epoch_seconds(students[1.0]) / epoch_seconds(students[0.0])
    print(f"{'epoch ratio AT / beta=0':<{width}}  {ratio:7.3f}")


if __name__ == "__main__":
    main()
