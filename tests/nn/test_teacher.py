import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import cross_validate
from skorch.dataset import ValidSplit

from saatkit.nn import SmallAlexNet, SmallVGG16, TeacherClassifier


def small_teacher(**params):
    defaults = dict(module__depth=20, lr=1e-3, max_epochs=1, random_state=0)
    return TeacherClassifier(**{**defaults, **params})


def test_paper_defaults():
    teacher = TeacherClassifier()
    assert teacher.batch_size == 64
    assert teacher.lr == 1e-4
    assert teacher.optimizer is torch.optim.Adam
    assert teacher.criterion is torch.nn.CrossEntropyLoss
    assert teacher.init_std == 0.02
    assert teacher.train_split is None


def test_default_network_is_resnet_110_sized_from_the_data(blobs):
    X, y = blobs
    teacher = TeacherClassifier(max_epochs=0).fit(X[:, :4, :4, :1], y)
    assert teacher.module_.depth == 110
    assert teacher.module_.in_channels == 1
    assert teacher.module_.n_classes == 3


def test_input_layouts_agree(blobs):
    X, y = blobs
    as_float = np.ascontiguousarray(X.transpose(0, 3, 1, 2)).astype(np.float32) / 255
    uint8_proba = small_teacher().fit(X, y).predict_proba(X)
    float_proba = small_teacher().fit(as_float, y).predict_proba(as_float)
    np.testing.assert_allclose(uint8_proba, float_proba, atol=1e-5)


def test_grey_images(blob_maker):
    X, y = blob_maker(12, seed=3, grey=True)
    teacher = small_teacher().fit(X, y)
    assert teacher.module_.in_channels == 1
    assert teacher.n_channels_in_ == 1
    assert teacher.predict(X).shape == (12,)


def test_bad_inputs_are_rejected(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="channels-last"):
        small_teacher().fit(X.transpose(0, 3, 1, 2).copy(), y)
    with pytest.raises(TypeError, match="dtype int64"):
        small_teacher().fit(X.astype(np.int64), y)
    with pytest.raises(ValueError, match="one label per image"):
        small_teacher().fit(X, y[:-1])
    with pytest.raises(ValueError, match="NaN"):
        small_teacher().fit(np.full((3, 1, 4, 4), np.nan, dtype=np.float32), [0, 1, 0])
    fitted = small_teacher().fit(X, y)
    with pytest.raises(ValueError, match="1 channel.*fitted on 3"):
        fitted.predict(X[..., 0])
    with pytest.raises(ValueError, match="class_weight"):
        small_teacher(class_weight="auto").fit(X, y)


def test_labels_are_decoded_and_classes_can_be_fixed(blobs):
    X, y = blobs
    names = np.array(["negative", "positive", "surprise"])[y]
    teacher = small_teacher().fit(X, names)
    assert list(teacher.classes_) == ["negative", "positive", "surprise"]
    assert set(teacher.predict(X)) <= set(teacher.classes_)
    # A fold missing a class still gets a three-output network.
    keep = y != 1
    fixed = small_teacher(classes=[0, 1, 2]).fit(X[keep], y[keep])
    assert fixed.module_.n_classes == 3
    assert fixed.predict_proba(X).shape == (len(X), 3)
    with pytest.raises(ValueError, match=r"labels \[7\]"):
        small_teacher(classes=[0, 1, 2]).fit(X[:3], [0, 1, 7])


def test_class_weights(blobs):
    X, y = blobs
    y = np.array([0] * 12 + [1] * 8 + [2] * 4)
    balanced = small_teacher(class_weight="balanced", max_epochs=0).fit(X, y)
    np.testing.assert_allclose(balanced.class_weight_, 24 / (3 * np.array([12, 8, 4])))
    np.testing.assert_allclose(balanced.criterion_.weight.numpy(), balanced.class_weight_)
    as_dict = small_teacher(class_weight={2: 5.0}, max_epochs=0).fit(X, y)
    np.testing.assert_allclose(as_dict.class_weight_, [1, 1, 5])
    assert small_teacher(max_epochs=0).fit(X, y).criterion_.weight is None


def test_weights_start_from_normal_0_02(blobs):
    X, y = blobs
    weights = torch.cat(
        [
            m.weight.flatten()
            for m in small_teacher(max_epochs=0).fit(X, y).module_.modules()
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))
        ]
    )
    assert weights.std().item() == pytest.approx(0.02, rel=0.02)
    assert abs(weights.mean().item()) < 1e-3
    default = small_teacher(max_epochs=0, init_std=None).fit(X, y).module_.stem[0].weight
    assert default.std().item() > 0.05  # PyTorch's Kaiming-uniform for a 27-input conv


