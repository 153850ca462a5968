"""skorch conventions the image classifiers keep (issue 14, item 5)."""

import numpy as np
import pytest

from saatkit.nn import AttentionTransferClassifier, STSTNet, TeacherClassifier


def small_net(cls=TeacherClassifier, **params):
    return cls(module=STSTNet, init_std=None, max_epochs=1, random_state=0, **params)


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
