"""Checks of the scikit-learn contract for estimators of clips and images.

scikit-learn's :func:`~sklearn.utils.estimator_checks.check_estimator` feeds 2-D
tables; an estimator whose input is a list of clips or a stack of images (its tags say
``input_tags.two_d_array=False``) gets only the few checks that need no data. The
checks here take the data from the caller, as imbalanced-learn's
``imblearn.utils.estimator_checks`` does for resamplers, and test what the toolkit
relies on: cloning, parameters left alone by ``fit``, input left alone, methods that
do not change the estimator, ``fit_transform`` equal to ``fit`` then ``transform``,
outputs independent of sample order and of the other samples, pickling, and
``NotFittedError`` where the tags say the estimator needs fitting.

Each check is a function ``check_...(estimator, X, y=None)`` that raises
``AssertionError`` (or the estimator's own error) on failure. ``X`` is what the
estimator takes: a list of :class:`~saatkit.clips.Clip`, an array of images or
volumes, or a list of arrays. Keep it small (a few samples of a few pixels): every
check fits the estimator at least once.
"""

import hashlib
import pickle
import warnings
from functools import partial

import joblib
import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags

from ..clips import Clip
from ._docstring import Substitution

_OUTPUT_METHODS = ("transform", "predict", "predict_proba", "decision_function")
# Float outputs may differ in the last bits between batch compositions (BLAS blocking).
_RTOL, _ATOL = 1e-5, 1e-6


def _methods(estimator):
    return [m for m in _OUTPUT_METHODS if hasattr(estimator, m)]


def _fit(estimator, X, y):
    return estimator.fit(X) if y is None else estimator.fit(X, y)


def _take(X, indices):
    """The samples ``indices`` of ``X`` (or of ``y``), in the type ``X`` had."""
    if X is None:
        return None
    if isinstance(X, (list, tuple)):
        return [X[i] for i in indices]
    return np.asarray(X)[indices]


def _snapshot(X):
    """A copy of what ``X`` holds, frames of clips included, to compare with later."""
    if isinstance(X, Clip):
        return {"metadata": X.metadata, "frames": X.read()}
    if isinstance(X, (list, tuple)):
        return [_snapshot(x) for x in X]
    if X is None or isinstance(X, dict):  # a clip's snapshot already
        return X
    return np.array(X, copy=True)


def _compare(a, b, what, exact):
    if isinstance(a, dict):
        assert a["metadata"] == b["metadata"], (
            f"{what}: clip metadata differ ({a['metadata']} != {b['metadata']})."
        )
        a, b = a["frames"], b["frames"]
    if isinstance(a, list):
        assert len(a) == len(b), f"{what}: {len(a)} != {len(b)} samples."
        for i, (u, v) in enumerate(zip(a, b)):
            _compare(u, v, f"{what}, sample {i}", exact)
        return
    assert np.shape(a) == np.shape(b), f"{what}: shapes {np.shape(a)} != {np.shape(b)}."
    if exact or not np.issubdtype(a.dtype, np.floating):
        np.testing.assert_array_equal(a, b, err_msg=what)
    else:
        np.testing.assert_allclose(a, b, rtol=_RTOL, atol=_ATOL, err_msg=what)


def _assert_same(a, b, what, exact=False):
    """Outputs (arrays, lists of clips or of arrays) equal, floats up to round-off."""
    _compare(_snapshot(a), _snapshot(b), what, exact)


def _assert_same_outputs(tested, X_tested, reference, X_reference, what):
    """Each output method of ``tested`` on ``X_tested`` gives what ``reference`` gives
    on ``X_reference``."""
    for method in _methods(tested):
        _assert_same(
            getattr(tested, method)(X_tested),
            getattr(reference, method)(X_reference),
            f"{method} {what}",
        )


def _assert_parts_unchanged(estimator, X, parts, what):
    """Each output method gives the samples of each index array of ``parts``, passed
    alone, what it gives them among all of ``X``; ``what`` may name the ``{part}``."""
    for method in _methods(estimator):
        full = getattr(estimator, method)(X)
        for part in parts:
            _assert_same(
                getattr(estimator, method)(_take(X, part)),
                _take(full, part),
                f"{method} {what.format(part=part.tolist())}",
            )


def _fingerprint(estimator):
    """A hash of each attribute of ``estimator``, torch modules by their weights."""
    prints = {}
    for name, value in vars(estimator).items():
        if not isinstance(value, type) and hasattr(value, "named_parameters"):
            value = {k: v.detach().cpu().numpy() for k, v in value.state_dict().items()}
        try:
            prints[name] = joblib.hash(value)
        except Exception:  # noqa: BLE001 - joblib sorts dict items, tensors refuse
            try:
                prints[name] = hashlib.sha1(pickle.dumps(value)).hexdigest()
            except Exception:  # noqa: BLE001 - what cannot be pickled is not compared
                prints[name] = type(value).__name__
    return prints


