"""The database loaders against fake trees built from the real annotation files.

The trees use the databases' real folder and file naming and the real frame numbers,
but hold only a few 8x8 frames per clip (onset, apex, offset and a couple more), so
that the 578 clip folders are written in well under a second.
"""

import shutil
import warnings
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest

from saatkit.datasets import (
    AnnotationWarning,
    Clip,
    MissingClipWarning,
    load_casme2,
    load_megc2019,
    load_samm,
    load_smic,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "megc2019"
CASME2_XLSX = "CASME2-coding-20140508.xlsx"
SAMM_XLSX = "SAMM_Micro_FACS_Codes_v2.xlsx"
FRAME = np.arange(8 * 8 * 3, dtype=np.uint8).reshape(8, 8, 3)
JPG = cv2.imencode(".jpg", FRAME)[1].tobytes()
BMP = cv2.imencode(".bmp", FRAME)[1].tobytes()
SMIC_FOLDERS = {1: "positive", 2: "negative", 3: "surprise"}
FRAME_COLUMNS = {
    "database",
    "subject",
    "name",
    "label",
    "emotion",
    "onset",
    "apex",
    "offset",
    "n_frames",
    "path",
    "note",
}


def _shared(name):
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is not available (the shared folder beside the repository).")
    return path


def _casme2_rows():
    table = pd.read_excel(_shared(CASME2_XLSX), dtype=object)
    return table.to_dict("records")


def _samm_rows():
    table = pd.read_excel(_shared(SAMM_XLSX), sheet_name="MICRO_ONLY", header=13, dtype=object)
    return table.to_dict("records")


def _smic_rows():
    return pd.read_csv(
        _shared("smic-hs-3classes.csv"),
        header=None,
        names=["subject", "clip", "onset", "apex", "offset", "label"],
    ).to_dict("records")


def _official():
    return pd.read_csv(
        _shared("combined_3class_gt.csv"),
        header=None,
        names=["database", "subject", "name", "label"],
        dtype=str,
    )


def _numbers(onset, apex, offset):
    """A few real frame numbers of a clip: onset, apex, offset and two between."""
    numbers = {onset, offset, min(onset + 1, offset), max(offset - 1, onset)}
    if isinstance(apex, int) and onset <= apex <= offset:
        numbers.add(apex)
    return sorted(numbers)


def _write(folder, names, data):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(data)


def build_casme2(root, naming="img{}.jpg"):
    for row in _casme2_rows():
        numbers = _numbers(row["OnsetFrame"], row["ApexFrame"], row["OffsetFrame"])
        _write(
            root / f"sub{row['Subject']}" / row["Filename"],
            [naming.format(n) for n in numbers],
            JPG,
        )


def build_samm(root):
    for i, row in enumerate(_samm_rows()):
        width = 4 if i % 2 else 5  # SAMM writes frame numbers with 4 or 5 digits
        numbers = _numbers(row["Onset Frame"], row["Apex Frame"], row["Offset Frame"])
        _write(
            root / row["Subject"] / row["Filename"],
            [f"{row['Subject']}_{n:0{width}d}.jpg" for n in numbers],
            JPG,
        )


def build_smic(root):
    for row in _smic_rows():
        number = int(row["subject"][1:])
        folder = f"s{number}_" + row["clip"].split("_", 1)[1]
        _write(
            root / f"s{number}" / "micro" / SMIC_FOLDERS[row["label"]] / folder,
            [f"image{n}.bmp" for n in _numbers(row["onset"], None, row["offset"])],
            BMP,
        )


@pytest.fixture(scope="session")
def trees(tmp_path_factory):
    """The three databases laid out as distributed, coding files beside the clip folders."""
    base = tmp_path_factory.mktemp("databases")
    casme2 = base / "CASME2" / "CASME2_RAW_selected"
    samm = base / "SAMM_release" / "SAMM"
    smic = base / "SMIC_all_raw" / "HS"
    build_casme2(casme2)
    build_samm(samm)
    build_smic(smic)
    shutil.copy(_shared(CASME2_XLSX), casme2.parent)
    shutil.copy(_shared(SAMM_XLSX), samm.parent)
    return {"casme2": casme2, "samm": samm, "smic": smic}


def _load(loader, *args, category=AnnotationWarning, **kwargs):
    """Call a loader, returning its result and the messages of its warnings of ``category``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = loader(*args, **kwargs)
    return data, [str(w.message) for w in caught if issubclass(w.category, category)]


@pytest.fixture(scope="session")
def megc(trees):
    return _load(load_megc2019, casme2=trees["casme2"], samm=trees["samm"], smic=trees["smic"])


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
    official = _official()
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
    data, messages = _load(load_megc2019, casme2=trees["casme2"], samm=trees["samm"])
    assert len(data.X) == 278
    assert set(data.database) == {"casme2", "samm"}
    assert len(set(data.groups)) == 24 + 28
    assert not any("SMIC" in m for m in messages)
    smic_only, _ = _load(load_megc2019, smic=trees["smic"])
    assert len(smic_only.X) == 164 and len(set(smic_only.groups)) == 16


def test_megc2019_needs_a_database():
    with pytest.raises(ValueError, match="at least one database"):
        load_megc2019()


# --- the single-database loaders -----------------------------------------------------


def test_casme2_megc_classes_keep_and_flag_the_clips_without_apex(trees):
    data, messages = _load(load_casme2, trees["casme2"])
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
    data, messages = _load(load_samm, trees["samm"])
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
    data, messages = _load(load_smic, trees["smic"])
    assert len(data.X) == 164 and len(set(data.groups)) == 16
    assert np.bincount(data.y).tolist() == [70, 51, 43]
    assert len(messages) == 1 and "no apex" in messages[0]
    assert all(c.apex is None and c.onset == 0 and c.offset == len(c) - 1 for c in data.X)
    rows = {r["clip"]: r for r in _smic_rows()}
    for row in data.frame.itertuples():
        assert (row.onset, row.offset) == (rows[row.name]["onset"], rows[row.name]["offset"])
        assert row.label == {1: 1, 2: 0, 3: 2}[rows[row.name]["label"]]


def test_original_classes(trees):
    casme2, _ = _load(load_casme2, trees["casme2"], classes="original")
    assert casme2.target_names == ["disgust", "happiness", "others", "repression", "surprise"]
    assert np.bincount(casme2.y).tolist() == [63, 32, 99, 27, 25]
    samm, _ = _load(load_samm, trees["samm"], classes="original")
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
    smic, _ = _load(load_smic, trees["smic"], classes="original")
    assert smic.target_names == ["negative", "positive", "surprise"]
    with pytest.raises(ValueError, match="classes must be"):
        load_casme2(trees["casme2"], classes="five")


# --- where the files are -------------------------------------------------------------


def test_annotation_file_given_or_looked_for(trees, tmp_path):
    samm_root = tmp_path / "SAMM"
    samm_root.mkdir()
    with pytest.raises(FileNotFoundError) as error:
        load_samm(samm_root)
    message = str(error.value)
    assert str(samm_root / SAMM_XLSX) in message and str(tmp_path / SAMM_XLSX) in message
    with pytest.raises(FileNotFoundError, match="annotations="):
        load_samm(trees["samm"], annotations=tmp_path / "nowhere.xlsx")
    # The coding file inside root, and given explicitly.
    shutil.copy(_shared(CASME2_XLSX), tmp_path)
    build_casme2(tmp_path / "CASME2_RAW_selected")
    shutil.copy(_shared(CASME2_XLSX), tmp_path / "CASME2_RAW_selected")
    inside, _ = _load(load_casme2, tmp_path / "CASME2_RAW_selected")
    given, _ = _load(load_casme2, trees["casme2"], annotations=_shared(CASME2_XLSX))
    assert len(inside.X) == len(given.X) == 147


def test_cropped_casme2_frame_names(tmp_path):
    root = tmp_path / "Cropped"
    build_casme2(root, naming="reg_img{}.jpg")
    data, _ = _load(load_casme2, root, annotations=_shared(CASME2_XLSX))
    clip = data.X[0]
    assert clip.frame_numbers[[clip.onset, clip.apex, clip.offset]].tolist() == [46, 59, 86]


def test_missing_root_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_casme2(tmp_path / "nowhere", annotations=_shared(CASME2_XLSX))
    with pytest.raises(FileNotFoundError, match="smic=.*nowhere"):
        load_megc2019(smic=tmp_path / "nowhere")


# --- clear errors and partial copies -------------------------------------------------


@pytest.fixture
def samm_copy(trees, tmp_path):
    root = tmp_path / "SAMM"
    shutil.copytree(trees["samm"], root)
    return root


def test_annotation_row_with_no_folder(samm_copy):
    shutil.rmtree(samm_copy / "006" / "006_1_2")
    with pytest.raises(FileNotFoundError) as error:
        load_samm(samm_copy, annotations=_shared(SAMM_XLSX))
    message = str(error.value)
    assert str(samm_copy / "006" / "006_1_2") in message
    assert f"{SAMM_XLSX} row 15" in message and "strict=False" in message


def test_empty_clip_folder(samm_copy):
    for frame in (samm_copy / "007" / "007_3_1").iterdir():
        frame.unlink()
    with pytest.raises(FileNotFoundError, match=r"007_3_1.*holds no image frames"):
        load_samm(samm_copy, annotations=_shared(SAMM_XLSX))


def test_wrong_root_says_what_root_must_hold(trees):
    with pytest.raises(FileNotFoundError, match=r"subject folders 006, 007.*holds: SAMM"):
        load_samm(trees["samm"].parent, annotations=_shared(SAMM_XLSX))
    with pytest.raises(FileNotFoundError, match="Did you mean .*HS"):
        load_smic(trees["smic"].parent)


def test_strict_false_skips_and_lists_missing_clips(samm_copy):
    shutil.rmtree(samm_copy / "006" / "006_1_2")
    for frame in (samm_copy / "007" / "007_3_1").iterdir():
        frame.unlink()
    data, messages = _load(
        load_samm,
        samm_copy,
        annotations=_shared(SAMM_XLSX),
        strict=False,
        category=MissingClipWarning,
    )
    assert len(messages) == 1 and "006_1_2" in messages[0] and "007_3_1" in messages[0]
    assert data.missing == ["samm/006/006_1_2", "samm/007/007_3_1"]
    assert len(data.X) == 131 and "006_1_2" not in set(data.frame["name"])


def test_megc2019_strict_false_lists_missing_smic_clip(trees, tmp_path):
    smic = tmp_path / "HS"
    shutil.copytree(trees["smic"], smic)
    shutil.rmtree(smic / "s1" / "micro" / "negative" / "s1_ne_01")
    with pytest.raises(FileNotFoundError, match=r"s1/micro/negative/s1_ne_01"):
        load_megc2019(smic=smic)
    data, messages = _load(load_megc2019, smic=smic, strict=False, category=MissingClipWarning)
    assert len(messages) == 1 and "s1_ne_01" in messages[0]
    assert data.missing == ["smic/s01/s01_ne_01"] and len(data.X) == 163


def test_annotated_frame_not_in_folder(samm_copy):
    row = next(r for r in _samm_rows() if r["Filename"] == "006_1_2")
    folder = samm_copy / "006" / "006_1_2"
    onset_file = next(
        p for p in folder.iterdir() if int(p.stem.split("_")[1]) == row["Onset Frame"]
    )
    onset_file.unlink()
    data, messages = _load(load_samm, samm_copy, annotations=_shared(SAMM_XLSX))
    assert any("006_1_2" in m and f"onset frame {row['Onset Frame']}" in m for m in messages)
    assert data.X[0].onset is None and data.X[0].apex is not None
    assert pd.isna(data.frame["onset"].iloc[0]) and "onset" in data.frame["note"].iloc[0]


def _edited_coding_file(tmp_path, edit, name="coding.xlsx"):
    table = pd.read_excel(_shared(CASME2_XLSX), dtype=object)
    path = tmp_path / name
    edit(table).to_excel(path, index=False)
    return path


def test_spreadsheet_with_wrong_columns(trees, tmp_path):
    path = _edited_coding_file(tmp_path, lambda t: t.rename(columns={"ApexFrame": "Peak"}))
    with pytest.raises(ValueError) as error:
        load_casme2(trees["casme2"], annotations=path)
    assert str(path) in str(error.value) and "ApexFrame" in str(error.value)
    with pytest.raises(ValueError, match="no sheet 'MICRO_ONLY'"):
        load_samm(trees["samm"], annotations=_shared(CASME2_XLSX))


def test_header_row_is_found_below_a_legend(trees, tmp_path):
    # SAMM's header is in row 14; the CASME II file with a legend above reads the same.
    table = pd.read_excel(_shared(CASME2_XLSX), dtype=object)
    path = tmp_path / "legend.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": ["CASME II coding", None, "legend"]}).to_excel(
            writer, index=False, header=False
        )
        table.to_excel(writer, index=False, startrow=5)
    data, messages = _load(load_casme2, trees["casme2"], annotations=path)
    assert len(data.X) == 147
    assert any("EP12_01f (legend.xlsx row 36)" in m for m in messages)
    original, messages = _load(load_casme2, trees["casme2"])
    assert any(f"EP12_01f ({CASME2_XLSX} row 31)" in m for m in messages)


def test_megc2019_warns_when_a_label_disagrees_with_the_mapping(trees, tmp_path):
    def relabel(table):
        table.loc[table["Filename"] == "EP02_01f", "Estimated Emotion"] = "surprise"
        return table

    path = _edited_coding_file(tmp_path, relabel)
    data, messages = _load(load_megc2019, casme2=trees["casme2"], casme2_annotations=path)
    assert data.y[0] == 1  # the official list's label is kept
    assert any("EP02_01f" in m and "official" in m for m in messages)
    assert "official" in data.frame["note"].iloc[0]


def test_megc2019_clip_missing_from_the_coding_file(trees, tmp_path):
    path = _edited_coding_file(tmp_path, lambda t: t[t["Filename"] != "EP19_05f"])
    with pytest.raises(ValueError, match=r"sub01/EP19_05f.*does not annotate"):
        load_megc2019(casme2=trees["casme2"], casme2_annotations=path)


def test_clip_annotated_twice(trees, tmp_path):
    path = _edited_coding_file(tmp_path, lambda t: pd.concat([t, t.iloc[[0]]]))
    with pytest.raises(
        ValueError, match=r"sub01/EP02_01f is annotated twice: .*row 2 and .*row 257"
    ):
        load_casme2(trees["casme2"], annotations=path)
