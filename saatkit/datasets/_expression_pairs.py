"""Neutral partners of expression images: BU-3DFE names, or a CSV column that lists them.

BU-3DFE names each 2D image ``<subject>_<emotion><intensity><race>_F2D``, for example
``F0001_AN03WH_F2D.bmp`` (anger, intensity 3 of 4, subject F0001 of race WH), and gives
every subject one neutral image, ``F0001_NE00WH_F2D.bmp``. The neutral face of an
expression image is its subject's neutral image. Sets without such names (CK+, whose
sequences start neutral and end at the peak) list the pairs themselves in a CSV.
"""

import re
from pathlib import Path

from ..clips import IMAGE_EXTENSIONS

BU3DFE_NAME = re.compile(
    r"^(?P<subject>[FM]\d{4})_(?P<emotion>[A-Z]{2})(?P<level>\d{2})(?P<race>[A-Z]{2})_F2D$",
    re.IGNORECASE,
)
_SUBJECT_FOLDER = re.compile(r"^[FM]\d{4}$", re.IGNORECASE)
NEUTRAL_CODE = "NE"


def is_bu3dfe_layout(root):
    """Whether ``root`` is BU-3DFE as distributed: one folder per subject (F0001, ...)."""
    folders = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return bool(folders) and all(_SUBJECT_FOLDER.match(p.name) for p in folders)


def bu3dfe_items(root):
    """(image path, emotion code) of every 2D image of a BU-3DFE folder, by subject."""
    items = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for image in sorted(folder.iterdir()):
            match = BU3DFE_NAME.match(image.stem)
            if match and image.suffix.lower() in IMAGE_EXTENSIONS:
                items.append((image, match["emotion"].upper()))
    if not items:
        raise ValueError(
            f"BU-3DFE folder {root} holds no 2D images named like F0001_AN01WH_F2D.bmp."
        )
    return items


def _bu3dfe_neutrals(files):
    """(subject, race) -> neutral image path, from BU-3DFE-named ``files``."""
    neutrals = {}
    for file in files:
        match = BU3DFE_NAME.match(Path(file).stem)
        if match and match["emotion"].upper() == NEUTRAL_CODE:
            neutrals.setdefault((match["subject"].upper(), match["race"].upper()), Path(file))
    return neutrals


def _sibling_neutral(file, match):
    """The subject's neutral image in ``file``'s own folder, or None."""
    stem = f"{match['subject']}_{NEUTRAL_CODE}00{match['race']}_F2D"
    for candidate in Path(file).parent.glob("*"):
        if candidate.stem.upper() == stem.upper() and candidate.suffix.lower() in IMAGE_EXTENSIONS:
            return candidate
    return None


def neutral_partners(files, all_files, listed=None, source=""):
    """The neutral image of each of ``files``.

    Parameters
    ----------
    files : list of Path
        The expression images kept.
    all_files : list of Path
        Every image of the set, whatever its class (the neutral ones are dropped from
        the expression images, but are where the partners come from).
    listed : list of (Path or None), default=None
        Neutral images given per file (a CSV's ``neutral`` column); they take
        precedence over BU-3DFE names.
    source : str
        The set, for error messages.

    Returns
    -------
    neutrals : list of Path
    """
    found = _bu3dfe_neutrals(all_files)
    partners = []
    for k, file in enumerate(files):
        if listed is not None and listed[k] is not None:
            partners.append(listed[k])
            continue
        match = BU3DFE_NAME.match(Path(file).stem)
        if match is None:
            raise ValueError(
                f"return_neutral=True: expression image {file} of {source} has no neutral "
                "partner. Neutral faces are found for BU-3DFE names (F0001_AN01WH_F2D.bmp "
                "pairs with F0001_NE00WH_F2D.bmp) or listed in a CSV column 'neutral' "
                "(for CK+: each sequence's first frame)."
            )
        key = (match["subject"].upper(), match["race"].upper())
        partner = found.get(key) or _sibling_neutral(file, match)
        if partner is None:
            what = "no neutral image at all" if not found else f"no neutral image of {key[0]}"
            raise ValueError(
                f"return_neutral=True: {source} has {what}; expression image {file} needs "
                f"{key[0]}_{NEUTRAL_CODE}00{key[1]}_F2D (in the set or in its folder)."
            )
        partners.append(partner)
    return partners
