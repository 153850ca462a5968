"""UF1, UAR and WAR exactly as the MEGC 2019 guideline defines them."""

import numpy as np
from sklearn.metrics import f1_score, make_scorer, recall_score
from sklearn.metrics import get_scorer as sklearn_get_scorer
from sklearn.utils.validation import column_or_1d

from ..clips import MEGC_LABELS
from ..utils import Substitution

# Docstring pieces of the metrics, substituted by name.
_DOCS = {
    "y": """y_true, y_pred : array-like of shape (n_samples,)
        True and predicted classes.""",
    "labels": """labels : array-like, default=None
        The classes, in order; the three MEGC classes ``(0, 1, 2)`` when None. Every
        class in ``labels`` counts, also one absent from ``y_true`` and ``y_pred`` (it
        scores 0), so that scores of subsets stay comparable. A label of ``y_true`` or
        ``y_pred`` outside ``labels`` is an error (``["neg", "pos"]`` needs
        ``labels=["neg", "pos", "sur"]``).""",
    "score": """score : float
        Between 0 and 1.""",
}


def _check_pair(y_true, y_pred):
    y_true = column_or_1d(y_true)
    y_pred = column_or_1d(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred have different lengths ({len(y_true)} and {len(y_pred)})."
        )
    if len(y_true) == 0:
        raise ValueError("y_true and y_pred are empty: a score of no prediction is undefined.")
    return y_true, y_pred


def _check_labels(y_true, y_pred, labels):
    """The class set; a label outside it is an error, never a silent zero."""
    default = labels is None
    labels = np.asarray(MEGC_LABELS if default else labels)
    if labels.ndim != 1 or len(labels) == 0:
        raise ValueError(f"labels must be a non-empty 1-D list of classes, got {labels!r}.")
    known = set(labels.tolist())
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        unknown = sorted({v for v in np.unique(y).tolist() if v not in known}, key=str)
        if unknown:
            declared = (
                "the MEGC classes (0, 1, 2) = (negative, positive, surprise)"
                if default
                else f"labels {labels.tolist()}"
            )
            raise ValueError(
                f"{name} holds {unknown}, which are not among {declared}; "
                "pass labels= with the classes of your encoding."
            )
    return labels


def _score(metric, y_true, y_pred, labels, average):
    """scikit-learn's ``metric`` over the declared labels, once they are checked."""
    y_true, y_pred = _check_pair(y_true, y_pred)
    labels = _check_labels(y_true, y_pred, labels)
    return metric(y_true, y_pred, labels=labels, average=average, zero_division=0)


_DOCS["averaged"] = """Parameters
    ----------
    {y}
    {labels}

    Returns
    -------
    {score}""".format(**_DOCS)

_PER_CLASS = """``sklearn.metrics.{function}`` with ``average=None`` and ``zero_division=0`` (a
    class with no true sample{also} scores 0), over the declared ``labels``.

    Parameters
    ----------
    {y}
    {labels}

    Returns
    -------
    scores : ndarray of shape (n_labels,)
        One score per class of ``labels``, in its order."""


@Substitution(per_class=_PER_CLASS.format(function="f1_score", also=" and no prediction", **_DOCS))
def f1_per_class(y_true, y_pred, *, labels=None):
    """Per-class F1 = 2TP / (2TP + FP + FN), in the order of ``labels``.

    %(per_class)s
    """
    return _score(f1_score, y_true, y_pred, labels, average=None)


@Substitution(per_class=_PER_CLASS.format(function="recall_score", also="", **_DOCS))
def recall_per_class(y_true, y_pred, *, labels=None):
    """Per-class recall (the guideline's Acc_c) = TP / n_c, in the order of ``labels``.

    %(per_class)s
    """
    return _score(recall_score, y_true, y_pred, labels, average=None)


@Substitution(**_DOCS)
def uf1_score(y_true, y_pred, *, labels=None):
    """Unweighted F1 (macro F1) over a fixed label set.

    %(averaged)s

    Notes
    -----
    .. math:: F1_c = \\frac{2 TP_c}{2 TP_c + FP_c + FN_c}, \\qquad
              UF1 = \\frac{1}{C} \\sum_c F1_c

    With predictions pooled over all LOSO folds, the sums over folds in the MEGC 2019
    guideline are the counts over the pooled predictions. It is computed by
    ``sklearn.metrics.f1_score(y_true, y_pred, average="macro", labels=labels,
    zero_division=0)``, after the check that no label lies outside ``labels`` (which
    scikit-learn would quietly leave out).

    Examples
    --------
    >>> from saatkit.metrics import uf1_score
    >>> round(uf1_score([0, 0, 1, 2], [0, 1, 1, 2]), 4)
    0.7778
    """
    return float(_score(f1_score, y_true, y_pred, labels, average="macro"))


