"""Property-based tests: the MEGC log and the metrics on any input Hypothesis draws."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import f1_score

from saatkit.metrics import read_megc_log, uf1_score, write_megc_log
from saatkit.metrics._megc_log import MEGC_DATABASES

names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda s: s not in MEGC_DATABASES
)
subjects = st.from_regex(r"[a-z0-9]{1,5}", fullmatch=True)
labels = st.integers(0, 2)
clip_rows = st.lists(
    st.tuples(st.sampled_from(MEGC_DATABASES), subjects, names, labels, labels),
    min_size=1,
    max_size=20,
    unique_by=lambda r: (r[0], r[1], r[2]),
)
FILES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FILES
@given(rows=clip_rows)
def test_log_round_trip(tmp_path, rows):
    path = tmp_path / "log.txt"
    write_megc_log(path, *map(list, zip(*rows)))
    log = read_megc_log(path)
    # The writer groups clips by fold, in the order of each fold's first clip.
    folds = list(dict.fromkeys((r[0], r[1]) for r in rows))
    expected = [r for fold in folds for r in rows if (r[0], r[1]) == fold]
    assert list(log.itertuples(index=False, name=None)) == expected


@FILES
@given(rows=clip_rows, data=st.data())
def test_a_clip_line_that_lost_its_prediction_is_never_read(tmp_path, rows, data):
    path = tmp_path / "log.txt"
    write_megc_log(path, *map(list, zip(*rows)))
    lines = path.read_text().splitlines()
    clip_lines = [i for i, line in enumerate(lines) if len(line.split()) == 3]
    i = data.draw(st.sampled_from(clip_lines))
    lines[i] = " ".join(lines[i].split()[:2])
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=f"line {i + 1}: .*without its prediction"):
        read_megc_log(path)


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), min_size=1, max_size=30
    )
)
def test_uf1_is_sklearns_macro_f1_over_the_declared_classes(pairs):
    y_true, y_pred = map(list, zip(*pairs))
    expected = f1_score(y_true, y_pred, average="macro", labels=list("abc"), zero_division=0)
    assert uf1_score(y_true, y_pred, labels=list("abc")) == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(y=st.lists(st.integers(-3, 6), min_size=1, max_size=20))
def test_labels_outside_the_megc_classes_never_score(y):
    if set(y) <= {0, 1, 2}:
        assert 0 <= uf1_score(y, y) <= 1
    else:
        with pytest.raises(ValueError, match="not among the MEGC classes"):
            uf1_score(y, np.zeros(len(y), dtype=int))
