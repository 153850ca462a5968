import copy
import math
import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import cross_validate
from skorch.dataset import ValidSplit

from saatkit.nn import (
    AttentionTransferClassifier,
    CifarResNet,
    SmallVGG16,
    TeacherClassifier,
    attention_map,
)


def student(teacher, **params):
    defaults = dict(beta=1.0, lr=1e-3, max_epochs=1, random_state=0)
    return AttentionTransferClassifier(teacher, **{**defaults, **params})


def snapshot(module):
    return {name: tensor.clone() for name, tensor in module.state_dict().items()}


class CountingTeacher(CifarResNet):
    """A teacher network that counts the batches it sees."""

    calls = 0  # on the class, so the student's private copy counts too

    def forward(self, x, return_stages=False):
        type(self).calls += 1
        return super().forward(x, return_stages=return_stages)


def test_paper_defaults(fitted_teacher):
    net = AttentionTransferClassifier(fitted_teacher)
    assert net.batch_size == 16
    assert net.lr == 1e-4
    assert net.optimizer is torch.optim.Adam
    assert net.init_std == 0.02
    assert net.form == "paper" and net._attention_p() == 1
    assert AttentionTransferClassifier(form="zagoruyko")._attention_p() == 2


def test_default_student_is_resnet_20(fitted_teacher, blobs):
    X, y = blobs
    net = student(fitted_teacher, max_epochs=0).fit(X, y)
    assert net.module_.depth == 20


@pytest.mark.parametrize("wrap", [lambda t: t, FrozenEstimator])
def test_teacher_is_untouched_by_the_students_fit(fitted_teacher, blobs, wrap):
    X, y = blobs
    before = snapshot(fitted_teacher.module_)
    mode = fitted_teacher.module_.training
    net = student(wrap(fitted_teacher), max_epochs=2).fit(X, y)
    after = fitted_teacher.module_.state_dict()
    assert before.keys() == after.keys()
    for name in before:  # weights and batch-norm buffers, bit for bit
        assert torch.equal(before[name], after[name]), name
    assert fitted_teacher.module_.training == mode
    teacher_parameters = {id(p) for p in fitted_teacher.module_.parameters()}
    optimised = {id(p) for group in net.optimizer_.param_groups for p in group["params"]}
    assert optimised and not optimised & teacher_parameters
    assert optimised == {id(p) for p in net.module_.parameters()}


def test_teacher_maps_are_computed_once_per_fit(blobs):
    X, y = blobs
    CountingTeacher.calls = 0
    student(CountingTeacher(n_classes=3), max_epochs=3, batch_size=8).fit(X, y)
    assert CountingTeacher.calls == math.ceil(len(X) / 8)  # one pass, not three


def test_memory_keeps_the_teacher_maps_from_one_fit_to_the_next(blobs, tmp_path):
    X, y = blobs
    teacher = CountingTeacher(n_classes=3)
    CountingTeacher.calls = 0
    plain = student(teacher, batch_size=8).fit(X, y)
    first = student(teacher, batch_size=8, memory=tmp_path).fit(X, y)
    assert CountingTeacher.calls == 2 * math.ceil(len(X) / 8)
    assert len(list(tmp_path.rglob("*.npy"))) == len(X)
    # A fold on a subset, in another order, with one new image: only that one is computed.
    new_image = (255 - X[:1]).copy()
    subset = np.concatenate([X[::-2], new_image])
    CountingTeacher.calls = 0
    student(teacher, batch_size=8, memory=str(tmp_path)).fit(subset, y[: len(subset)])
    assert CountingTeacher.calls == 1
    assert len(list(tmp_path.rglob("*.npy"))) == len(X) + 1
    # Maps read back give the same training as maps computed.
    for a, b in zip(plain.module_.parameters(), first.module_.parameters()):
        assert torch.equal(a, b)
    # Another teacher (other weights) has its own folder.
    other = CountingTeacher(n_classes=3)
    student(other, batch_size=8, memory=tmp_path).fit(X, y)
    assert len(list(tmp_path.rglob("*.npy"))) == 2 * len(X) + 1


def test_cached_maps_follow_the_shuffled_images(fitted_teacher, blobs):
    X, y = blobs
    reference = copy.deepcopy(fitted_teacher.module_).eval()
    checks = []

    class Checking(AttentionTransferClassifier):
        def get_loss(self, y_pred, y_true, X=None, training=False):
            index = X["index"]
            with torch.no_grad():
                stages = reference(self._network_input(X), return_stages=True)[1:]
            for cached, stage in zip(self._teacher_maps_, stages):
                assert torch.allclose(cached[index], attention_map(stage), atol=1e-6)
            checks.append(index.tolist())
            return super().get_loss(y_pred, y_true, X=X, training=training)

    Checking(fitted_teacher, max_epochs=2, batch_size=8, random_state=0).fit(X, y)
    assert len(checks) == 2 * 3
    assert any(batch != sorted(batch) for batch in checks)  # shuffling did happen
    assert sorted(sum(checks[:3], [])) == list(range(len(X)))


def test_cache_is_freed_after_fit(fitted_teacher, blobs):
    X, y = blobs
    net = student(fitted_teacher).fit(X, y)
    assert net._teacher_maps_ is None
    y_pred = net.infer({"X": torch.as_tensor(X[:2]), "index": torch.arange(2)})
    with pytest.raises(RuntimeError, match="only while it runs"):
        net.get_loss(y_pred, torch.as_tensor(y[:2]), X={"index": torch.arange(2)})