@Substitution(**_DOCS)
def uar_score(y_true, y_pred, *, labels=None):
    """Unweighted average recall (balanced accuracy) over a fixed label set.

    %(averaged)s

    Notes
    -----
    .. math:: UAR = \\frac{1}{C} \\sum_c \\frac{TP_c}{n_c}

    It is computed by ``sklearn.metrics.recall_score(y_true, y_pred, average="macro",
    labels=labels, zero_division=0)``. Unlike ``sklearn.metrics.balanced_accuracy_score``,
    which averages only over the classes present in ``y_true``, the label set is fixed.

    Examples
    --------
    >>> from saatkit.metrics import uar_score
    >>> uar_score([0, 0, 1], [0, 1, 1])  # surprise (2) is a class: its recall 0 counts
    0.5
    """
    return float(_score(recall_score, y_true, y_pred, labels, average="macro"))


@Substitution(**_DOCS)
def war_score(y_true, y_pred):
    """Weighted average recall: the plain accuracy, as in the paper's Table 2.

    Parameters
    ----------
    %(y)s

    Returns
    -------
    %(score)s

    Examples
    --------
    >>> from saatkit.metrics import war_score
    >>> war_score([0, 0, 1, 2], [0, 1, 1, 2])
    0.75
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


_SCORER_DOC = """Per-fold {name} scorer, for ``scoring={{"{key}": {key}_scorer}}``.

The MEGC classes ``(0, 1, 2)``; for another encoding make one with
``make_scorer({key}_score, labels=[...])``. The mean of per-fold scores is **not** the
MEGC figure, which is computed once on the predictions pooled over all folds: use
:func:`saatkit.protocol.evaluate_loso` for that.

Parameters
----------
estimator : estimator
    A fitted classifier.
X : array-like or list of Clip
    The fold's samples.
y_true : array-like of shape (n_samples,)
    Their classes.
sample_weight : None
    Not taken: the MEGC metrics weigh every sample alike.
**kwargs
    Passed to the estimator's ``predict``, as ``make_scorer`` does.

Returns
-------
score : float
    {name} of the fold's predictions.
"""
uf1_scorer = make_scorer(uf1_score)
uf1_scorer.__doc__ = _SCORER_DOC.format(name="UF1", key="uf1")
uar_scorer = make_scorer(uar_score)
uar_scorer.__doc__ = _SCORER_DOC.format(name="UAR", key="uar")
war_scorer = make_scorer(war_score)
war_scorer.__doc__ = _SCORER_DOC.format(name="WAR (accuracy)", key="war").replace(
    "\nThe MEGC classes ``(0, 1, 2)``; for another encoding make one with\n"
    "``make_scorer(war_score, labels=[...])``. ",
    "\n",
)

SCORERS = {"uf1": uf1_scorer, "uar": uar_scorer, "war": war_scorer}
"""dict: the scorers :func:`get_scorer` knows by name besides scikit-learn's."""


def get_scorer(scoring):
    """A scorer by name: ``"uf1"``, ``"uar"``, ``"war"`` or any of scikit-learn's.

    scikit-learn looks up string ``scoring`` values in its own registry only, which
    takes no additions; pass the scorer this returns (or a dict of them) as
    ``scoring=`` to ``cross_validate``, ``GridSearchCV`` and the like.

    Parameters
    ----------
    scoring : str or callable
        ``"uf1"``, ``"uar"`` or ``"war"`` (the MEGC metrics over the classes
        ``(0, 1, 2)``), a name ``sklearn.metrics.get_scorer`` knows, or a scorer,
        returned as it is.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``, greater is better.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.model_selection import cross_validate
    >>> from saatkit.metrics import get_scorer
    >>> X, y = [[0]] * 6, [0, 1, 2, 0, 1, 2]
    >>> scores = cross_validate(DummyClassifier(), X, y, cv=2,
    ...                         scoring={"uf1": get_scorer("uf1"), "uar": get_scorer("uar")})
    >>> scores["test_uar"].round(4).tolist()
    [0.3333, 0.3333]
    """
    if isinstance(scoring, str) and scoring in SCORERS:
        return SCORERS[scoring]
    return sklearn_get_scorer(scoring)
