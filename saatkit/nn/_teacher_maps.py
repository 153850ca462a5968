"""The teacher's attention maps of training images, kept on disk from one fit to the next.

Under leave-one-subject-out every fold's student trains on nearly the same images with
the same frozen teacher, so the teacher's maps of an image are the same in every fold.
They are stored one file per image, named by a hash of the image's bytes, in a folder
named by a hash of the teacher's weights and of how the maps are taken; a later fit, in
this process or another, reads them instead of running the teacher again.
"""

import hashlib
import os
from pathlib import Path

import joblib
import numpy as np
import torch
from sklearn.utils.validation import check_memory

from ..clips import load_result, save_result


def memory_location(memory):
    """The folder of ``memory`` (None, a path or a ``joblib.Memory``), or None."""
    if isinstance(memory, os.PathLike):
        memory = os.fspath(memory)
    return check_memory(memory).location


def maps_folder(location, teacher, p, stages, images):
    """The folder of one teacher's maps of images shaped like ``images[0]``."""
    weights = [value.detach().cpu().numpy() for value in teacher.state_dict().values()]
    key = joblib.hash([type(teacher).__qualname__, weights, float(p), stages,
                       images.dtype.str, images.shape[1:]])
    return Path(location) / "saatkit-teacher-maps" / key


def _image_key(image):
    return hashlib.blake2b(np.ascontiguousarray(image).data, digest_size=16).hexdigest()


def cached_maps(folder, images, compute, device):
    """The maps of every image, from ``folder`` where stored, else ``compute(images)``.

    ``compute`` takes an array of images and returns one tensor ``(n, H_j, W_j)`` per
    stage. Maps it computes are stored, each file written atomically, so that folds
    running side by side may share the folder. A file that cannot be read is computed
    again.
    """
    keys = [_image_key(image) for image in images]
    stored = {}
    for key in dict.fromkeys(keys):
        path = folder / f"{key}.npz"
        if path.exists():
            try:
                stored[key] = load_result(path)
            except ValueError:
                pass
    missing = [i for i, key in enumerate(keys) if key not in stored]
    if missing:
        computed = [stage.cpu().numpy() for stage in compute(images[missing])]
        for row, i in enumerate(missing):
            stored[keys[i]] = [stage[row] for stage in computed]
            save_result(folder / f"{keys[i]}.npz", stored[keys[i]])
    n_stages = len(stored[keys[0]])
    return [torch.as_tensor(np.stack([stored[key][s] for key in keys])).to(device)
            for s in range(n_stages)]
