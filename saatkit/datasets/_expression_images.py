"""Auxiliary facial-expression images, mapped to the MEGC classes, to train the teacher."""

import warnings
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..clips import IMAGE_EXTENSIONS, MEGC_CLASSES
from ._expression_pairs import bu3dfe_items, is_bu3dfe_layout, neutral_partners

# Usual class names of expression sets (FER2013, CK+, RAF-DB, JAFFE folders) and the
# BU-3DFE codes (AN, DI, FE, HA, SA, SU, NE); neutral has no MEGC class.
DEFAULT_CLASS_MAP = {
    **dict.fromkeys(
        (
            "anger",
            "angry",
            "disgust",
            "disgusted",
            "fear",
            "fearful",
            "sadness",
            "sad",
            "contempt",
            "an",
            "di",
            "fe",
            "sa",
        ),
        "negative",
    ),
    **dict.fromkeys(("happiness", "happy", "ha"), "positive"),
    **dict.fromkeys(("surprise", "surprised", "su"), "surprise"),
    **dict.fromkeys(("neutral", "ne"), None),
}


def _class_key(name):
    return str(name).strip().lower()


def _check_class_map(class_map):
    """class name -> MEGC label (int) or None (dropped), keys compared without case."""
    checked = {}
    for name, target in class_map.items():
        if target is None:
            label = None
        elif isinstance(target, str) and target.strip().lower() in MEGC_CLASSES:
            label = MEGC_CLASSES.index(target.strip().lower())
        elif isinstance(target, (int, np.integer)) and 0 <= int(target) < len(MEGC_CLASSES):
            label = int(target)
        else:
            raise ValueError(
                f"class_map[{name!r}] is {target!r}; map each class to one of "
                f"{list(MEGC_CLASSES)}, to 0, 1 or 2, or to None to drop it."
            )
        checked[_class_key(name)] = label
    return checked


def _check_output_size(output_size):
    size = (output_size, output_size) if np.isscalar(output_size) else tuple(output_size)
    if len(size) != 2 or not all(isinstance(v, (int, np.integer)) and v > 0 for v in size):
        raise ValueError(
            f"output_size must be a positive int or (height, width), got {output_size!r}."
        )
    return int(size[0]), int(size[1])


def _folder_items(root):
    """(image path, class name) for each image in each class folder of ``root``, or of
    each subject folder of a BU-3DFE folder (the class is the emotion code of the name)."""
    if is_bu3dfe_layout(root):
        return bu3dfe_items(root)
    classes = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise ValueError(
            f"Expression image folder {root} holds no class folders (root/happy/*.jpg, ...)."
        )
    return [
        (image, folder.name)
        for folder in classes
        for image in sorted(folder.iterdir())
        if image.is_file() and image.suffix.lower() in IMAGE_EXTENSIONS
    ]


def _csv_items(path):
    """(image path, class name) for each row of a ``path,label`` CSV file, and the
    ``neutral`` column's image of each row (None for an empty cell) if it has one."""
    table = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
    if table.shape[1] < 2:
        raise ValueError(f"Expression image list {path} must have two columns, path and label.")
    first = [_class_key(v) for v in table.iloc[0]]
    neutrals = None
    if "path" in first and "label" in first:
        table = table.iloc[1:]
        columns = first.index("path"), first.index("label")
        if "neutral" in first:
            neutrals = [
                _listed_path(path, v) if v.strip() else None
                for v in table.iloc[:, first.index("neutral")]
            ]
    else:
        columns = 0, 1
    items = [
        (_listed_path(path, file), label)
        for file, label in zip(table.iloc[:, columns[0]], table.iloc[:, columns[1]])
    ]
    return items, neutrals


def _listed_path(csv_path, file):
    file = Path(file.strip())
    return file if file.is_absolute() else csv_path.parent / file


def _read_image(path, size):
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        reason = "does not exist" if not Path(path).exists() else "cannot be decoded as an image"
        raise ValueError(f"Expression image {path} {reason}.")
    height, width = size
    shrink = image.shape[0] > height or image.shape[1] > width
    image = cv2.resize(
        image, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    )
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _read_images(files, size):
    images = np.empty((len(files), *size, 3), dtype=np.uint8)
    for i, file in enumerate(files):
        images[i] = _read_image(file, size)
    return images


def _mapped_items(items, listed, mapping, path):
    """The (file, class name, label) of the images whose class maps to a MEGC class, with
    their listed neutral partners; warns about classes the mapping does not name."""
    kept, unmapped, kept_listed = [], Counter(), []
    for k, (file, name) in enumerate(items):
        key = _class_key(name)
        if key not in mapping:
            unmapped[name] += 1
        elif mapping[key] is not None:
            kept.append((file, name, mapping[key]))
            kept_listed.append(listed[k] if listed is not None else None)
    if unmapped:
        # stacklevel 3: the warning points at the caller of load_expression_images.
        warnings.warn(
            f"Dropped images of classes that class_map does not name: "
            f"{', '.join(f'{k} ({n})' for k, n in sorted(unmapped.items()))}.",
            UserWarning,
            stacklevel=3,
        )
    if not kept:
        found = sorted({name for _, name in items})
        raise ValueError(
            f"No image of {path} has a class mapped to {list(MEGC_CLASSES)}; classes found: "
            f"{found or 'none'}."
        )
    return kept, kept_listed


