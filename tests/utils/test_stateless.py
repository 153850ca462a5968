"""StatelessMixin: fit checks parameters and input, tags say nothing is learnt."""

from typing import ClassVar

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import get_tags
from sklearn.utils._param_validation import InvalidParameterError

from saatkit.utils import StatelessMixin


def _check_rows(X):
    X = np.asarray(X)
    if X.ndim != 3:
        raise ValueError(f"X must be 3-D, got {X.ndim}-D.")
    return X


class _Double(StatelessMixin, TransformerMixin, BaseEstimator):
    _parameter_constraints: ClassVar[dict] = {"factor": [int]}
    _check_input = staticmethod(_check_rows)

    def __init__(self, factor=2):
        self.factor = factor

    def transform(self, X):
        return self.factor * _check_rows(X)


def test_fit_returns_the_step_unchanged_and_transform_needs_no_fit():
    step = _Double()
    X = np.ones((2, 3, 3))
    assert step.fit(X) is step
    assert vars(step) == {"factor": 2}
    np.testing.assert_array_equal(_Double().transform(X), 2 * X)


def test_fit_checks_input_and_parameters():
    with pytest.raises(ValueError, match="X must be 3-D, got 2-D"):
        _Double().fit(np.ones((2, 3)))
    with pytest.raises(InvalidParameterError, match="factor"):
        _Double(factor="two").fit(np.ones((2, 3, 3)))


def test_tags_say_stateless_non_tabular():
    tags = get_tags(_Double())
    assert tags.requires_fit is False
    assert tags.input_tags.two_d_array is False
    assert tags.transformer_tags.preserves_dtype == []
