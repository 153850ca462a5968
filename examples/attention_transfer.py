"""Train a student with attention transfer from a frozen teacher (Eqs. 2-4 of SA-AT).

The attention map of a stage with activations A (C channels) is F(A) = sum_c |A_c|
(Eq. 2), flattened and scaled to unit L2 norm. The student minimises cross-entropy
plus beta / 2 times the sum over stages of ||Q_S - Q_T||_2, the distance between its
maps and the teacher's (Eq. 4), so it learns to look where the teacher looks.

The script trains a small teacher on synthetic facial-expression images (as
``train_teacher.py`` does), crops the annotated apex frames of 12 subjects of the
synthetic micro-expression benchmark, and trains two students on the apex frames of
9 of them: one with cross-entropy alone (``beta=0``) and one with attention transfer
(``beta=1``). It prints, on the apex frames of the 3 held-out subjects, how far each
student's maps are from the teacher's, and UF1/UAR; and it saves
``attention_maps.png``: teacher and student maps of one face per database.

Everything is tiny (24x24 faces, depth-8 networks) so that it runs in seconds; the
numbers are those of a synthetic stand-in and say nothing about real micro-expression
recognition.
"""

import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from sklearn.frozen import FrozenEstimator

from saatkit.datasets import make_synthetic_expressions, make_synthetic_megc2019
from saatkit.metrics import uar_score, uf1_score
from saatkit.nn import AttentionTransferClassifier, TeacherClassifier
from saatkit.preprocessing import ApexSpotter, FaceCropper

OUTPUT = Path(os.environ.get("SAATKIT_EXAMPLE_OUTPUT", "."))
SIZE = 24

# 1. The teacher, trained on an auxiliary expression set and then frozen.
aux = make_synthetic_expressions(240, output_size=SIZE, n_identities=10, random_state=1)
teacher = TeacherClassifier(
    module__depth=8,
    max_epochs=6,
    lr=1e-3,
    classes=[0, 1, 2],
    class_weight="balanced",
    random_state=0,
).fit(aux.X, aux.y)

# 2. Apex frames of 4 subjects per database; the last subject of each is held out.
data = make_synthetic_megc2019(
    scale="demo", max_frames=16, subjects_per_database=4, random_state=0
)
clips = FaceCropper(output_size=SIZE).fit_transform(data.X)
faces = ApexSpotter(method="annotated").fit_transform(clips)
y, groups, database = data.y, data.groups, data.database
test = np.isin(groups, [max(groups[database == db]) for db in np.unique(database)])
print(f"{(~test).sum()} training and {test.sum()} held-out apex frames of shape {faces.shape[1:]}")


# 3. Two students: cross-entropy alone, and with attention transfer.
def student(beta):
    return AttentionTransferClassifier(
        FrozenEstimator(teacher),
        module__depth=8,
        beta=beta,
        max_epochs=8,
        lr=1e-3,
        classes=[0, 1, 2],
        class_weight="balanced",
        random_state=0,
    ).fit(faces[~test], y[~test])


students = {
    "cross-entropy only (beta=0)": student(0.0),
    "attention transfer (beta=1)": student(1.0),
}

teacher_maps = teacher.attention_maps(faces[test])
print("mean ||Q_S - Q_T||_2 per stage on held-out faces, and pooled scores:")
for name, model in students.items():
    maps = model.attention_maps(faces[test])
    distances = [
        np.linalg.norm((s - t).reshape(len(s), -1), axis=1).mean()
        for s, t in zip(maps, teacher_maps)
    ]
    y_pred = model.predict(faces[test])
    print(
        f"  {name:<28} "
        + "  ".join(f"stage {j + 1}: {d:.3f}" for j, d in enumerate(distances))
        + f"  | UF1 {uf1_score(y[test], y_pred):.4f}  UAR {uar_score(y[test], y_pred):.4f}"
    )

# 4. The maps of one held-out face per database.
shown = [int(np.flatnonzero(test & (database == db))[0]) for db in ("smic", "casme2", "samm")]
nets = {
    "teacher": teacher,
    "student beta=0": students["cross-entropy only (beta=0)"],
    "student AT": students["attention transfer (beta=1)"],
}
maps = {name: net.attention_maps(faces[shown]) for name, net in nets.items()}
n_stages = len(teacher_maps)
figure = Figure(figsize=(1.3 * (1 + len(nets) * n_stages), 1.5 * len(shown)), layout="constrained")
axes = figure.subplots(len(shown), 1 + len(nets) * n_stages, squeeze=False)
for r, i in enumerate(shown):
    axes[r, 0].imshow(faces[i])
    axes[r, 0].set_title(database[i], fontsize=8)
    for s in range(n_stages):
        for k, name in enumerate(nets):
            ax = axes[r, 1 + s * len(nets) + k]
            ax.imshow(maps[name][s][r], cmap="inferno")
            ax.set_title(f"{name}\nstage {s + 1}", fontsize=6)
for ax in axes.ravel():
    ax.axis("off")
path = OUTPUT / "attention_maps.png"
figure.savefig(path, dpi=90)
print(f"Figure written to {path}")
