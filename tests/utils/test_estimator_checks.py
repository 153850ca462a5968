"""Each check of saatkit.utils.estimator_checks catches the breach it is named for."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from saatkit.datasets import Clip
from saatkit.preprocessing import ImageResizer
from saatkit.utils import estimator_checks as ec

IMAGES = np.random.default_rng(0).integers(0, 256, (6, 4, 4), dtype=np.uint8)


class Scale(TransformerMixin, BaseEstimator):
    """A correct image step that learns the mean grey level; broken by the subclasses."""

    def __init__(self, factor=1.0):
        self.factor = factor

    def fit(self, X, y=None):
        self.mean_ = float(np.mean(X))
        return self

    def transform(self, X):
        check_is_fitted(self)
        return np.asarray(X, dtype=np.float64) * self.factor - self.mean_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags


class WritesOnTransform(Scale):
    def transform(self, X):
        out = super().transform(X)
        self.last_ = len(X)
        return out


class MutatesInput(Scale):
    def fit(self, X, y=None):
        X[0] = 0
        return super().fit(X)


class ChangesParams(Scale):
    def fit(self, X, y=None):
        self.factor = 2.0
        return super().fit(X)


class BatchDependent(Scale):
    def transform(self, X):
        return super().transform(X) - np.mean(X)


class NeverNotFitted(Scale):
    def transform(self, X):
        return np.asarray(X, dtype=np.float64) * self.factor - getattr(self, "mean_", 0.0)


class OtherFitTransform(Scale):
    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X) + 1


class Unpicklable(Scale):
    def fit(self, X, y=None):
        self.hook_ = lambda: None
        return super().fit(X)


@pytest.mark.parametrize(
    "estimator, check",
    [
        (WritesOnTransform(), ec.check_methods_leave_estimator_unchanged),
        (MutatesInput(), ec.check_input_not_mutated),
        (MutatesInput(), ec.check_read_only_input),
        (ChangesParams(), ec.check_fit_returns_self_and_keeps_params),
        (BatchDependent(), ec.check_subset_invariance),
        (NeverNotFitted(), ec.check_not_fitted_error),
        (OtherFitTransform(), ec.check_fit_transform_equals_fit_then_transform),
        (Unpicklable(), ec.check_pickle_round_trip),
    ],
)
def test_each_check_catches_its_breach(estimator, check):
    check(Scale(), IMAGES.copy())  # the correct step passes
    with pytest.raises(Exception):  # noqa: B017 - an assertion or the step's own error
        check(estimator, IMAGES.copy())


def test_check_estimator_runs_every_check_and_honours_expected_failures():
    assert ec.check_estimator(Scale(), IMAGES) == [check.__name__ for check in ec.CHECKS]
    with pytest.raises(AssertionError, match="changed the estimator"):
        ec.check_estimator(WritesOnTransform(), IMAGES)
    expected = {"check_methods_leave_estimator_unchanged": "writes last_ on purpose"}
    passed = ec.check_estimator(WritesOnTransform(), IMAGES, expected_failed_checks=expected)
    assert "check_methods_leave_estimator_unchanged" not in passed
    with pytest.warns(UserWarning, match="passed although expected to fail"):
        ec.check_estimator(Scale(), IMAGES, expected_failed_checks=expected)


def test_clips_are_compared_by_their_frames():
    clips = [Clip.from_frames(IMAGES[:3], name="a"), Clip.from_frames(IMAGES[3:], name="b")]
    ec._assert_same(clips, [Clip.from_frames(IMAGES[:3], name="a"), clips[1]], "same")
    with pytest.raises(AssertionError, match="metadata"):
        ec._assert_same(clips, [clips[0], clips[1].replace(name="c")], "renamed")
    with pytest.raises(AssertionError):
        ec._assert_same(clips, [clips[0], Clip.from_frames(IMAGES[:3], name="b")], "frames")


def test_a_stateless_step_is_checked_unfitted():
    assert "check_not_fitted_error" in ec.check_estimator(ImageResizer(output_size=2), IMAGES)
