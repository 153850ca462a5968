import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, cross_val_predict

from saatkit.datasets import Clip
from saatkit.metrics import uar_score, uf1_score
from saatkit.protocol import evaluate_holdout_database, evaluate_loso


class SubjectSpy(ClassifierMixin, BaseEstimator):
    """Predicts the majority class and fails if it sees a clip of a held-out subject."""

    def fit(self, X, y):
        self.subjects_ = {clip.subject for clip in X}
        values, counts = np.unique(y, return_counts=True)
        self.majority_ = values[np.argmax(counts)]
        return self

    def predict(self, X):
        seen = {clip.subject for clip in X} & self.subjects_
        if seen:
            raise AssertionError(f"trained on held-out subjects {seen}")
        return np.full(len(X), self.majority_)


def make_clips(n_per_subject=3):
    rng = np.random.default_rng(0)
    clips, y = [], []
    for db, subjects in (
        ("smic", ["s01", "s02"]),
        ("casme2", ["sub01", "sub02", "sub03"]),
        ("samm", ["006", "007"]),
    ):
        for subject in subjects:
            for k in range(n_per_subject):
                frames = rng.integers(0, 255, (2, 4, 4), dtype=np.uint8)
                clips.append(
                    Clip.from_frames(
                        frames, database=db, subject=f"{db}/{subject}", name=f"{subject}_{k}"
                    )
                )
                y.append(int(rng.integers(0, 3)))
    return clips, np.array(y)


def test_one_fold_per_subject_and_no_leak():
    clips, y = make_clips()
    groups = [clip.subject for clip in clips]
    result = evaluate_loso(SubjectSpy(), clips, y, groups)
    assert result.n_folds == 7
    assert set(result.database) == {"smic", "casme2", "samm"}


def test_spy_would_catch_a_leak():
    clips, y = make_clips()
    spy = SubjectSpy().fit(clips, y)
    with pytest.raises(AssertionError):
        spy.predict(clips[:1])


def feature_data():
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(9), 6)
    y = rng.integers(0, 3, len(groups))
    X = rng.normal(size=(len(groups), 5)) + y[:, None]
    database = np.array(["smic", "casme2", "samm"])[groups % 3]
    return X, y, groups, database


def test_pooled_predictions_match_sklearn_and_tables_add_up():
    X, y, groups, database = feature_data()
    result = evaluate_loso(LogisticRegression(), X, y, groups, database=database)
    expected = cross_val_predict(LogisticRegression(), X, y, groups=groups, cv=LeaveOneGroupOut())
    np.testing.assert_array_equal(result.y_pred, expected)
    scores = result.scores()
    assert list(scores.index) == ["Full", "SMIC", "CASME II", "SAMM"]
    assert scores.loc["Full", "UF1"] == pytest.approx(uf1_score(y, expected))
    for name, db in (("SMIC", "smic"), ("CASME II", "casme2"), ("SAMM", "samm")):
        mask = database == db
        assert scores.loc[name, "UAR"] == pytest.approx(uar_score(y[mask], expected[mask]))
    assert scores.loc[["SMIC", "CASME II", "SAMM"], "n"].sum() == scores.loc["Full", "n"]
    matrices = result.confusion_matrices()
    np.testing.assert_array_equal(
        matrices["Full"], matrices["SMIC"] + matrices["CASME II"] + matrices["SAMM"]
    )
    assert "| LR |" in result.table("LR")


def test_mean_of_folds_differs_from_pooled():
    X, y, groups, database = feature_data()
    result = evaluate_loso(LogisticRegression(), X, y, groups, database=database)
    assert result.fold_scores()["UF1"].mean() != pytest.approx(result.uf1)


def test_parallel_equals_serial():
    X, y, groups, database = feature_data()
    serial = evaluate_loso(LogisticRegression(), X, y, groups)
    parallel = evaluate_loso(LogisticRegression(), X, y, groups, n_jobs=2)
    np.testing.assert_array_equal(serial.y_pred, parallel.y_pred)


class KilledAtSubject(LogisticRegression):
    """Dies while the kill-switch file exists and the fold holds out the marked subject.

    The last column of X marks that subject; the switch lets the same estimator, with the
    same parameters, die in one run and finish in the next, as a killed process would.
    """

    def __init__(self, kill_switch=None, C=1.0):
        super().__init__(C=C)
        self.kill_switch = kill_switch

    def fit(self, X, y):
        holds_out_marked = not np.any(X[:, -1] == 1.0)
        if holds_out_marked and self.kill_switch is not None and self.kill_switch.exists():
            raise RuntimeError("killed")
        return super().fit(X[:, :-1], y)

    def predict(self, X):
        return super().predict(X[:, :-1])


