"""The synthetic benchmark: generation speed, detectors, apex, learnability, style gap.

Measures, on ``make_synthetic_megc2019`` at the demo size:

- generation: making the dataset (lazy clips), rendering every frame of every clip,
  and making 2000 macro-expression images;
- detectors, per style, on every clip's onset frame: YuNet's detection rate, dlib's HOG
  detection rate and the mean distance of dlib's 68 points to the renderer's own
  landmarks (pixels and inter-ocular distances);
- apex: how often the frame that differs most from the first (in the face box) is
  within one frame of the true apex;
- learnability: a linear SVM on the grey apex - onset difference of the face, cropped
  to YuNet's box on the onset frame and resized to 48x48, under leave-one-subject-out
  (UAR pooled over folds, 1/3 is chance);
- style gap: the same clips rendered in each database's style (``styles=``), the SVM
  trained on one style and tested on the held-out subjects in every style (rows train,
  columns test; the diagonal is within style);
- database gap: trained on one whole database, tested on another (the diagonal is
  leave-one-subject-out within the database).

    python benchmarks/bench_synthetic.py [--quick] [--n-jobs 2] [--random-state 0]

``--quick`` keeps 8 subjects per database and skips the macro images.
"""

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import recall_score  # noqa: E402
from sklearn.model_selection import LeaveOneGroupOut  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from saatkit.clips import cut_box, map_clips  # noqa: E402
from saatkit.datasets import (  # noqa: E402
    make_synthetic_expressions,
    make_synthetic_megc2019,
    synthetic_landmarks,
)
from saatkit.preprocessing import detect_faces, landmarks_68  # noqa: E402

DATABASES = ("smic", "casme2", "samm")
SIZE = 48
MAX_FRAMES = 12


def _grey(frame):
    return frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)


def _face_box(frame, clip):
    """YuNet's box on ``frame`` made square; the true landmarks' box when it finds none."""
    boxes, _ = detect_faces(frame, "yunet")
    found = len(boxes) > 0
    if found:
        x0, y0, x1, y1 = boxes[0]
    else:
        points = synthetic_landmarks(clip, [clip.onset])[0]
        (x0, y0), (x1, y1) = points.min(0), points.max(0)
    cx, cy, side = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0)
    return (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2), found


def _difference(frames, box):
    box = tuple(int(round(v)) for v in box)
    crops = [
        cv2.resize(
            cut_box(_grey(frame).astype(np.float32), box),
            (SIZE, SIZE),
            interpolation=cv2.INTER_AREA,
        )
        for frame in frames
    ]
    return (crops[1] - crops[0]).ravel()


def measure_clip(clip, full=True):
    """Per-clip measurements; ``full`` adds the detectors and apex spotting."""
    if not full:
        frames = clip.read([clip.onset, clip.apex])
        box, found = _face_box(frames[0], clip)
        return {"feature": _difference(frames, box), "yunet": found}
    frames = clip.read()
    onset = frames[clip.onset]
    box, found = _face_box(onset, clip)
    out = {"feature": _difference(frames[[clip.onset, clip.apex]], box), "yunet": found}
    truth = synthetic_landmarks(clip, [clip.onset])[0]
    iod = np.linalg.norm(truth[36:42].mean(0) - truth[42:48].mean(0))
    hog, _ = detect_faces(onset, "dlib")
    out["hog"] = len(hog) > 0
    if len(hog):
        error = np.linalg.norm(landmarks_68(onset, hog[0]) - truth, axis=1).mean()
        out["error_px"], out["error_iod"] = error, error / iod
    (x0, y0), (x1, y1) = truth.min(0).astype(int), truth.max(0).astype(int)
    face = np.stack([cv2.GaussianBlur(_grey(f).astype(np.float32), (0, 0), 1.0) for f in frames])[
        :, y0:y1, x0:x1
    ]
    change = np.abs(face - face[0]).mean(axis=(1, 2))
    out["apex_within_1"] = abs(int(np.argmax(change)) - clip.apex) <= 1
    return out


def uar(y, p):
    return recall_score(y, p, average="macro", labels=[0, 1, 2])


def model():
    return make_pipeline(StandardScaler(), LinearSVC(C=0.01, class_weight="balanced"))


def loso_predictions(train_sets, test_sets, y, groups):
    """For every training set, LOSO predictions on every test set (same clips)."""
    pred = {(a, b): np.empty_like(y) for a in train_sets for b in test_sets}
    for train, test in LeaveOneGroupOut().split(y, y, groups):
        for a, X_train in train_sets.items():
            fitted = model().fit(X_train[train], y[train])
            for b, X_test in test_sets.items():
                pred[a, b][test] = fitted.predict(X_test[test])
    return pred


def _subset(data, keep):
    index = np.flatnonzero(keep)
    return [data.X[i] for i in index], data.y[index], data.groups[index], data.database[index]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--random-state", type=int, default=0)
    return parser.parse_args()