def test_same_seed_same_weights_and_predictions(blobs):
    X, y = blobs
    first, second = small_teacher(max_epochs=2).fit(X, y), small_teacher(max_epochs=2).fit(X, y)
    for a, b in zip(first.module_.state_dict().values(), second.module_.state_dict().values()):
        assert torch.equal(a, b)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    other = small_teacher(max_epochs=2, random_state=1).fit(X, y)
    assert not torch.equal(other.module_.stem[0].weight, first.module_.stem[0].weight)


def test_random_state_leaves_the_global_generator_alone(blobs):
    X, y = blobs
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    small_teacher().fit(X, y)
    assert torch.equal(torch.rand(3), expected)


def test_batch_norm_recalibration_makes_short_fits_usable(blob_maker):
    X, y = blob_maker(48, seed=1)
    common = dict(lr=1e-3, max_epochs=3, batch_size=16)
    recalibrated = small_teacher(**common).fit(X, y)
    stale = small_teacher(**common, recalibrate_bn=False).fit(X, y)
    assert (recalibrated.predict(X) == y).mean() == 1.0
    assert (stale.predict(X) == y).mean() < 0.8
    bn = recalibrated.module_.stem[1]
    assert bn.momentum == 0.1 and not bn.training


def test_clone_get_params_and_pickle(blobs):
    X, y = blobs
    teacher = small_teacher(module__width=2, class_weight="balanced")
    cloned = clone(teacher)
    assert cloned.get_params()["module__width"] == 2
    assert cloned.get_params()["class_weight"] == "balanced"
    fitted = teacher.fit(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    assert not clone(fitted).__sklearn_is_fitted__()


def test_cross_validate(blobs):
    X, y = blobs
    scores = cross_validate(small_teacher(), X, y, cv=2)
    assert len(scores["test_score"]) == 2
    assert np.all(np.isfinite(scores["test_score"]))


def test_callbacks_follow_train_split(blobs, capsys):
    X, y = blobs
    plain = small_teacher(verbose=1).fit(X, y)
    names = [name for name, _ in plain.callbacks_]
    assert "valid_loss" not in names and "valid_acc" not in names
    assert "train_loss" in capsys.readouterr().out  # the per-epoch table
    validated = small_teacher(train_split=ValidSplit(3, stratified=True)).fit(X, y)
    assert 0 <= validated.history[-1, "valid_acc"] <= 1
    assert np.isfinite(validated.history[-1, "valid_loss"])
    assert capsys.readouterr().out == ""
    with_bar = small_teacher(verbose=2)
    assert "progress_bar" in [name for name, _ in with_bar.get_default_callbacks()]


@pytest.mark.parametrize("network", [SmallAlexNet, SmallVGG16])
def test_table_2_networks_train_as_teachers(blobs, network):
    X, y = blobs
    teacher = TeacherClassifier(network, max_epochs=1, random_state=0).fit(X, y)
    assert teacher.module_.n_classes == 3
    maps = teacher.attention_maps(X[:2])
    assert len(maps) == network().n_stages
    assert maps[0].shape == (2, 8, 8)


def test_attention_maps_helper(fitted_teacher, blobs):
    X, _ = blobs
    maps = fitted_teacher.attention_maps(X[:5])
    assert [m.shape for m in maps] == [(5, 8, 8), (5, 4, 4), (5, 2, 2)]
    for m in maps:
        np.testing.assert_allclose(np.linalg.norm(m.reshape(5, -1), axis=1), 1, rtol=1e-5)


def test_input_tags():
    tags = TeacherClassifier().__sklearn_tags__()
    assert not tags.input_tags.two_d_array
    assert tags.input_tags.three_d_array
    assert tags.estimator_type == "classifier"


def test_partial_fit_keeps_the_classes(blobs):
    X, y = blobs
    teacher = small_teacher().partial_fit(X, y)  # first call initialises, like fit
    assert teacher.module_.n_classes == 3
    teacher.partial_fit(X[y == 0], y[y == 0])
    assert list(teacher.classes_) == [0, 1, 2]
    assert len(teacher.history) == 2
    with pytest.raises(ValueError, match=r"labels \[5\]"):
        teacher.partial_fit(X[:2], [0, 5])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
def test_check_estimator():
    # Images are not 2-D arrays, so sklearn runs only the checks that apply.
    from sklearn.utils.estimator_checks import check_estimator

    check_estimator(small_teacher())