def test_beta_zero_is_plain_cross_entropy(blobs):
    X, y = blobs
    params = dict(module__depth=20, lr=1e-3, max_epochs=2, batch_size=16, random_state=0)
    plain = TeacherClassifier(**params).fit(X, y)
    no_transfer = AttentionTransferClassifier(None, beta=0, **params).fit(X, y)
    np.testing.assert_allclose(
        no_transfer.history[:, "train_loss"], plain.history[:, "train_loss"], rtol=1e-6
    )
    np.testing.assert_allclose(no_transfer.predict_proba(X), plain.predict_proba(X), atol=1e-6)


def test_transfer_adds_to_the_loss(fitted_teacher, blobs):
    X, y = blobs
    without = student(fitted_teacher, beta=0).fit(X, y).history[0, "train_loss"]
    with_transfer = student(fitted_teacher, beta=10).fit(X, y).history[0, "train_loss"]
    assert with_transfer > without + 0.1


def test_bad_teachers_and_parameters(fitted_teacher, blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="needs one"):
        student(None).fit(X, y)
    with pytest.raises(ValueError, match="must be fitted"):
        student(TeacherClassifier()).fit(X, y)
    with pytest.raises(TypeError, match="teacher must be"):
        student("resnet").fit(X, y)
    with pytest.raises(ValueError, match="beta"):
        student(fitted_teacher, beta=-1).fit(X, y)
    with pytest.raises(ValueError, match="form"):
        student(fitted_teacher, form="l2").fit(X, y)
    with pytest.raises(ValueError, match="channel"):
        student(fitted_teacher).fit(X[..., 0], y)


def test_stage_pairing_and_size_checks(blobs):
    X, y = blobs
    vgg = SmallVGG16(n_classes=3)  # five stages, the first three at ResNet sizes
    with pytest.raises(
        ValueError, match="3 stage maps and the teacher 5; pair them with teacher_stages"
    ):
        student(vgg).fit(X, y)
    student(vgg, teacher_stages=(0, 1, 2)).fit(X, y)
    with pytest.raises(ValueError, match=r"Stage pair 0.*\(8, 8, 8\).*\(8, 4, 4\)"):
        student(vgg, teacher_stages=(1, 2, 3), batch_size=8).fit(X, y)
    student(vgg, teacher_stages=[1], student_stages=[1]).fit(X, y)
    with pytest.raises(ValueError, match="teacher_stages"):
        student(vgg, teacher_stages=(0, 7)).fit(X, y)


@pytest.mark.parametrize("wrap", [lambda t: t, FrozenEstimator])
def test_clone_keeps_the_fitted_teacher(fitted_teacher, blobs, wrap):
    X, y = blobs
    teacher = wrap(fitted_teacher)
    net = student(teacher, module__depth=32, beta=3.0)
    cloned = clone(net)
    assert cloned.teacher is teacher
    assert cloned.get_params()["module__depth"] == 32 and cloned.beta == 3.0
    cloned.fit(X, y)  # would fail with an unfitted teacher
    assert not clone(cloned).__sklearn_is_fitted__()


def test_pickle(fitted_teacher, blobs):
    X, y = blobs
    net = student(fitted_teacher).fit(X, y)
    restored = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(restored.predict_proba(X), net.predict_proba(X))
    assert restored.teacher.__sklearn_is_fitted__()


def test_cross_validate(fitted_teacher, blobs):
    X, y = blobs
    scores = cross_validate(student(fitted_teacher), X, y, cv=2)
    assert np.all(np.isfinite(scores["test_score"]))


def test_same_seed_same_weights_and_predictions(fitted_teacher, blobs):
    X, y = blobs
    first = student(fitted_teacher, max_epochs=2).fit(X, y)
    second = student(fitted_teacher, max_epochs=2).fit(X, y)
    for a, b in zip(first.module_.state_dict().values(), second.module_.state_dict().values()):
        assert torch.equal(a, b)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))


def test_validation_split_scores_with_the_transfer_term(fitted_teacher, blobs):
    X, y = blobs
    names = np.array(["neg", "pos", "sur"])[y]
    net = student(fitted_teacher, train_split=ValidSplit(3, stratified=True), max_epochs=2)
    net.fit(X, names)
    assert 0 <= net.history[-1, "valid_acc"] <= 1
    assert np.isfinite(net.history[-1, "valid_loss"])
    assert set(net.predict(X)) <= {"neg", "pos", "sur"}


def test_attention_maps_helper_and_forward(fitted_teacher, blobs):
    X, y = blobs
    net = student(fitted_teacher).fit(X, y)
    maps = net.attention_maps(X[:3])
    assert [m.shape for m in maps] == [(3, 8, 8), (3, 4, 4), (3, 2, 2)]
    logits, *forward_maps = net.forward(X[:3])
    assert logits.shape == (3, 3)
    np.testing.assert_allclose(forward_maps[1].numpy(), maps[1], atol=1e-6)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
def test_check_estimator():
    # Images are not 2-D arrays, so sklearn runs only the checks that apply.
    from sklearn.utils.estimator_checks import check_estimator

    check_estimator(AttentionTransferClassifier(beta=0, max_epochs=1))