def print_detectors(native, database):
    """Per style: detection rates, landmark error and apex spotting of the measured clips."""
    print(
        f"\n{'style':<8}{'clips':>6}{'YuNet':>8}{'HOG':>8}{'dlib err px':>13}"
        f"{'err IOD':>9}{'apex +-1':>10}"
    )
    for name in DATABASES:
        rows = [r for r, d in zip(native, database) if d == name]
        errors = [r["error_px"] for r in rows if "error_px" in r]
        errors_iod = [r["error_iod"] for r in rows if "error_iod" in r]
        print(
            f"{name:<8}{len(rows):>6}{np.mean([r['yunet'] for r in rows]):>8.1%}"
            f"{np.mean([r['hog'] for r in rows]):>8.1%}{np.mean(errors):>13.2f}"
            f"{np.mean(errors_iod):>9.3f}{np.mean([r['apex_within_1'] for r in rows]):>10.1%}"
        )


def styled_features(seed, keep, n_jobs):
    """The apex - onset features of the same clips rendered in each database's style."""
    styled = {}
    for style in DATABASES:
        swapped = make_synthetic_megc2019(
            max_frames=MAX_FRAMES, random_state=seed, styles={d: style for d in DATABASES}
        )
        rows = map_clips(measure_clip, _subset(swapped, keep)[0], n_jobs=n_jobs, full=False)
        styled[style] = np.array([r["feature"] for r in rows])
    return styled


def print_gaps(X_native, styled, y, groups, database):
    """LOSO UAR of the native clips, then the style gap and the database gap."""
    pred = loso_predictions(
        {"native": X_native, **styled}, {"native": X_native, **styled}, y, groups
    )
    print("\nleave-one-subject-out UAR (linear SVM on apex - onset, 48x48 grey face)")
    p = pred["native", "native"]
    print(
        f"  composite {uar(y, p):.3f}   "
        + "   ".join(f"{d} {uar(y[database == d], p[database == d]):.3f}" for d in DATABASES)
    )

    print("\nstyle gap: same clips, trained in one style (rows), tested in each (columns)")
    print(f"{'train / test':<14}" + "".join(f"{s:>9}" for s in DATABASES))
    for a in DATABASES:
        print(f"{a:<14}" + "".join(f"{uar(y, pred[a, b]):>9.3f}" for b in DATABASES))

    print("\ndatabase gap: trained on one database (rows), tested on another (columns);")
    print("the diagonal is leave-one-subject-out within the database")
    print(f"{'train / test':<14}" + "".join(f"{s:>9}" for s in DATABASES))
    for a in DATABASES:
        cells = []
        for b in DATABASES:
            test = database == b
            if a == b:
                within = loso_predictions(
                    {a: X_native[test]}, {a: X_native[test]}, y[test], groups[test]
                )[a, a]
                cells.append(uar(y[test], within))
            else:
                train = database == a
                fitted = model().fit(X_native[train], y[train])
                cells.append(uar(y[test], fitted.predict(X_native[test])))
        print(f"{a:<14}" + "".join(f"{c:>9.3f}" for c in cells))


def main():
    args = parse_args()
    seed, n_jobs = args.random_state, args.n_jobs

    start = time.perf_counter()
    data = make_synthetic_megc2019(max_frames=MAX_FRAMES, random_state=seed)
    made = time.perf_counter() - start
    keep = np.ones(len(data.X), bool)
    if args.quick:
        for database in DATABASES:
            subjects = sorted(set(data.groups[data.database == database]))[8:]
            keep &= ~np.isin(data.groups, subjects)
    clips, y, groups, database = _subset(data, keep)
    n_frames = sum(len(c) for c in clips)
    start = time.perf_counter()
    native = map_clips(measure_clip, clips, n_jobs=n_jobs)
    measured = time.perf_counter() - start
    start = time.perf_counter()
    map_clips(_read_all, clips, n_jobs=n_jobs)
    rendered = time.perf_counter() - start

    print(
        f"synthetic benchmark, demo size, max_frames={MAX_FRAMES}, random_state={seed}, "
        f"n_jobs={n_jobs}, {len(clips)} clips, {len(set(groups))} subjects"
    )
    print(f"\n{'generation':<44}{'seconds':>10}")
    print(f"{'make_synthetic_megc2019 (lazy clips)':<44}{made:>10.2f}")
    print(
        f"{f'render all {n_frames} frames':<44}{rendered:>10.2f}  "
        f"({n_frames / rendered:.0f} frames/s)"
    )
    print(f"{'measure (read, detect, landmarks, spot)':<44}{measured:>10.2f}")
    if not args.quick:
        start = time.perf_counter()
        make_synthetic_expressions(2000, output_size=64, random_state=seed)
        print(
            f"{'make_synthetic_expressions(2000, 64x64)':<44}{time.perf_counter() - start:>10.2f}"
        )
    print_detectors(native, database)
    X_native = np.array([r["feature"] for r in native])
    print_gaps(X_native, styled_features(seed, keep, n_jobs), y, groups, database)


def _read_all(clip):
    return clip.read().shape


if __name__ == "__main__":
    main()
