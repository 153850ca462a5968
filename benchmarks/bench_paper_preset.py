"""The paper preset (256x256 faces, ResNet-110 teacher) on K leave-one-subject-out folds.

Meant for a GPU machine: it trains the preset's teacher on the synthetic expression set,
then SA-AT with the apex input (the paper's) and with the flow input on the first K
subjects of the synthetic composite (each held out once, trained on all others), and
prints the time of each stage and the pooled UF1/UAR over the K held-out subjects.

    python benchmarks/bench_paper_preset.py --device cuda --folds 4
    python benchmarks/bench_paper_preset.py --quick    # a CPU smoke run with tiny settings

``--quick`` shrinks every size and epoch count so that the code path runs on a CPU in a
minute; its numbers mean nothing.
"""

import argparse
import time

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import train_test_split

from saatkit.datasets import make_synthetic_expressions, make_synthetic_megc2019
from saatkit.metrics import uar_score, uf1_score
from saatkit.pipelines import PRESETS, make_saat_pipeline, make_teacher
from saatkit.preprocessing import ImageResizer, OpticalFlow

QUICK = {
    "crop_size": 64,
    "face_size": 32,
    "flow_face_size": 32,
    "teacher": "resnet-20",
    "teacher_epochs": 1,
    "student_epochs": 1,
    "n_expressions": 90,
    "style_params": {
        "image_size": 32,
        "n_filters": 4,
        "n_blocks": 1,
        "max_epochs": 1,
        "batch_size": 4,
    },
}


def _timed(label, func, *args):
    start = time.perf_counter()
    value = func(*args)
    print(f"{label}: {time.perf_counter() - start:.1f} s", flush=True)
    return value


def _teacher(settings, aux, input, device, overrides):
    images = ImageResizer(settings["face_size"]).fit_transform(aux.X)
    if input == "flow":
        pairs = ImageResizer(settings["flow_face_size"]).fit_transform(
            np.stack([aux.neutral, aux.X], axis=1)
        )
        images = OpticalFlow(
            settings["flow_method"],
            output_size=settings["flow_size"],
            normalize=settings["flow_normalize"],
        ).fit_transform(pairs)
    X_train, X_test, y_train, y_test = train_test_split(
        images, aux.y, test_size=0.2, stratify=aux.y, random_state=0
    )
    teacher = make_teacher(preset="paper", device=device, **overrides).fit(X_train, y_train)
    print(f"teacher ({input}): held-out UAR {uar_score(y_test, teacher.predict(X_test)):.3f}")
    return teacher


def _folds(pipeline, data, n_folds):
    held_out = list(dict.fromkeys(data.groups))[:n_folds]
    y_true, y_pred = [], []
    for subject in held_out:
        test = data.groups == subject
        model = clone(pipeline).fit([c for c, t in zip(data.X, test) if not t], data.y[~test])
        y_pred += list(model.predict([c for c, t in zip(data.X, test) if t]))
        y_true += list(data.y[test])
    return uf1_score(y_true, y_pred), uar_score(y_true, y_pred), len(y_true)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--folds", type=int, default=2, help="held-out subjects")
    parser.add_argument("--quick", action="store_true", help="tiny settings, CPU smoke run")
    args = parser.parse_args()
    overrides = QUICK if args.quick else {}
    settings = {**PRESETS["paper"], **overrides}
    print(
        f"preset 'paper' on {args.device}: {settings['crop_size']} px crops, "
        f"{settings['face_size']} px faces, teacher {settings['teacher']}, "
        f"{settings['teacher_epochs']} + {settings['student_epochs']} epochs"
    )
    data = make_synthetic_megc2019(max_frames=40 if args.quick else None, random_state=0)
    aux = _timed(
        "expression set",
        lambda: make_synthetic_expressions(
            settings["n_expressions"],
            output_size=settings["crop_size"],
            return_neutral=True,
            random_state=1,
        ),
    )
    for input in ("apex", "flow"):
        teacher = _timed(
            f"teacher ({input})", _teacher, settings, aux, input, args.device, overrides
        )
        pipeline = make_saat_pipeline(
            teacher,
            variant="sa-at",
            input=input,
            preset="paper",
            device=args.device,
            memory=".saatkit-cache",
            **overrides,
        )
        uf1, uar, n = _timed(
            f"SA-AT ({input}), {args.folds} folds", _folds, pipeline, data, args.folds
        )
        print(f"SA-AT ({input}): UF1 {uf1:.4f} UAR {uar:.4f} on {n} held-out clips")


if __name__ == "__main__":
    main()
