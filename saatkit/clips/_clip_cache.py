"""A per-clip result cache whose files cannot run code when read.

joblib's ``Memory`` keeps results as pickles, and reading a pickle runs whatever code
it names: a cache folder inside a results folder that someone else wrote would run
code when a run resumes into it. Here a result (numbers, strings, None, arrays, and
tuples, lists and dicts of these) is kept as one ``.npz`` file: the arrays as arrays,
the structure as JSON, read back with ``allow_pickle=False``.
"""

import json
import warnings
from pathlib import Path

import numpy as np
from joblib import hash as joblib_hash

from ._files import atomic_write


def _encode(value, arrays):
    if isinstance(value, (np.ndarray, np.generic)):
        if np.asarray(value).dtype.hasobject:
            raise TypeError("object arrays cannot be cached safely")
        arrays.append(np.asarray(value))
        kind = "array" if isinstance(value, np.ndarray) else "scalar"
        return {kind: len(arrays) - 1}
    if isinstance(value, (tuple, list)):
        items = [_encode(v, arrays) for v in value]
        return {"tuple": items} if isinstance(value, tuple) else items
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("only dicts with string keys can be cached")
        return {"dict": {k: _encode(v, arrays) for k, v in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"a {type(value).__name__} cannot be cached safely")


def _decode(node, arrays):
    if isinstance(node, list):
        return [_decode(v, arrays) for v in node]
    if isinstance(node, dict):
        ((kind, value),) = node.items()
        if kind == "array":
            return arrays[f"a{value}"]
        if kind == "scalar":
            return arrays[f"a{value}"][()]
        if kind == "tuple":
            return tuple(_decode(v, arrays) for v in value)
        return {k: _decode(v, arrays) for k, v in value.items()}
    return node


def save_result(path, value):
    """Write a result to a file atomically, as arrays plus a JSON structure.

    Parameters
    ----------
    path : str or Path
        The ``.npz`` file to write; a reader never sees it half written.
    value : object
        Numbers, strings, None, arrays, and tuples, lists and dicts of these.

    See Also
    --------
    load_result : Reads the value back without unpickling anything.
    """
    arrays = []
    structure = json.dumps(_encode(value, arrays))

    def write(tmp):
        with open(tmp, "wb") as f:
            np.savez(f, structure=np.str_(structure), **{f"a{i}": a for i, a in enumerate(arrays)})

    atomic_write(path, write)


def load_result(path):
    """Read a result that :func:`save_result` wrote, with ``allow_pickle=False``.

    Parameters
    ----------
    path : str or Path
        The file :func:`save_result` wrote.

    Returns
    -------
    value : object
        The saved value, tuples as tuples and arrays as arrays.

    Raises
    ------
    ValueError
        When the file is damaged or was not written by :func:`save_result`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from saatkit.clips import load_result, save_result
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "result.npz"
    >>> save_result(path, {"apex": 3, "curve": np.arange(3.0), "name": ("a", None)})
    >>> load_result(path)
    {'apex': 3, 'curve': array([0., 1., 2.]), 'name': ('a', None)}
    """
    try:
        with np.load(path, allow_pickle=False) as saved:
            arrays = {name: saved[name] for name in saved.files}
        return _decode(json.loads(str(arrays.pop("structure"))), arrays)
    except Exception as exc:  # noqa: BLE001 - numpy, zipfile and json raise many kinds
        raise ValueError(
            f"{path} is not a cache file saatkit wrote, or it is damaged ({type(exc).__name__})."
        ) from None


def cached_call(folder, func, clip, clip_key, params, version):
    """``func(clip, **params)``, from ``folder`` when an earlier call stored it."""
    name = f"{func.__module__}.{func.__qualname__}"
    key = joblib_hash([name, clip_key, params, version])
    path = Path(folder) / "saatkit-clips" / name / f"{key}.npz"
    if path.exists():
        try:
            return load_result(path)
        except ValueError as exc:
            warnings.warn(f"{exc} Clip {clip.name!r} is computed again.", stacklevel=2)
    value = func(clip, **params)
    save_result(path, value)
    return value
