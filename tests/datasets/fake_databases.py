"""Fake copies of the real databases for the loader tests, built from the real annotation
files (in the shared folder beside the repository; tests that need them skip without).

The trees use the databases' real folder and file naming and the real frame numbers,
but hold only a few 8x8 frames per clip (onset, apex, offset and a couple more), so
that the 578 clip folders are written in well under a second.
"""

import warnings
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest

from saatkit.datasets import AnnotationWarning

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


def shared_file(name):
    """A file of the shared folder; skips the calling test when it is not there."""
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is not available (the shared folder beside the repository).")
    return path


def _casme2_rows():
    table = pd.read_excel(shared_file(CASME2_XLSX), dtype=object)
    return table.to_dict("records")


def samm_rows():
    table = pd.read_excel(shared_file(SAMM_XLSX), sheet_name="MICRO_ONLY", header=13, dtype=object)
    return table.to_dict("records")


def smic_rows():
    return pd.read_csv(
        shared_file("smic-hs-3classes.csv"),
        header=None,
        names=["subject", "clip", "onset", "apex", "offset", "label"],
    ).to_dict("records")


def official_list():
    """The official MEGC 2019 list as distributed (subjects as the list writes them)."""
    return pd.read_csv(
        shared_file("combined_3class_gt.csv"),
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
    for i, row in enumerate(samm_rows()):
        width = 4 if i % 2 else 5  # SAMM writes frame numbers with 4 or 5 digits
        numbers = _numbers(row["Onset Frame"], row["Apex Frame"], row["Offset Frame"])
        _write(
            root / row["Subject"] / row["Filename"],
            [f"{row['Subject']}_{n:0{width}d}.jpg" for n in numbers],
            JPG,
        )


def build_smic(root):
    for row in smic_rows():
        number = int(row["subject"][1:])
        folder = f"s{number}_" + row["clip"].split("_", 1)[1]
        _write(
            root / f"s{number}" / "micro" / SMIC_FOLDERS[row["label"]] / folder,
            [f"image{n}.bmp" for n in _numbers(row["onset"], None, row["offset"])],
            BMP,
        )


def load_warned(loader, *args, category=AnnotationWarning, **kwargs):
    """Call a loader, returning its result and the messages of its warnings of ``category``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = loader(*args, **kwargs)
    return data, [str(w.message) for w in caught if issubclass(w.category, category)]
