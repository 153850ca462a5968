"""skorch conventions the image classifiers keep (issue 14, item 5)."""

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline
from skorch import NeuralNetClassifier
from skorch.callbacks import EpochScoring
from skorch.dataset import Dataset

from saatkit.nn import (
    AttentionTransferClassifier,
    ChannelsFirst,
    CifarResNet,
    STSTNet,
    TeacherClassifier,
)
from saatkit.nn._images import to_network_input


def small_net(cls=TeacherClassifier, **params):
    defaults = {"module": STSTNet, "init_std": None, "max_epochs": 1, "random_state": 0}
    return cls(**{**defaults, **params})


@pytest.mark.parametrize("cls", [TeacherClassifier, AttentionTransferClassifier])
def test_first_partial_fit_takes_the_given_classes(blobs, cls):
    X, y = blobs
    params = {"beta": 0.0} if cls is AttentionTransferClassifier else {}
    net = small_net(cls, **params).partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert list(net.classes_) == [0, 1, 2]
    assert net.module_.n_classes == 3
    net.partial_fit(X[y == 2], y[y == 2])  # the third class arrives later
    assert net.predict_proba(X).shape == (len(X), 3)


def test_first_partial_fit_refuses_labels_outside_the_given_classes(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="not among classes"):
        small_net().partial_fit(X, y, classes=[0, 1])


def test_device_none_with_a_random_state(blobs):
    X, y = blobs
    first = small_net(device=None).fit(X, y)
    second = small_net(device=None).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))


def test_a_skorch_dataset_is_taken_as_its_images_and_labels(blobs):
    X, y = blobs
    labels = np.array(["neg", "pos", "sur"])[y]
    from_arrays = small_net().fit(X, labels)
    from_dataset = small_net().fit(Dataset(X, labels))
    assert list(from_dataset.classes_) == ["neg", "pos", "sur"]
    np.testing.assert_array_equal(from_dataset.predict(Dataset(X)), from_arrays.predict(X))
    np.testing.assert_allclose(from_dataset.predict_proba(X), from_arrays.predict_proba(X))


def test_partial_fit_on_a_skorch_dataset_encodes_its_labels(blobs):
    X, y = blobs
    labels = np.array(["neg", "pos", "sur"])[y]
    net = small_net().partial_fit(Dataset(X, labels))
    net.partial_fit(Dataset(X, labels))
    assert len(net.history) == 2 and list(net.classes_) == ["neg", "pos", "sur"]


@pytest.mark.parametrize("names", [["neg", "pos", "sur"], [1, 2, 3]])
def test_scoring_callbacks_see_labels_as_predict_gives_them(blobs, names):
    X, y = blobs
    labels = np.array(names)[y]
    scoring = EpochScoring("accuracy", on_train=True, name="train_acc", use_caching=False)
    cached = EpochScoring("accuracy", on_train=True, name="cached_acc")
    # Without recalibration the last epoch's network is the fitted one.
    net = small_net(callbacks=[scoring, cached], max_epochs=2, recalibrate_bn=False)
    net.fit(X, labels)
    assert net.history[-1, "train_acc"] == pytest.approx(np.mean(net.predict(X) == labels))
    # Scored on the training batches' outputs; compared with encoded labels,
    # string predictions would never match.
    assert net.history[-1, "cached_acc"] > 0


def test_params_saved_load_into_a_fresh_net_given_classes_and_channels(blob_maker, tmp_path):
    X, y = blob_maker(24, seed=0, grey=True)
    labels = np.array(["neg", "pos", "sur"])[y]
    fitted = small_net().fit(X, labels)
    fitted.save_params(f_params=tmp_path / "params.pt")

    fresh = small_net(classes=["neg", "pos", "sur"], module__in_channels=1).initialize()
    fresh.load_params(f_params=tmp_path / "params.pt")
    np.testing.assert_allclose(fresh.predict_proba(X), fitted.predict_proba(X), rtol=1e-5)
    np.testing.assert_array_equal(fresh.predict(X), fitted.predict(X))

    sized_by_default = small_net().initialize()
    with pytest.raises(ValueError, match=r"classes=.*module__in_channels="):
        sized_by_default.load_params(f_params=tmp_path / "params.pt")


def test_a_plain_skorch_net_takes_the_students_place(blobs):
    # The apex and resize steps hand on uint8 channels-last faces; ChannelsFirst gives
    # a plain net the input saatkit's classifiers give their networks.
    X, y = blobs
    np.testing.assert_array_equal(
        ChannelsFirst().fit_transform(X), to_network_input(torch.from_numpy(X)).numpy()
    )
    net = NeuralNetClassifier(
        CifarResNet,
        module__depth=8,
        module__n_classes=3,
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=1,
        train_split=None,
        batch_size=8,
    )
    pipe = make_pipeline(ChannelsFirst(), net).fit(X, y)
    assert pipe.predict(X).shape == (len(X),)
    assert set(pipe.predict(X)) <= {0, 1, 2}
