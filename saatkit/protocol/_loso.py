"""Leave-one-subject-out evaluation with predictions pooled over all folds."""

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.utils.validation import column_or_1d
from tqdm.auto import tqdm

from ..clips import Clip
from ..utils import Substitution, release_memory, thread_limit
from ._checkpoint import Checkpoint
from ._fingerprint import content_hash
from ._result import LOSOResult

_DATA = """estimator : estimator
        Anything with ``fit`` and ``predict``, for example a Pipeline from clips to labels.
    X : list of Clip or array-like of shape (n_samples, ...)
        Samples.
    y : array-like of shape (n_samples,)
        Classes."""


def _rows(X, indices):
    """The samples ``indices`` of ``X``: a list (of clips), an array, a sparse matrix or a
    DataFrame, as the same kind of container."""
    if hasattr(X, "iloc"):
        return X.iloc[indices]
    if hasattr(X, "shape"):
        return X[indices]
    return [X[i] for i in indices]


def _fit_predict(estimator, X, y, train, test, n_threads):
    with thread_limit(n_threads):
        model = clone(estimator)
        model.fit(_rows(X, train), y[train])
        y_pred = np.asarray(model.predict(_rows(X, test)))
    # A worker that keeps a fold's freed training memory grows from fold to fold, and
    # joblib replaces a worker that grew by 300 MB: a new process and its imports.
    del model
    release_memory()
    return y_pred


def _clip_attribute(X, attribute, what):
    values = [getattr(clip, attribute) for clip in X]
    if any(v is None for v in values):
        raise ValueError(f"Some clips have no {attribute}; pass {what}= explicitly.")
    return np.asarray(values, dtype=object).astype(str)


def _fingerprint(estimator, X, y, groups):
    clips = len(X) > 0 and isinstance(X[0], Clip)
    data = [clip.key for clip in X] if clips else content_hash(X)
    return content_hash([estimator, data, np.asarray(y).tolist(), np.asarray(groups).tolist()])


@Substitution(data=_DATA)
def evaluate_loso(
    estimator,
    X,
    y,
    groups,
    *,
    database=None,
    subjects=None,
    names=None,
    labels=None,
    target_names=None,
    n_jobs=None,
    n_threads=1,
    checkpoint=None,
    progress=False,
    verbose=0,
):
    """Evaluate an estimator under leave-one-subject-out, pooling predictions.

    This is the MEGC 2019 Composite Database Evaluation: one fold per subject (the folds
    of ``sklearn.model_selection.LeaveOneGroupOut``), each fold trains a clone of
    ``estimator`` on every other subject and predicts the held-out one; UF1 and UAR are
    then computed **once**, on the predictions pooled over all folds, for the whole
    composite and for each database (the same pooled predictions restricted to it). The
    mean of per-fold scores, which ``sklearn.model_selection.cross_validate`` returns,
    is a different and lower number, and is not what MEGC 2019 or the papers that follow
    it report.

    The held-out subject is only ever predicted, once, by a model fitted without it: no
    epoch, checkpoint or setting is chosen on its labels. (Many released codes keep, per
    subject, the epoch that scores best on that subject's test labels, which inflates UF1
    on the composite by 0.06 to 0.14.) An estimator that stops early must split its
    validation data from the training subjects itself.

    Parameters
    ----------
    %(data)s
    groups : array-like of shape (n_samples,)
        The fold of each sample: subjects for LOSO (unique across databases), databases
        for the Holdout-Database Evaluation.
    database : array-like of shape (n_samples,), default=None
        Database of each sample, for the per-database figures; taken from the clips when
        ``X`` holds clips, else one database "all".
    subjects, names : array-like of shape (n_samples,), default=None
        Subject and clip name of each sample, for the MEGC log; taken from the clips when
        ``X`` holds clips, else ``groups`` and the sample index.
    labels : array-like, default=None
        The class set of the metrics; ``(0, 1, 2)`` when None.
    target_names : list of str, default=None
        Class names for tables and figures.
    n_jobs : int, default=None
        Folds run in parallel through joblib; ``joblib.parallel_config(backend="dask")``
        spreads them over a dask cluster. Results do not depend on ``n_jobs``: every
        fold fits its own clone with the estimator's own seed, with ``n_threads``
        threads.
    n_threads : int or None, default=1
        Threads each fold may use in BLAS, OpenMP, torch and OpenCV
        (:func:`saatkit.utils.thread_limit`). Numerical libraries sum in
        another order with another number of threads, so a fixed number keeps the
        predictions identical whatever ``n_jobs`` is; parallelism comes from running
        folds side by side. None leaves the libraries' own settings.
    checkpoint : str or Path, default=None
        Folder where each fold's predictions are written, atomically, as the fold
        finishes. Calling again with the same folder, estimator and data skips the
        finished folds, so a run that dies can be resumed with identical results. A
        fold file of another run (another estimator, other parameters or data) or a
        damaged one is recomputed with a warning.
    progress : bool or str, default=False
        Show a progress bar over the folds; a string is its label.
    verbose : int, default=0
        Verbosity of joblib.

    Returns
    -------
    result : LOSOResult
        Pooled predictions with UF1/UAR tables, confusion matrices and the MEGC log.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from saatkit.protocol import evaluate_loso
    >>> X = np.zeros((6, 1)); y = np.array([0, 1, 2, 0, 1, 2])
    >>> always_negative = DummyClassifier(strategy="constant", constant=0)
    >>> result = evaluate_loso(always_negative, X, y, groups=["a", "a", "b", "b", "c", "c"])
    >>> result.n_folds, round(result.uar, 4)
    (3, 0.3333)
    """
    if not hasattr(X, "__len__") or isinstance(X, (str, bytes)):
        raise TypeError(f"X must be a list of clips or an array, got {type(X).__name__}.")
    y = column_or_1d(y)
    groups = column_or_1d(np.asarray(groups, dtype=object)).astype(str)
    n = len(X)
    if len(y) != n or len(groups) != n:
        raise ValueError(
            f"X, y and groups must have the same length, got {n}, {len(y)} and {len(groups)}."
        )
    database, subjects, names = _describe_samples(X, groups, database, subjects, names)
    if len(np.unique(groups)) < 2:
        raise ValueError("groups must hold at least two subjects for leave-one-subject-out.")
    # One fold per group, in sorted group order: fold k of a checkpoint is always the
    # same subject.
    folds = list(LeaveOneGroupOut().split(X, y, groups))
    store = None
    if checkpoint is not None:
        store = Checkpoint(checkpoint, _fingerprint(estimator, X, y, groups))
    y_pred = _pooled_predictions(
        estimator,
        X,
        y,
        folds,
        store,
        n_jobs=n_jobs,
        n_threads=n_threads,
        progress=progress,
        verbose=verbose,
    )
    return LOSOResult(
        y_true=y,
        y_pred=y_pred,
        groups=groups,
        database=np.asarray(database).astype(str),
        subjects=np.asarray(subjects).astype(str),
        names=np.asarray(names).astype(str),
        labels=labels,
        target_names=target_names,
    )


