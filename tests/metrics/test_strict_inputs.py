import numpy as np
import pytest

from saatkit.metrics import (
    read_megc_log,
    recall_per_class,
    uar_score,
    uf1_score,
    war_score,
    write_megc_log,
)


@pytest.mark.parametrize("score", [uf1_score, uar_score, recall_per_class])
def test_labels_outside_the_declared_classes_are_an_error(score):
    names = ["neg", "pos", "sur"]
    with pytest.raises(
        ValueError,
        match=r"y_true holds \['neg', 'pos', 'sur'\], which are not "
        r"among the MEGC classes.*pass labels=",
    ):
        score(names, names)
    with pytest.raises(ValueError, match=r"y_true holds \[3\]"):
        score([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match=r"y_pred holds \[7\], which are not among labels"):
        score([1, 2], [1, 7], labels=[1, 2, 3])


def test_other_encodings_score_with_labels():
    names = ["neg", "pos", "sur"]
    assert uf1_score(names, names, labels=names) == 1.0
    assert uar_score([1, 2, 3], [1, 2, 3], labels=[1, 2, 3]) == 1.0


@pytest.mark.parametrize("score", [uf1_score, uar_score, war_score])
def test_empty_input_is_an_error(score):
    with pytest.raises(ValueError, match="empty"):
        score([], [])


def test_writer_takes_integer_labels_only(tmp_path):
    args = (["casme2"], ["sub01"], ["EP02_01f"])
    for bad in (1.7, "1", True):
        with pytest.raises(TypeError, match="EP02_01f.*integer labels only"):
            write_megc_log(tmp_path / "log.txt", *args, [bad], [1])
    with pytest.raises(ValueError, match="no predictions"):
        write_megc_log(tmp_path / "log.txt", [], [], [], [], [])
    write_megc_log(tmp_path / "log.txt", *args, np.array([1]), np.array([2], dtype=np.int8))
    assert read_megc_log(tmp_path / "log.txt").y_pred.tolist() == [2]


@pytest.mark.parametrize(
    "text, match",
    [
        (
            "casme2 sub01\nEP02_01f 1 1\nEP19_05f 0\nEP03_02 2 2\n",
            r"line 3: 'EP19_05f 0' is a clip line without its prediction",
        ),
        (
            "casme2 sub01\nEP02_01f 1 1\nEP19_05f x\nEP03_02 2 2\n",
            r"line 3: 'EP19_05f x' is a clip line without its prediction",
        ),
        ("casme2 sub01\nEP02_01f 1 x\n", "line 2: labels must be non-negative integers"),
        ("casme2 sub01\nEP02_01f 1 1.0\n", "line 2: labels must be non-negative integers"),
        ("casme2 sub01\nEP02_01f 1 -1\n", "line 2: labels must be non-negative integers"),
        ("EP02_01f 1 1\n", "line 1: a prediction before any"),
        (
            "casme2 sub01\ncasme2 sub02\nEP02_01f 1 1\n",
            r"line 2: fold casme2 sub01 \(line 1\) has no clip",
        ),
        ("casme2 sub01\nEP02_01f 1 1\nsamm 006\n", "line 3: fold samm 006 has no clip"),
        ("casme2 sub01\nEP02_01f 1 1\nEP02_01f 1 2\n", "line 3: clip EP02_01f is listed twice"),
        ("casme2 sub01\nEP02_01f 1 1 0\n", "line 2: expected 'database subject'"),
    ],
)
def test_reader_is_strict_and_names_the_line(tmp_path, text, match):
    path = tmp_path / "log.txt"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        read_megc_log(path)


def test_reader_takes_numeric_subjects_and_any_first_database(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text("samm 006\r\n006_1_2 0 0\r\n\r\nsamm 007\n007_3_1 1 2  \n")
    log = read_megc_log(path)
    assert log.subject.tolist() == ["006", "007"] and log.y_pred.tolist() == [0, 2]
    # A database of the first header is a database for the later ones.
    path.write_text("all 3\nx 0 1\nall 4\ny 1 1\n")
    assert read_megc_log(path).subject.tolist() == ["3", "4"]


def test_per_class_scores_are_sklearn_over_the_declared_labels():
    from sklearn.metrics import f1_score, recall_score

    from saatkit.metrics import f1_per_class

    y_true, y_pred = ["b", "a", "a", "c"], ["b", "a", "c", "c"]
    labels = ["a", "b", "c", "d"]
    np.testing.assert_array_equal(
        f1_per_class(y_true, y_pred, labels=labels),
        f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0),
    )
    np.testing.assert_array_equal(
        recall_per_class(y_true, y_pred, labels=labels),
        recall_score(y_true, y_pred, labels=labels, average=None, zero_division=0),
    )
    # The absent class "d" scores 0 and still counts in the mean.
    assert uf1_score(y_true, y_pred, labels=labels) == pytest.approx((2 / 3 + 1 + 2 / 3 + 0) / 4)
