import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import make_scorer
from sklearn.model_selection import GridSearchCV, LeaveOneGroupOut, cross_validate

from saatkit.metrics import (
    SCORERS,
    get_scorer,
    uar_score,
    uar_scorer,
    uf1_score,
    uf1_scorer,
    war_score,
)


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(36, 3))
    y = np.tile([0, 1, 2], 12)
    X[:, 0] += y
    return X, y, np.repeat(np.arange(6), 6)


def test_scorers_by_name_score_each_fold_like_the_metrics():
    X, y, groups = _data()
    scores = cross_validate(
        LogisticRegression(),
        X,
        y,
        groups=groups,
        cv=LeaveOneGroupOut(),
        scoring={"uf1": get_scorer("uf1"), "uar": uar_scorer, "war": get_scorer("war")},
        return_estimator=True,
        return_indices=True,
    )
    for k, model in enumerate(scores["estimator"]):
        test = scores["indices"]["test"][k]
        pred = model.predict(X[test])
        assert scores["test_uf1"][k] == uf1_score(y[test], pred)
        assert scores["test_uar"][k] == uar_score(y[test], pred)
        assert scores["test_war"][k] == war_score(y[test], pred)


def test_get_scorer_knows_saatkit_and_sklearn_names():
    assert get_scorer("uf1") is uf1_scorer and get_scorer("uar") is uar_scorer
    assert set(SCORERS) == {"uf1", "uar", "war"}
    X, y, _ = _data()
    model = DummyClassifier(strategy="most_frequent").fit(X, y)
    assert get_scorer("accuracy")(model, X, y) == pytest.approx(1 / 3)
    assert get_scorer(uf1_scorer) is uf1_scorer
    with pytest.raises(ValueError, match="not a valid scoring value"):
        get_scorer("uf2")


def test_a_scorer_in_grid_search_and_with_other_labels():
    X, y, groups = _data()
    search = GridSearchCV(
        LogisticRegression(), {"C": [0.01, 1.0]}, cv=LeaveOneGroupOut(), scoring=get_scorer("uf1")
    ).fit(X, y, groups=groups)
    assert 0 <= search.best_score_ <= 1
    names = np.array(["neg", "pos", "sur"])[y]
    with pytest.raises(ValueError, match="not among the MEGC classes"):
        uf1_scorer(LogisticRegression().fit(X, names), X, names)
    scorer = make_scorer(uf1_score, labels=["neg", "pos", "sur"])
    assert scorer(LogisticRegression().fit(X, names), X, names) > 0.5
