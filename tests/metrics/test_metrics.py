from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score, recall_score

from saatkit.metrics import (
    read_megc_log,
    uar_score,
    uf1_score,
    war_score,
    write_megc_log,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def test_hand_worked_example():
    y_true = [0, 0, 0, 1, 1, 2]
    y_pred = [0, 0, 1, 1, 2, 2]
    # Negative: TP 2 FP 0 FN 1 -> F1 4/5, recall 2/3; positive: TP 1 FP 1 FN 1 -> 1/2, 1/2;
    # surprise: TP 1 FP 1 FN 0 -> 2/3, 1.
    assert uf1_score(y_true, y_pred) == pytest.approx((4 / 5 + 1 / 2 + 2 / 3) / 3)
    assert uar_score(y_true, y_pred) == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)
    assert war_score(y_true, y_pred) == pytest.approx(4 / 6)


def test_absent_class_counts_as_zero():
    # A subset with no surprise clip and no surprise prediction still averages over 3.
    y_true, y_pred = [0, 0, 1], [0, 0, 1]
    assert uf1_score(y_true, y_pred) == pytest.approx(2 / 3)
    assert uar_score(y_true, y_pred) == pytest.approx(2 / 3)
    assert uf1_score(y_true, y_pred, labels=[0, 1]) == 1.0


def test_agrees_with_sklearn_on_pooled_predictions():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, 200)
    y_pred = np.where(rng.random(200) < 0.6, y_true, rng.integers(0, 3, 200))
    for subset in (slice(None), y_true != 2):
        t, p = y_true[subset], y_pred[subset]
        assert uf1_score(t, p) == pytest.approx(
            f1_score(t, p, average="macro", labels=[0, 1, 2], zero_division=0)
        )
        assert uar_score(t, p) == pytest.approx(
            recall_score(t, p, average="macro", labels=[0, 1, 2], zero_division=0)
        )


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="different lengths"):
        uf1_score([0, 1], [0])


def test_log_round_trip_keeps_every_row(tmp_path):
    rng = np.random.default_rng(1)
    database = np.array(["casme2"] * 3 + ["smic"] * 2 + ["samm"] * 2)
    subject = np.array(
        [
            "casme2/sub01",
            "casme2/sub02",
            "casme2/sub01",
            "smic/s01",
            "smic/s01",
            "samm/006",
            "samm/007",
        ]
    )
    name = [f"clip{i}" for i in range(7)]
    y_true, y_pred = rng.integers(0, 3, 7), rng.integers(0, 3, 7)
    path = tmp_path / "log.txt"
    write_megc_log(path, database, subject, name, y_true, y_pred)
    log = read_megc_log(path)
    assert len(log) == 7
    assert path.read_text().splitlines()[:3] == [
        "casme2 sub01",
        f"clip0 {y_true[0]} {y_pred[0]}",
        f"clip2 {y_true[2]} {y_pred[2]}",
    ]
    back = log.set_index("name").loc[name]
    np.testing.assert_array_equal(back.y_true, y_true)
    np.testing.assert_array_equal(back.y_pred, y_pred)
    np.testing.assert_array_equal(back.database, database)
    assert list(back.subject) == [s.split("/")[1] for s in subject]


def test_log_rejects_names_with_spaces(tmp_path):
    with pytest.raises(ValueError, match="whitespace"):
        write_megc_log(tmp_path / "x", ["casme2"], ["sub 01"], ["a"], [0], [0])


def test_read_log_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("casme2 sub01\nEP02 1 x\n")
    with pytest.raises(ValueError, match="line 2"):
        read_megc_log(path)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not available")
def test_published_logs_give_published_scores():
    # CapsuleNet (Van Quang et al., MEGC 2019) reports UF1 0.6520 and UAR 0.6506.
    log = read_megc_log(SHARED / "reference" / "megc2019_log_capsulenet.csv")
    assert round(uf1_score(log.y_true, log.y_pred), 4) == 0.6520
    assert round(uar_score(log.y_true, log.y_pred), 4) == 0.6506
    # STSTNet's released log (CRLF line ends) has all 442 clips; its UF1 is the published
    # 0.7353.
    log = read_megc_log(SHARED / "reference" / "megc2019_log_ststnet.txt")
    assert len(log) == 442
    assert round(uf1_score(log.y_true, log.y_pred), 4) == 0.7353