def load_expression_images(root, output_size=(64, 64), class_map=None, return_neutral=False):
    """Load a facial-expression image set with its classes mapped to the MEGC classes.

    The SA-AT teacher is trained on such an auxiliary set (the paper uses BU-3DFE),
    never on micro-expression clips.

    Parameters
    ----------
    root : str or Path
        Either a folder with one sub-folder of images per class (``root/happy/1.jpg``,
        ``root/sad/...``); or BU-3DFE as distributed, one folder per subject
        (``root/F0001/F0001_AN01WH_F2D.bmp``; the class is the name's emotion code, and
        only the ``_F2D`` images are read); or a CSV file of ``path,label`` rows (a
        header row naming ``path`` and ``label`` is optional; relative paths are
        relative to the CSV's folder). A header may also name a ``neutral`` column:
        each row's neutral image, for ``return_neutral``.
    output_size : int or (height, width), default=(64, 64)
        Size every image is resized to.
    class_map : dict, default=None
        Class name -> ``"negative"``, ``"positive"``, ``"surprise"`` (or 0, 1, 2), or
        None to drop the class; names are compared without case. When None,
        :data:`DEFAULT_CLASS_MAP` is used: anger/angry, disgust, fear, sadness/sad and
        contempt are negative, happiness/happy positive, surprise surprise, neutral
        dropped (also the BU-3DFE codes AN, DI, FE, SA, HA, SU, NE). A given map
        replaces the default.
    return_neutral : bool, default=False
        Also load the neutral face of each expression image (``neutral`` in the
        result), for teachers that learn from the neutral-to-expression motion. The
        partner is the CSV's ``neutral`` entry where the row has one, else, for
        BU-3DFE names, the subject's neutral image ``F0001_NE00WH_F2D`` (among the
        set's images, of any class, or in the expression image's folder). CK+ has no
        neutral image but sequences that start neutral: list each sequence's last
        frame with its first frame as ``neutral`` in a CSV. An image without a
        partner raises ValueError naming it.

    Returns
    -------
    data : Bunch
        ``X`` uint8 RGB images of shape ``(n, height, width, 3)``, ``y`` (0 negative,
        1 positive, 2 surprise), ``target_names``, ``frame`` (path, emotion as in the
        set, label) and ``DESCR``. With ``return_neutral=True`` also ``neutral``,
        uint8 images of the shape of ``X`` (row i the neutral face of ``X[i]``), and
        the column ``neutral_path`` in ``frame``.

    Warns
    -----
    UserWarning
        When classes that ``class_map`` does not name are found; their images are
        dropped.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import cv2, numpy as np
    >>> from saatkit.datasets import load_expression_images
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for emotion in ("happy", "neutral", "sad"):
    ...     (root / emotion).mkdir()
    ...     _ = cv2.imwrite(str(root / emotion / "1.png"), np.zeros((48, 48, 3), np.uint8))
    >>> data = load_expression_images(root, output_size=32)
    >>> data.X.shape, data.y.tolist()
    ((2, 32, 32, 3), [1, 0])
    """
    path = Path(root)
    if not path.exists():
        raise FileNotFoundError(f"root={str(root)!r}: expression image set {path} does not exist.")
    size = _check_output_size(output_size)
    mapping = _check_class_map(DEFAULT_CLASS_MAP if class_map is None else class_map)
    if not isinstance(return_neutral, (bool, np.bool_)):
        raise TypeError(f"return_neutral must be True or False, got {return_neutral!r}.")
    items, listed = _csv_items(path) if path.is_file() else (_folder_items(path), None)

    kept, kept_listed = _mapped_items(items, listed, mapping, path)
    images = _read_images([file for file, _, _ in kept], size)
    frame = pd.DataFrame(
        {
            "path": [str(f) for f, _, _ in kept],
            "emotion": [name for _, name, _ in kept],
            "label": np.array([label for _, _, label in kept], dtype=np.int64),
        }
    )
    extra = {}
    if return_neutral:
        partners = neutral_partners(
            [file for file, _, _ in kept],
            [file for file, _ in items],
            kept_listed,
            source=str(path),
        )
        extra["neutral"] = _read_images(partners, size)
        frame["neutral_path"] = [str(p) for p in partners]
    counts = Counter(frame["label"])
    descr = (
        f"Facial-expression images from {path}, resized to {size[0]}x{size[1]} RGB, "
        "classes mapped to the MEGC classes: "
        + ", ".join(f"{name} {counts.get(i, 0)}" for i, name in enumerate(MEGC_CLASSES))
        + "."
    )
    return Bunch(
        X=images,
        y=frame["label"].to_numpy(),
        target_names=list(MEGC_CLASSES),
        frame=frame,
        DESCR=descr,
        **extra,
    )
