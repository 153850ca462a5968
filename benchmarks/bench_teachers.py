"""Table 2 of the demo: each teacher candidate's UAR on held-out synthetic expressions.

The demo preset's setting: ``make_synthetic_expressions(1000, output_size=32,
random_state=1)``, a stratified 80/20 split (seed 0), then each candidate of
:func:`saatkit.pipelines.make_teacher` (10 epochs, batches of 16, Adam at 1e-3,
balanced class weights, PyTorch's default initialisation) scored on the 20%.

    python benchmarks/bench_teachers.py [--teachers alexnet vgg16 resnet-20] [--random-state 0]
"""

import argparse
import time

import torch
from sklearn.model_selection import train_test_split

from saatkit.datasets import make_synthetic_expressions
from saatkit.metrics import uar_score, uf1_score, war_score
from saatkit.pipelines import make_teacher


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", nargs="+", default=["alexnet", "vgg16", "resnet-20"])
    parser.add_argument("--n", type=int, default=1000, help="synthetic expression images")
    parser.add_argument("--random-state", type=int, default=0, help="seed of the teachers")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    data = make_synthetic_expressions(args.n, output_size=32, random_state=1)
    X_train, X_test, y_train, y_test = train_test_split(
        data.X, data.y, test_size=0.2, stratify=data.y, random_state=0
    )
    print(f"{'teacher':<12}{'WAR':>7}{'UAR':>7}{'UF1':>7}{'fit s':>8}")
    for name in args.teachers:
        start = time.perf_counter()
        teacher = make_teacher(
            name, preset="demo", random_state=args.random_state, device=args.device
        )
        teacher.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        pred = teacher.predict(X_test)
        print(
            f"{name:<12}{war_score(y_test, pred):7.3f}{uar_score(y_test, pred):7.3f}"
            f"{uf1_score(y_test, pred):7.3f}{seconds:8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