def _read_only(X):
    """``X`` with its arrays (and the frames of its clips) made read-only."""
    if isinstance(X, Clip):
        frames = X.read()
        frames.setflags(write=False)
        return Clip.from_frames(frames, **X.metadata)
    if isinstance(X, (list, tuple)):
        return [_read_only(x) for x in X]
    X = np.array(X, copy=True)
    X.setflags(write=False)
    return X


def check_clone(estimator, X, y=None):
    """A clone has the same parameters and no fitted attribute, also of a fitted one."""
    params = joblib.hash(estimator.get_params(deep=False))
    twin = clone(estimator)
    assert joblib.hash(twin.get_params(deep=False)) == params, "clone changed the parameters"
    fresh = _fingerprint(twin)
    again = _fingerprint(clone(_fit(clone(estimator), X, y)))
    # A fresh clone may hold attributes ending in "_" (skorch's history_, initialized_):
    # the clone of a fitted estimator must hold the same, with the same values.
    left = sorted(
        k for k in again.keys() | fresh.keys() if k.endswith("_") and again.get(k) != fresh.get(k)
    )
    assert not left, f"clone of a fitted estimator keeps fitted attributes {left}"


def check_fit_returns_self_and_keeps_params(estimator, X, y=None):
    """``fit`` returns the estimator and leaves its parameters as they were."""
    estimator = clone(estimator)
    before = {k: joblib.hash(v) for k, v in estimator.get_params(deep=False).items()}
    assert _fit(estimator, X, y) is estimator, "fit does not return self"
    after = {k: joblib.hash(v) for k, v in estimator.get_params(deep=False).items()}
    changed = sorted(k for k in before if before[k] != after[k])
    assert not changed, f"fit changed the parameters {changed}"


def check_input_not_mutated(estimator, X, y=None):
    """Neither ``fit`` nor the output methods change ``X`` or ``y``."""
    estimator = clone(estimator)
    X_before, y_before = _snapshot(X), _snapshot(y)
    _fit(estimator, X, y)
    for method in _methods(estimator):
        getattr(estimator, method)(X)
    _assert_same(X, X_before, "X after fit and the output methods", exact=True)
    if y is not None:
        _assert_same(y, y_before, "y after fit", exact=True)


def check_methods_leave_estimator_unchanged(estimator, X, y=None):
    """``transform``, ``predict`` and the like change no attribute of the estimator."""
    estimator = _fit(clone(estimator), X, y)
    before = _fingerprint(estimator)
    for method in _methods(estimator):
        getattr(estimator, method)(X)
        after = _fingerprint(estimator)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        assert not changed, f"{method} changed the estimator's attributes {changed}"


def check_fit_transform_equals_fit_then_transform(estimator, X, y=None):
    """``fit_transform(X)`` gives what ``fit(X)`` then ``transform(X)`` gives."""
    if not hasattr(estimator, "fit_transform"):
        return
    one = _fit(clone(estimator), X, y).transform(X)
    two = clone(estimator).fit_transform(X) if y is None else clone(estimator).fit_transform(X, y)
    _assert_same(two, one, "fit_transform against fit then transform")


def check_sample_order_invariance(estimator, X, y=None):
    """Each output method gives every sample the same output whatever the order."""
    estimator = _fit(clone(estimator), X, y)
    order = np.arange(len(X))[::-1]
    _assert_parts_unchanged(estimator, X, [order], "on the samples in reverse order")


