"""The teacher's attention maps of training images, kept on disk from one fit to the next.

Under leave-one-subject-out every fold's student trains on nearly the same images with
the same frozen teacher, so the teacher's maps of an image are the same in every fold.
They are stored one ``.npy`` file per image (its stages' maps, flattened and joined;
read without pickle), named by a hash of the image's bytes, in a folder named by a hash
of the teacher's weights and of how the maps are taken, beside ``stages.json``, the
shape of each stage's map; a later fit, in this process or another, reads them instead
of running the teacher again.
"""

import json
import os
from pathlib import Path

import joblib
import numpy as np
import torch
from sklearn.utils.validation import check_memory

from ..clips import atomic_write
from ..utils import array_digest


def memory_location(memory):
    """The folder of ``memory`` (None, a path or a ``joblib.Memory``), or None."""
    if isinstance(memory, os.PathLike):
        memory = os.fspath(memory)
    return check_memory(memory).location


def maps_folder(location, teacher, p, stages, images):
    """The folder of one teacher's maps of images shaped like ``images[0]``."""
    weights = [value.detach().cpu().numpy() for value in teacher.state_dict().values()]
    key = joblib.hash(
        [type(teacher).__qualname__, weights, float(p), stages, images.dtype.str, images.shape[1:]]
    )
    return Path(location) / "saatkit-teacher-maps" / key


def _read(path, size):
    try:
        flat = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return flat if flat.shape == (size,) and flat.dtype == np.float32 else None


def _stage_shapes(folder):
    try:
        shapes = json.loads((folder / "stages.json").read_text())
    except (OSError, ValueError):
        return None
    return [tuple(shape) for shape in shapes]


def cached_maps(folder, images, compute, device):
    """The maps of every image, from ``folder`` where stored, else ``compute(images)``.

    ``compute`` takes an array of images and returns one tensor ``(n, H_j, W_j)`` per
    stage. Maps it computes are stored, each file written atomically, so that folds
    running side by side may share the folder. A file that cannot be read, or does not
    hold maps of the folder's shapes, is computed again.
    """
    # The folder's key holds the images' type and shape; a file's name, its bytes.
    keys = [array_digest(image) for image in images]
    shapes = _stage_shapes(folder)
    stored = {}
    if shapes is not None:
        size = sum(h * w for h, w in shapes)
        for key in dict.fromkeys(keys):
            flat = _read(folder / f"{key}.npy", size)
            if flat is not None:
                stored[key] = flat
    missing = [i for i, key in enumerate(keys) if key not in stored]
    if missing:
        computed = [stage.cpu().numpy().astype(np.float32) for stage in compute(images[missing])]
        if shapes is None:
            shapes = [stage.shape[1:] for stage in computed]
            atomic_write(
                folder / "stages.json",
                lambda tmp: Path(tmp).write_text(json.dumps([list(s) for s in shapes])),
            )
        flat = np.concatenate([stage.reshape(len(missing), -1) for stage in computed], axis=1)
        for row, i in enumerate(missing):
            stored[keys[i]] = flat[row]
            atomic_write(folder / f"{keys[i]}.npy", lambda tmp, r=row: np.save(tmp, flat[r]))
    joined = np.stack([stored[key] for key in keys])
    maps, start = [], 0
    for h, w in shapes:
        maps.append(torch.as_tensor(joined[:, start : start + h * w].reshape(-1, h, w)).to(device))
        start += h * w
    return maps
