"""Content fingerprints of estimators, stable across pickling and processes."""

import sys

from joblib.hashing import NumpyHasher


def _is_skorch_net(obj):
    skorch = sys.modules.get("skorch")
    return skorch is not None and isinstance(obj, skorch.NeuralNet)


class _ContentHasher(NumpyHasher):
    """joblib's hasher, with torch tensors hashed by value.

    ``joblib.hash`` pickles tensors through their storages, and skorch pickles its
    modules as ``torch.save`` bytes: both give a fitted network a different hash after a
    round trip through pickle, although its weights are the same. Here a tensor is
    hashed as the numpy array of its values, a torch module as its ``state_dict``, and a
    skorch net as its parameters and the state of its fitted modules, which is all its
    predictions depend on (its optimizer state and training history are left out).
    """

    def save(self, obj):
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(obj, torch.Tensor):
            obj = ("torch.Tensor", obj.detach().cpu().numpy())
        elif torch is not None and isinstance(obj, torch.nn.Module):
            obj = (
                "torch.nn.Module",
                type(obj).__module__,
                type(obj).__qualname__,
                dict(obj.state_dict()),
            )
        elif _is_skorch_net(obj):
            state = vars(obj)
            modules = {name: state.get(f"{name}_") for name in state.get("_modules", [])}
            obj = (
                "skorch",
                type(obj).__module__,
                type(obj).__qualname__,
                obj.get_params(deep=False),
                modules,
                state.get("classes_inferred_"),
            )
        super().save(obj)


def content_hash(obj):
    """A hex digest of ``obj`` that depends only on its content.

    Equal for an estimator and its copy loaded from a pickle, in any process.
    """
    return _ContentHasher().hash(obj)