def test_killed_run_resumes_with_identical_predictions(tmp_path):
    X, y, groups, _ = feature_data()
    Xm = np.hstack([X, (groups == 4).astype(float)[:, None]])
    switch = tmp_path / "kill"
    estimator = KilledAtSubject(kill_switch=switch)
    reference = evaluate_loso(estimator, Xm, y, groups)
    switch.touch()
    with pytest.raises(RuntimeError, match="killed"):
        evaluate_loso(estimator, Xm, y, groups, checkpoint=tmp_path / "run")
    finished = sorted(p.name for p in (tmp_path / "run").glob("fold-*.npz"))
    assert finished == [f"fold-{k:04d}.npz" for k in range(4)]
    switch.unlink()
    resumed = evaluate_loso(estimator, Xm, y, groups, checkpoint=tmp_path / "run")
    np.testing.assert_array_equal(resumed.y_pred, reference.y_pred)
    assert resumed.uf1 == reference.uf1
    # Another estimator must not reuse these folds: they are recomputed.
    with pytest.warns(UserWarning, match="different run"):
        other = evaluate_loso(LogisticRegression(), Xm, y, groups, checkpoint=tmp_path / "run")
    fresh = evaluate_loso(LogisticRegression(), Xm, y, groups)
    np.testing.assert_array_equal(other.y_pred, fresh.y_pred)


def test_checkpoint_skips_finished_folds(tmp_path):
    X, y, groups, _ = feature_data()
    first = evaluate_loso(LogisticRegression(), X, y, groups, checkpoint=tmp_path)
    # Tamper with one saved fold: a resumed run must take it from disk, not refit.
    path = tmp_path / "fold-0000.npz"
    with np.load(path) as saved:
        test, y_pred, fingerprint = saved["test"], saved["y_pred"], saved["fingerprint"]
    np.savez(path, test=test, y_pred=(y_pred + 1) % 3, fingerprint=fingerprint)
    second = evaluate_loso(LogisticRegression(), X, y, groups, checkpoint=tmp_path)
    np.testing.assert_array_equal(second.y_pred[test], (first.y_pred[test] + 1) % 3)
    others = np.setdiff1d(np.arange(len(y)), test)
    np.testing.assert_array_equal(second.y_pred[others], first.y_pred[others])


def test_holdout_database_has_one_fold_per_database():
    X, y, groups, database = feature_data()
    result = evaluate_holdout_database(LogisticRegression(), X, y, database=database)
    assert result.n_folds == 3


def test_log_and_figure(tmp_path):
    clips, y = make_clips()
    result = evaluate_loso(SubjectSpy(), clips, y, [c.subject for c in clips])
    result.write_log(tmp_path / "log.txt")
    first = (tmp_path / "log.txt").read_text().splitlines()[0]
    assert first in {"smic s01", "smic s02"}
    figure = result.plot_confusion_matrices()
    assert len(figure.axes) == 4
    assert result.to_dict()["scores"]["Full"]["n"] == len(y)


def test_bad_input_is_reported():
    X, y, groups, _ = feature_data()
    with pytest.raises(ValueError, match="same length"):
        evaluate_loso(LogisticRegression(), X, y[:-1], groups)
    with pytest.raises(ValueError, match="at least two"):
        evaluate_loso(LogisticRegression(), X, y, np.zeros(len(y)))


def test_folds_are_leave_one_group_out_in_its_order(tmp_path):
    # Fold k of a checkpoint holds the k-th test set of LeaveOneGroupOut, so a run
    # resumed from an older checkpoint folder gets the same folds back.
    X, y, groups, _ = feature_data()
    groups = np.array(list("cabfedhgi"))[groups]
    evaluate_loso(LogisticRegression(), X, y, groups, checkpoint=tmp_path)
    expected = [test for _, test in LeaveOneGroupOut().split(X, y, groups)]
    saved = [np.load(tmp_path / f"fold-{k:04d}.npz")["test"] for k in range(len(expected))]
    assert len(expected) == 9 and not (tmp_path / "fold-0009.npz").exists()
    for got, want in zip(saved, expected):
        np.testing.assert_array_equal(got, want)