def check_subset_invariance(estimator, X, y=None):
    """Each output method gives a sample the same output whatever samples come along."""
    estimator = _fit(clone(estimator), X, y)
    half = max(1, len(X) // 2)
    parts = [part for part in (np.arange(half), np.arange(half, len(X))) if len(part)]
    _assert_parts_unchanged(estimator, X, parts, "on the subset {part}")


def check_pickle_round_trip(estimator, X, y=None):
    """A pickled and unpickled fitted estimator gives the same outputs."""
    estimator = _fit(clone(estimator), X, y)
    again = pickle.loads(pickle.dumps(estimator))
    _assert_same_outputs(again, X, estimator, X, "after a pickle round trip")


def check_not_fitted_error(estimator, X, y=None):
    """Unfitted, the output methods raise ``NotFittedError`` or, if stateless, just work.

    Where the tags say ``requires_fit``, every output method of an unfitted clone
    raises :class:`~sklearn.exceptions.NotFittedError`; else the methods work unfitted
    and give what a fitted estimator gives.
    """
    unfitted = clone(estimator)
    if get_tags(estimator).requires_fit:
        for method in _methods(unfitted):
            try:
                getattr(unfitted, method)(X)
            except NotFittedError:
                continue
            raise AssertionError(f"{method} before fit did not raise NotFittedError")
        return
    fitted = _fit(clone(estimator), X, y)
    _assert_same_outputs(
        unfitted, X, fitted, X, "of a stateless estimator, unfitted against fitted"
    )


def check_read_only_input(estimator, X, y=None):
    """Read-only arrays (and clips of read-only frames) are accepted, with the same outputs."""
    fitted = _fit(clone(estimator), X, y)
    locked = _read_only(X)
    on_locked = _fit(clone(estimator), locked, y)
    _assert_same_outputs(on_locked, locked, fitted, X, "on read-only input")


CHECKS = (
    check_clone,
    check_fit_returns_self_and_keeps_params,
    check_input_not_mutated,
    check_methods_leave_estimator_unchanged,
    check_fit_transform_equals_fit_then_transform,
    check_sample_order_invariance,
    check_subset_invariance,
    check_pickle_round_trip,
    check_not_fitted_error,
    check_read_only_input,
)

_X_Y = """X : list of Clip, array-like or list of arrays
        A few samples the estimator takes (keep them small).
    y : array-like or None, default=None
        Their labels, for supervised estimators."""
_CHECK_PARAMETERS = f"""

    Parameters
    ----------
    estimator : estimator instance
        Left unchanged: the check works on clones.
    {_X_Y}

    Raises
    ------
    AssertionError
        When the estimator breaks the rule, with a message that says how.
    """
# The checks share their signature; its documentation is written once, here.
for _check in CHECKS:
    _check.__doc__ = _check.__doc__.rstrip() + _CHECK_PARAMETERS


@Substitution(X_y=_X_Y)
def yield_checks(estimator, X, y=None):
    """Each check of :data:`CHECKS`, bound to ``X`` and ``y``: call it with the estimator.

    Parameters
    ----------
    estimator : estimator instance
    %(X_y)s

    Yields
    ------
    check : callable
        ``check(estimator)``; its ``func.__name__`` names it.
    """
    for check in CHECKS:
        yield partial(check, X=X, y=y)


@Substitution(X_y=_X_Y)
def check_estimator(estimator, X, y=None, *, expected_failed_checks=None):
    """Run every check on ``estimator`` with the data ``X`` (and ``y``).

    Parameters
    ----------
    estimator : estimator instance
        Left unchanged: each check works on clones.
    %(X_y)s
    expected_failed_checks : dict of str to str, default=None
        Names of checks expected to fail, with the reason; they are run and a
        warning is given when one passes.

    Returns
    -------
    passed : list of str
        Names of the checks run and passed.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.preprocessing import ImageResizer
    >>> from saatkit.utils.estimator_checks import check_estimator
    >>> images = np.random.default_rng(0).integers(0, 256, (4, 8, 8), dtype=np.uint8)
    >>> len(check_estimator(ImageResizer(output_size=4), images))
    10
    """
    expected = expected_failed_checks or {}
    passed = []
    for check in yield_checks(estimator, X, y):
        name = check.func.__name__
        try:
            check(estimator)
        except Exception:
            if name in expected:
                continue
            raise
        if name in expected:
            warnings.warn(
                f"{name} passed although expected to fail: {expected[name]}", stacklevel=2
            )
        passed.append(name)
    return passed


def _case_id(estimator):
    """The estimator's repr on one line; its class name where the repr is a skorch one."""
    text = "".join(repr(estimator).split())
    return type(estimator).__name__ if text.startswith("<") else text


def parametrize_with_checks(cases, *, expected_failed_checks=None):
    """A ``pytest.mark.parametrize`` over every check of every case.

    Parameters
    ----------
    cases : list of (estimator, X, y)
        The estimators with a few samples each (``y`` None when unsupervised).
    expected_failed_checks : callable, default=None
        ``expected_failed_checks(estimator)`` gives a dict of check name to reason;
        those checks are marked ``xfail`` with the reason.

    Returns
    -------
    decorator
        Parametrizes ``estimator`` and ``check``; the test calls ``check(estimator)``.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.preprocessing import ImageResizer
    >>> from saatkit.utils.estimator_checks import parametrize_with_checks
    >>> images = np.zeros((4, 8, 8), dtype=np.uint8)
    >>> @parametrize_with_checks([(ImageResizer(output_size=4), images, None)])
    ... def test_saatkit_contract(estimator, check):
    ...     check(estimator)
    """
    import pytest

    params = []
    for estimator, X, y in cases:
        expected = expected_failed_checks(estimator) if expected_failed_checks else {}
        for check in yield_checks(estimator, X, y):
            name = check.func.__name__
            marks = (
                [pytest.mark.xfail(reason=expected[name], strict=True)] if name in expected else []
            )
            params.append(
                pytest.param(estimator, check, marks=marks, id=f"{_case_id(estimator)}-{name}")
            )
    return pytest.mark.parametrize("estimator, check", params)