def _describe_samples(X, groups, database, subjects, names):
    """Database, subject and clip name of each sample: as given, else from the clips,
    else defaults (one database "all", the groups, the sample index)."""
    n = len(X)
    clips = n > 0 and isinstance(X[0], Clip)
    if database is None:
        database = _clip_attribute(X, "database", "database") if clips else np.full(n, "all")
    if subjects is None:
        subjects = _clip_attribute(X, "subject", "subjects") if clips else groups
    if names is None:
        names = _clip_attribute(X, "name", "names") if clips else np.arange(n).astype(str)
    for label, values in (("database", database), ("subjects", subjects), ("names", names)):
        if len(values) != n:
            raise ValueError(f"{label} has {len(values)} entries, expected {n}.")
    return database, subjects, names


def _pooled_predictions(estimator, X, y, folds, store, *, n_jobs, n_threads, progress, verbose):
    """Each sample's prediction by the fold that holds it out: read from the checkpoint
    ``store`` where a fold is saved there, else fitted (and saved as it finishes)."""
    y_pred = np.empty(len(y), dtype=y.dtype)
    todo = []
    for k, (_, test) in enumerate(folds):
        saved = store.load(k, test, y.dtype) if store is not None else None
        if saved is None:
            todo.append(k)
        else:
            y_pred[test] = saved

    def run(k):
        train, test = folds[k]
        return k, _fit_predict(estimator, X, y, train, test, n_threads)

    tasks = (delayed(run)(k) for k in todo)
    finished = Parallel(n_jobs=n_jobs, verbose=verbose, return_as="generator_unordered")(tasks)
    with tqdm(
        total=len(folds),
        initial=len(folds) - len(todo),
        unit="fold",
        desc=progress if isinstance(progress, str) else "LOSO",
        disable=not progress,
    ) as bar:
        for k, fold_pred in finished:
            test = folds[k][1]
            y_pred[test] = fold_pred
            if store is not None:
                store.save(k, test, fold_pred)
            bar.update()
    return y_pred


@Substitution(data=_DATA)
def evaluate_holdout_database(estimator, X, y, database=None, **kwargs):
    """Holdout-Database Evaluation (MEGC 2018): train on the other databases.

    Each fold holds out one whole database and trains on the rest; predictions are
    pooled as in :func:`evaluate_loso`, whose parameters this takes.

    Parameters
    ----------
    %(data)s
    database : array-like of shape (n_samples,), default=None
        Database of each sample; taken from the clips when None.
    **kwargs
        Passed to :func:`evaluate_loso`.

    Returns
    -------
    result : LOSOResult
        Pooled predictions, one fold per database.
    """
    if database is None:
        if not (len(X) and isinstance(X[0], Clip)):
            raise ValueError("database= is required when X does not hold clips.")
        database = _clip_attribute(X, "database", "database")
    return evaluate_loso(estimator, X, y, groups=database, database=database, **kwargs)
