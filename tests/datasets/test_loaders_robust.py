"""Loaders on messy copies: partial databases, wrong roots, misspelled emotions.

The trees are built from the official MEGC 2019 list shipped with saatkit and a coding
file written here (CSV, which the loaders read like the distributed spreadsheets), so
these tests need no licensed file.
"""

import tempfile
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saatkit.datasets import (
    AnnotationWarning,
    MissingClipsError,
    MissingClipWarning,
    load_casme2,
    load_megc2019,
)
from saatkit.datasets._coded import CASME2
from saatkit.datasets._megc2019 import megc2019_clip_list

JPG = cv2.imencode(".jpg", np.full((8, 8, 3), 128, np.uint8))[1].tobytes()
EMOTIONS = {0: "disgust", 1: "happiness", 2: "surprise"}


def write_frames(folder, numbers=range(1, 6)):
    folder.mkdir(parents=True)
    for n in numbers:
        (folder / f"img{n}.jpg").write_bytes(JPG)


def casme2_copy(tmp_path, n_subjects, emotion_of=None):
    """A CASME II coding file for every listed clip; frames for the first subjects only."""
    listed = megc2019_clip_list().query("database == 'casme2'")
    lines = ["Subject,Filename,OnsetFrame,ApexFrame,OffsetFrame,Estimated Emotion"]
    for i, row in enumerate(listed.itertuples(index=False)):
        emotion = (emotion_of or {}).get(i, EMOTIONS[int(row.label)])
        lines.append(f"{row.subject[-2:]},{row.name},1,3,5,{emotion}")
    root = tmp_path / "CASME2" / "CASME2_RAW_selected"
    root.mkdir(parents=True)
    coding = tmp_path / "CASME2" / "coding.csv"
    coding.write_text("\n".join(lines) + "\n")
    keep = sorted(set(listed.subject))[:n_subjects]
    for row in listed[listed.subject.isin(keep)].itertuples(index=False):
        write_frames(root / row.subject.split("/")[1] / row.name)
    return root, coding, int(listed.subject.isin(keep).sum())


def smic_copy(tmp_path):
    root = tmp_path / "HS"
    write_frames(root / "s1" / "micro" / "negative" / "s1_ne_01")
    return root


def test_subjects_per_database_applies_before_strict_loading(tmp_path):
    root, coding, n_clips = casme2_copy(tmp_path, n_subjects=2)
    with pytest.raises(MissingClipsError, match="strict=False"):
        load_megc2019(casme2=root, casme2_annotations=coding)
    data = load_megc2019(casme2=root, casme2_annotations=coding, subjects_per_database=2)
    assert len(data.X) == n_clips and sorted(set(data.groups)) == ["casme2/sub01", "casme2/sub02"]
    with pytest.raises(ValueError, match="subjects_per_database must be a positive"):
        load_megc2019(casme2=root, casme2_annotations=coding, subjects_per_database=0)


def test_a_wrong_root_is_an_error_even_when_not_strict(tmp_path):
    root, coding, _ = casme2_copy(tmp_path, n_subjects=1)
    smic = smic_copy(tmp_path)
    with pytest.raises(
        FileNotFoundError, match=r"No clip of casme2 found(.|\n)*CASME2_RAW_selected"
    ):
        load_megc2019(casme2=root.parent, smic=smic, casme2_annotations=coding, strict=False)
    # The right root with a partial copy still loads under strict=False.
    with pytest.warns(UserWarning, match="Skipped"):
        data = load_megc2019(casme2=root, smic=smic, casme2_annotations=coding, strict=False)
    assert set(data.database) == {"casme2", "smic"}


def test_a_misspelled_emotion_is_reported_with_its_row(tmp_path):
    root, coding, n_clips = casme2_copy(tmp_path, n_subjects=1, emotion_of={0: "hapiness"})
    with pytest.warns(AnnotationWarning, match=r"coding.csv row 2.*'hapiness'.*not a CASME II"):
        data = load_casme2(root, coding, strict=False)
    assert len(data.X) == n_clips - 1


@settings(max_examples=15, deadline=None)
@given(
    emotions=st.lists(
        st.sampled_from(sorted(CASME2.emotions) + ["hapiness", "Surprise ", "disgusted", "?"]),
        min_size=1,
        max_size=8,
    )
)
def test_every_coding_row_loads_or_is_reported_with_its_row(emotions):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "CASME2_RAW_selected"
        lines = ["Subject,Filename,OnsetFrame,ApexFrame,OffsetFrame,Estimated Emotion"]
        for i, emotion in enumerate(emotions):
            lines.append(f"01,EP{i:02d}_01,1,3,5,{emotion}")
            write_frames(root / "sub01" / f"EP{i:02d}_01")
        coding = Path(folder) / "coding.csv"
        coding.write_text("\n".join(lines) + "\n")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                loaded = set(load_casme2(root, coding, classes="original").frame["name"])
            except ValueError as error:
                assert "No annotated clip has one of the classes" in str(error)
                loaded = set()
    told = " ".join(str(w.message) for w in caught if w.category is AnnotationWarning)
    for i, emotion in enumerate(emotions):
        name, known = f"EP{i:02d}_01", emotion.strip().lower() in CASME2.emotions
        if emotion.strip().lower() in CASME2.classes:
            assert name in loaded
        elif not known:
            assert name not in loaded and f"coding.csv row {i + 2}" in told


def test_loader_warnings_point_at_the_caller(tmp_path):
    # The warnings name the line that called the loader, not saatkit's own code.
    root, coding, _ = casme2_copy(tmp_path, n_subjects=1, emotion_of={0: "hapiness"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_casme2(root, coding, strict=False)
    kinds = {w.category for w in caught}
    assert {AnnotationWarning, MissingClipWarning} <= kinds
    assert {w.filename for w in caught if w.category in kinds} == {__file__}
