"""The database loaders against fake copies of the databases: the MEGC 2019 composite and
the single-database loaders, their clips, classes and annotation defects."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fake_databases import FRAME_COLUMNS, load_warned, official_list, smic_rows

from saatkit.datasets import Clip, load_casme2, load_megc2019, load_samm, load_smic


@pytest.fixture(scope="session")
def megc(trees):
    return load_warned(
        load_megc2019, casme2=trees["casme2"], samm=trees["samm"], smic=trees["smic"]
    )


def _class_counts(data, database):
    return np.bincount(data.y[data.database == database], minlength=3).tolist()


# --- the MEGC 2019 composite ---------------------------------------------------------


def test_megc2019_is_the_official_composite(megc):
    data, _ = megc
    assert len(data.X) == len(data.y) == len(data.groups) == len(data.frame) == 442
    assert len(set(data.groups)) == 68
    assert _class_counts(data, "smic") == [70, 51, 43]
    assert _class_counts(data, "casme2") == [88, 32, 25]
    assert _class_counts(data, "samm") == [92, 26, 15]
    assert data.target_names == ["negative", "positive", "surprise"]
    assert data.missing == []
    assert all(isinstance(clip, Clip) for clip in data.X)
    assert FRAME_COLUMNS <= set(data.frame.columns)


def test_megc2019_follows_the_official_order_and_names(megc):
    data, _ = megc
    official = official_list()
    assert data.frame["name"].tolist() == official["name"].tolist()
    assert data.frame["database"].tolist() == official["database"].tolist()
    assert data.y.tolist() == official["label"].astype(int).tolist()
    subjects = {
        "casme2": lambda s: s,
        "samm": lambda s: f"{int(s):03d}",
        "smic": lambda s: s,
    }
    expected = [
        f"{db}/{subjects[db](s)}" for db, s in zip(official["database"], official["subject"])
    ]
    assert data.groups.tolist() == expected
    assert [c.subject for c in data.X] == expected
    assert {"casme2/sub01", "samm/006", "smic/s01"} <= set(data.groups)
    first = data.X[0]
    assert (first.database, first.name, first.fps) == ("casme2", "EP02_01f", 200.0)
    smic = data.X[int(np.flatnonzero(data.database == "smic")[0])]
    assert (smic.name, smic.fps) == ("s01_ne_01", 100.0)
    assert Path(data.frame["path"][data.database == "smic"].iloc[0]).name == "s1_ne_01"


def test_megc2019_positions_point_at_the_annotated_frames(megc):
    data, _ = megc
    for clip, row in zip(data.X, data.frame.itertuples()):
        assert len(clip) == row.n_frames
        assert clip.frame_numbers[clip.onset] == row.onset
        assert clip.frame_numbers[clip.offset] == row.offset
        if pd.isna(row.apex):
            assert clip.apex is None
        else:
            assert clip.frame_numbers[clip.apex] == row.apex
    ep02 = data.X[0]
    assert ep02.frame_numbers[[ep02.onset, ep02.apex, ep02.offset]].tolist() == [46, 59, 86]
    assert ep02.read([ep02.apex]).shape == (1, 8, 8, 3)


def test_megc2019_reports_the_defects_of_its_clips(megc):
    data, messages = megc
    frame = data.frame.set_index("name")
    for name in ("028_4_1", "032_3_1"):
        assert any(name in m and "outside onset-offset" in m for m in messages)
        assert pd.isna(frame.loc[name, "apex"]) and "apex" in frame.loc[name, "note"]
    assert any("SMIC-HS has no apex" in m for m in messages)
    smic = data.frame[data.frame["database"] == "smic"]
    assert smic["apex"].isna().all() and smic["note"].str.contains("no apex").all()
    # The official list already drops the two CASME II clips with no usable apex.
    assert not any("EP12_01f" in m or "EP09_05f" in m for m in messages)
    annotated = data.frame[data.frame["database"] != "smic"]
    assert annotated["apex"].notna().sum() == 145 + 133 - 2


def test_megc2019_loads_a_subset_of_databases(trees):
    data, messages = load_warned(load_megc2019, casme2=trees["casme2"], samm=trees["samm"])
    assert len(data.X) == 278
    assert set(data.database) == {"casme2", "samm"}
    assert len(set(data.groups)) == 24 + 28
    assert not any("SMIC" in m for m in messages)
    smic_only, _ = load_warned(load_megc2019, smic=trees["smic"])
    assert len(smic_only.X) == 164 and len(set(smic_only.groups)) == 16


def test_megc2019_needs_a_database():
    with pytest.raises(ValueError, match="at least one database"):
        load_megc2019()


# --- the single-database loaders -----------------------------------------------------


def test_casme2_megc_classes_keep_and_flag_the_clips_without_apex(trees):
    data, messages = load_warned(load_casme2, trees["casme2"])
    assert len(data.X) == 147
    assert np.bincount(data.y).tolist() == [90, 32, 25]
    assert len(set(data.groups)) == 24
    frame = data.frame.set_index(["subject", "name"])
    for key, reason in (
        (("casme2/sub04", "EP12_01f"), "'/'"),
        (("casme2/sub05", "EP09_05f"), "equals onset"),
    ):
        assert any(key[1] in m and reason in m for m in messages)
        assert pd.isna(frame.loc[key, "apex"]) and reason in frame.loc[key, "note"]
        clip = data.X[int(np.flatnonzero((data.frame["name"] == key[1]).to_numpy())[0])]
        assert clip.apex is None and clip.onset is not None
    assert len(messages) == 2
    assert set(data.frame["emotion"]) == {"disgust", "repression", "happiness", "surprise"}


def test_samm_flags_the_apex_outside_onset_offset(trees):
    data, messages = load_warned(load_samm, trees["samm"])
    assert len(data.X) == 133 and len(set(data.groups)) == 28
    assert np.bincount(data.y).tolist() == [92, 26, 15]
    assert len(messages) == 2
    assert any("028_4_1" in m and "1143" in m for m in messages)
    assert any("032_3_1" in m and "1930" in m for m in messages)
    for name in ("028_4_1", "032_3_1"):
        i = int(np.flatnonzero((data.frame["name"] == name).to_numpy())[0])
        assert data.X[i].apex is None and data.X[i].onset == 0
        assert "apex set to None" in data.frame["note"].iloc[i]
    assert (data.frame["note"] != "").sum() == 2


def test_smic_labels_are_folders_and_it_has_no_apex(trees):
    data, messages = load_warned(load_smic, trees["smic"])
    assert len(data.X) == 164 and len(set(data.groups)) == 16
    assert np.bincount(data.y).tolist() == [70, 51, 43]
    assert len(messages) == 1 and "no apex" in messages[0]
    assert all(c.apex is None and c.onset == 0 and c.offset == len(c) - 1 for c in data.X)
    rows = {r["clip"]: r for r in smic_rows()}
    for row in data.frame.itertuples():
        assert (row.onset, row.offset) == (rows[row.name]["onset"], rows[row.name]["offset"])
        assert row.label == {1: 1, 2: 0, 3: 2}[rows[row.name]["label"]]


def test_original_classes(trees):
    casme2, _ = load_warned(load_casme2, trees["casme2"], classes="original")
    assert casme2.target_names == ["disgust", "happiness", "others", "repression", "surprise"]
    assert np.bincount(casme2.y).tolist() == [63, 32, 99, 27, 25]
    samm, _ = load_warned(load_samm, trees["samm"], classes="original")
    assert samm.target_names == [
        "anger",
        "contempt",
        "disgust",
        "fear",
        "happiness",
        "sadness",
        "surprise",
    ]
    assert np.bincount(samm.y).tolist() == [57, 12, 9, 8, 26, 6, 15]
    assert (np.array(samm.target_names)[samm.y] == samm.frame["emotion"]).all()
    smic, _ = load_warned(load_smic, trees["smic"], classes="original")
    assert smic.target_names == ["negative", "positive", "surprise"]
    with pytest.raises(ValueError, match="classes must be"):
        load_casme2(trees["casme2"], classes="five")
