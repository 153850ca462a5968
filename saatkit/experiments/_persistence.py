"""Fitted estimators kept in a results folder, in files that cannot run code when read.

Reading a pickle runs whatever code the file names, so a results folder that someone
else wrote, or that was tampered with, would run code when a run resumes into it.
Here a fitted estimator is written with ``torch.save`` holding only tensors, numbers,
strings, lists and dicts, and read back with ``torch.load(weights_only=True)``, which
refuses anything else. The estimator itself is never read from the file: it is rebuilt
from the configuration (the unfitted ``template``), and only its fitted state, checked
against the template's class, is restored into it.
"""

import io
import json
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.base import clone
from skorch import NeuralNet
from skorch.history import History

from ..clips import atomic_write

FORMAT = "saatkit-fitted/1"

# Attributes skorch sets in ``initialize``; the network's own fitted state is the rest.
_SKORCH_OWN = {
    "history_",
    "initialized_",
    "virtual_params_",
    "init_context_",
    "callbacks_",
    "prefixes_",
    "cuda_dependent_attributes_",
}


class UnreadableFileError(ValueError):
    """A file in the results folder that saatkit did not write, or that is damaged."""


def _class_name(obj):
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def _to_json(value):
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufU":
        return {"ndarray": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot keep a fitted attribute of type {type(value).__name__}")


def _from_json(value):
    if isinstance(value, dict) and set(value) == {"ndarray", "dtype"}:
        return np.asarray(value["ndarray"], dtype=np.dtype(value["dtype"]))
    return value


def _net_state(net):
    components = {f"{name}_" for name in net._modules + net._criteria + net._optimizers}
    attributes = {
        name: _to_json(value)
        for name, value in vars(net).items()
        if name.endswith("_") and name not in _SKORCH_OWN | components
    }
    modules = {
        name: getattr(net, f"{name}_").state_dict()
        for name in net._modules + net._criteria
        if isinstance(getattr(net, f"{name}_", None), torch.nn.Module)
    }
    history = json.dumps(net.history_.to_list(), default=_to_json)
    return {"attributes": json.dumps(attributes), "modules": modules, "history": history}


def _restore_net(template, state):
    # The optimizer is built afresh: prediction does not need its state.
    net = clone(template)
    for name, value in json.loads(state["attributes"]).items():
        setattr(net, name, _from_json(value))
    net.initialize()
    for name, weights in state["modules"].items():
        if name not in net._modules + net._criteria:
            raise ValueError(f"it holds weights of an unknown part {name!r}")
        getattr(net, f"{name}_").load_state_dict(weights)
    net.history_ = History(json.loads(state["history"]))
    return net


def _state(estimator):
    if isinstance(estimator, NeuralNet):
        return _net_state(estimator)
    if hasattr(estimator, "save") and hasattr(type(estimator), "load"):
        buffer = io.BytesIO()
        estimator.save(buffer)
        return {"saved": torch.frombuffer(bytearray(buffer.getvalue()), dtype=torch.uint8)}
    raise TypeError(f"saatkit cannot keep a fitted {type(estimator).__name__} safely.")


def _restore(template, state):
    if isinstance(template, NeuralNet):
        return _restore_net(template, state)
    return type(template).load(io.BytesIO(state["saved"].numpy().tobytes()))


def save_fitted(path, estimator, fingerprint):
    """Write a fitted estimator to ``path`` (atomically) in a format that runs no code.

    Parameters
    ----------
    path : str or Path
        The file; its folder is created.
    estimator : skorch.NeuralNet or estimator with ``save`` and a ``load`` classmethod
        Fitted.
    fingerprint : str
        What the estimator was fitted from; :func:`load_fitted` returns it only for the
        same fingerprint.
    """
    content = {
        "format": FORMAT,
        "class": _class_name(estimator),
        "fingerprint": str(fingerprint),
        "state": _state(estimator),
    }
    atomic_write(path, lambda tmp: torch.save(content, tmp))


def load_fitted(path, template, fingerprint):
    """Read an estimator written by :func:`save_fitted`; None when absent or stale.

    Parameters
    ----------
    path : str or Path
    template : estimator
        Unfitted, with the parameters of the saved one; the result is a clone of it with
        the saved fitted state.
    fingerprint : str
        The fingerprint the saved estimator must have been written with.

    Returns
    -------
    estimator or None
        None when ``path`` does not exist or was written for another fingerprint.

    Raises
    ------
    UnreadableFileError
        When the file was not written by :func:`save_fitted` for this kind of
        estimator, or is damaged. Nothing in the file is executed.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        with warnings.catch_warnings():
            # torch warns about a foreign pickle's protocol before refusing it.
            warnings.simplefilter("ignore")
            content = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - torch raises many kinds for bad files
        raise UnreadableFileError(
            f"{path} is not a file saatkit wrote, or it is damaged ({type(exc).__name__})."
        ) from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise UnreadableFileError(f"{path} is not a fitted estimator saved by saatkit.")
    if content.get("class") != _class_name(template):
        raise UnreadableFileError(
            f"{path} holds a {content.get('class')}, not a {_class_name(template)}."
        )
    if content.get("fingerprint") != str(fingerprint):
        return None
    try:
        return _restore(template, content["state"])
    except Exception as exc:  # noqa: BLE001 - any failure means the file is not ours
        raise UnreadableFileError(f"{path} cannot be restored: {exc}") from None


def cached_fit(path, estimator, X, y, fingerprint):
    """Fit once; later calls with the same fingerprint load the fitted estimator.

    A file at ``path`` that is stale is refitted; one that cannot be read safely is
    refitted with a warning naming it (and then replaced).

    Parameters
    ----------
    path : str or Path
        Where the fitted estimator is kept.
    estimator : estimator
        Unfitted; see :func:`save_fitted` for the kinds supported.
    X, y
        Passed to ``estimator.fit``.
    fingerprint : str
        A digest of everything the fit depends on.

    Returns
    -------
    estimator
        Fitted.
    """
    try:
        fitted = load_fitted(path, estimator, fingerprint)
    except UnreadableFileError as exc:
        warnings.warn(f"{exc} Fitting again; the file will be replaced.", stacklevel=2)
        fitted = None
    if fitted is not None:
        return fitted
    estimator.fit(X, y)
    save_fitted(path, estimator, fingerprint)
    return estimator
