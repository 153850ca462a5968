import numpy as np

from saatkit.nn import AttentionTransferClassifier, STSTNet, TeacherClassifier


def attention_distance(student, teacher, X):
    """Mean over stages of the mean per-image L2 distance between maps."""
    pairs = zip(student.attention_maps(X), teacher.attention_maps(X))
    return np.mean([np.linalg.norm((s - t).reshape(len(s), -1), axis=1).mean() for s, t in pairs])


def test_attention_transfer_brings_student_maps_to_the_teacher(blob_maker):
    X_aux, y_aux = blob_maker(96, seed=10, size=16)
    X, y = blob_maker(48, seed=11, size=16)
    X_test, y_test = blob_maker(24, seed=12, size=16)
    teacher = TeacherClassifier(module__depth=20, lr=1e-3, max_epochs=4, random_state=0)
    teacher.fit(X_aux, y_aux)
    assert (teacher.predict(X_test) == y_test).mean() > 0.9

    common = {"lr": 1e-3, "max_epochs": 5, "random_state": 0}
    transferred = AttentionTransferClassifier(teacher, beta=10.0, **common).fit(X, y)
    baseline = AttentionTransferClassifier(teacher, beta=0.0, **common).fit(X, y)

    with_transfer = attention_distance(transferred, teacher, X_test)
    without = attention_distance(baseline, teacher, X_test)
    assert with_transfer < 0.7 * without


def test_flow_teacher_attention_moves_a_flow_students_maps_towards_it(flow_maker):
    X_aux, y_aux = flow_maker(150, seed=20, noise=1.0)
    X, y = flow_maker(60, seed=21, noise=1.0)
    X_test, y_test = flow_maker(60, seed=22, noise=1.0)
    teacher = TeacherClassifier(
        STSTNet, lr=3e-3, batch_size=32, max_epochs=10, init_std=None, random_state=5
    ).fit(X_aux, y_aux)
    assert (teacher.predict(X_test) == y_test).mean() > 0.9

    common = {"module": STSTNet, "lr": 1e-2, "max_epochs": 10, "init_std": None, "random_state": 0}
    transferred = AttentionTransferClassifier(teacher, beta=10.0, **common).fit(X, y)
    baseline = AttentionTransferClassifier(teacher, beta=0.0, **common).fit(X, y)

    with_transfer = attention_distance(transferred, teacher, X_test)
    without = attention_distance(baseline, teacher, X_test)
    assert with_transfer < 0.8 * without
