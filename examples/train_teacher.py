"""Train a small SA-AT teacher on synthetic facial-expression images.

SA-AT's teacher is a residual network trained with softmax cross-entropy (Eq. 3) on an
auxiliary facial-expression set (BU-3DFE in the paper), never on micro-expression
clips; Table 2 of the paper compares candidate networks by WAR, UAR and UF1 on it.

:func:`saatkit.datasets.make_synthetic_expressions` is saatkit's stand-in for BU-3DFE
(posed expressions at full intensity, in its class proportions 11012/2730/2736
negative/positive/surprise). The script trains a :class:`saatkit.nn.TeacherClassifier`
on 360 of its 24x24 images, a CIFAR ResNet of depth 8 rather than the paper's 110 so that it
runs in seconds on a CPU, and prints WAR, UAR and UF1 on 120 held-out images (chance
UAR is 1/3). ``make_teacher("resnet-110", preset="paper", device="cuda")`` is the
paper's teacher.

The numbers are those of a synthetic stand-in and say nothing about real expression
recognition.
"""

import time

from sklearn.model_selection import train_test_split

from saatkit.datasets import make_synthetic_expressions
from saatkit.metrics import uar_score, uf1_score, war_score
from saatkit.nn import TeacherClassifier

data = make_synthetic_expressions(480, output_size=24, n_identities=20, random_state=1)
X_train, X_test, y_train, y_test = train_test_split(
    data.X, data.y, test_size=0.25, stratify=data.y, random_state=0
)
print(f"{len(X_train)} training and {len(X_test)} test images of shape {X_train.shape[1:]}")

teacher = TeacherClassifier(
    module__depth=8,  # CifarResNet(depth=8); the paper's teacher is depth 110
    max_epochs=10,
    lr=1e-3,  # the paper's 1e-4 needs many more epochs
    batch_size=64,
    classes=[0, 1, 2],
    class_weight="balanced",  # negative is 4 times as frequent as the other classes
    random_state=0,
)
start = time.perf_counter()
teacher.fit(X_train, y_train)
print(
    f"trained {teacher.max_epochs} epochs in {time.perf_counter() - start:.1f} s; "
    f"final training loss {teacher.history_[-1, 'train_loss']:.3f}"
)

y_pred = teacher.predict(X_test)
print(
    f"held-out WAR {war_score(y_test, y_pred):.4f}  UAR {uar_score(y_test, y_pred):.4f}  "
    f"UF1 {uf1_score(y_test, y_pred):.4f}"
)
maps = teacher.attention_maps(X_test[:2])
print("attention map sizes per stage:", [m.shape[1:] for m in maps])
