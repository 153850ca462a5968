"""The database loaders against fake copies of the databases: where the annotation files
are looked for, and clear errors on damaged, partial or misplaced copies."""

import shutil

import pandas as pd
import pytest
from fake_databases import (
    CASME2_XLSX,
    SAMM_XLSX,
    build_casme2,
    load_warned,
    samm_rows,
    shared_file,
)

from saatkit.datasets import MissingClipWarning, load_casme2, load_megc2019, load_samm, load_smic

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
    shutil.copy(shared_file(CASME2_XLSX), tmp_path)
    build_casme2(tmp_path / "CASME2_RAW_selected")
    shutil.copy(shared_file(CASME2_XLSX), tmp_path / "CASME2_RAW_selected")
    inside, _ = load_warned(load_casme2, tmp_path / "CASME2_RAW_selected")
    given, _ = load_warned(load_casme2, trees["casme2"], annotations=shared_file(CASME2_XLSX))
    assert len(inside.X) == len(given.X) == 147


def test_cropped_casme2_frame_names(tmp_path):
    root = tmp_path / "Cropped"
    build_casme2(root, naming="reg_img{}.jpg")
    data, _ = load_warned(load_casme2, root, annotations=shared_file(CASME2_XLSX))
    clip = data.X[0]
    assert clip.frame_numbers[[clip.onset, clip.apex, clip.offset]].tolist() == [46, 59, 86]


def test_missing_root_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_casme2(tmp_path / "nowhere", annotations=shared_file(CASME2_XLSX))
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
        load_samm(samm_copy, annotations=shared_file(SAMM_XLSX))
    message = str(error.value)
    assert str(samm_copy / "006" / "006_1_2") in message
    assert f"{SAMM_XLSX} row 15" in message and "strict=False" in message


def test_empty_clip_folder(samm_copy):
    for frame in (samm_copy / "007" / "007_3_1").iterdir():
        frame.unlink()
    with pytest.raises(FileNotFoundError, match=r"007_3_1.*holds no image frames"):
        load_samm(samm_copy, annotations=shared_file(SAMM_XLSX))


def test_wrong_root_says_what_root_must_hold(trees):
    with pytest.raises(FileNotFoundError, match=r"subject folders 006, 007.*holds: SAMM"):
        load_samm(trees["samm"].parent, annotations=shared_file(SAMM_XLSX))
    with pytest.raises(FileNotFoundError, match="Did you mean .*HS"):
        load_smic(trees["smic"].parent)


def test_strict_false_skips_and_lists_missing_clips(samm_copy):
    shutil.rmtree(samm_copy / "006" / "006_1_2")
    for frame in (samm_copy / "007" / "007_3_1").iterdir():
        frame.unlink()
    data, messages = load_warned(
        load_samm,
        samm_copy,
        annotations=shared_file(SAMM_XLSX),
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
    data, messages = load_warned(
        load_megc2019, smic=smic, strict=False, category=MissingClipWarning
    )
    assert len(messages) == 1 and "s1_ne_01" in messages[0]
    assert data.missing == ["smic/s01/s01_ne_01"] and len(data.X) == 163


def test_annotated_frame_not_in_folder(samm_copy):
    row = next(r for r in samm_rows() if r["Filename"] == "006_1_2")
    folder = samm_copy / "006" / "006_1_2"
    onset_file = next(
        p for p in folder.iterdir() if int(p.stem.split("_")[1]) == row["Onset Frame"]
    )
    onset_file.unlink()
    data, messages = load_warned(load_samm, samm_copy, annotations=shared_file(SAMM_XLSX))
    assert any("006_1_2" in m and f"onset frame {row['Onset Frame']}" in m for m in messages)
    assert data.X[0].onset is None and data.X[0].apex is not None
    assert pd.isna(data.frame["onset"].iloc[0]) and "onset" in data.frame["note"].iloc[0]


def _edited_coding_file(tmp_path, edit, name="coding.xlsx"):
    table = pd.read_excel(shared_file(CASME2_XLSX), dtype=object)
    path = tmp_path / name
    edit(table).to_excel(path, index=False)
    return path


def test_spreadsheet_with_wrong_columns(trees, tmp_path):
    path = _edited_coding_file(tmp_path, lambda t: t.rename(columns={"ApexFrame": "Peak"}))
    with pytest.raises(ValueError) as error:
        load_casme2(trees["casme2"], annotations=path)
    assert str(path) in str(error.value) and "ApexFrame" in str(error.value)
    with pytest.raises(ValueError, match="no sheet 'MICRO_ONLY'"):
        load_samm(trees["samm"], annotations=shared_file(CASME2_XLSX))


def test_header_row_is_found_below_a_legend(trees, tmp_path):
    # SAMM's header is in row 14; the CASME II file with a legend above reads the same.
    table = pd.read_excel(shared_file(CASME2_XLSX), dtype=object)
    path = tmp_path / "legend.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": ["CASME II coding", None, "legend"]}).to_excel(
            writer, index=False, header=False
        )
        table.to_excel(writer, index=False, startrow=5)
    data, messages = load_warned(load_casme2, trees["casme2"], annotations=path)
    assert len(data.X) == 147
    assert any("EP12_01f (legend.xlsx row 36)" in m for m in messages)
    original, messages = load_warned(load_casme2, trees["casme2"])
    assert any(f"EP12_01f ({CASME2_XLSX} row 31)" in m for m in messages)


def test_megc2019_warns_when_a_label_disagrees_with_the_mapping(trees, tmp_path):
    def relabel(table):
        table.loc[table["Filename"] == "EP02_01f", "Estimated Emotion"] = "surprise"
        return table

    path = _edited_coding_file(tmp_path, relabel)
    data, messages = load_warned(load_megc2019, casme2=trees["casme2"], casme2_annotations=path)
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
