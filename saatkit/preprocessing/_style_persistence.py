"""A fitted StyleAggregator to a file and back, with torch.save and weights_only loading."""

from numbers import Integral

import numpy as np
import torch

from ..nn import ResnetGenerator

_SAVE_FORMAT = "saatkit.StyleAggregator/1"


def save_aggregator(aggregator, path):
    """Write ``aggregator``'s parameters and fitted state (see StyleAggregator.save)."""
    params = aggregator.get_params()
    if not isinstance(params["random_state"], (Integral, type(None))):
        params["random_state"] = None
    params["device"] = str(params["device"])
    fitted = {
        "n_channels_": aggregator.n_channels_,
        "styles_": aggregator.styles_.tolist(),
        "style_labels_": aggregator.style_labels_.tolist(),
        "style_statistics_": torch.from_numpy(aggregator.style_statistics_),
    }
    if aggregator.method == "moments":
        fitted["target_mean_"] = torch.from_numpy(aggregator.target_mean_)
        fitted["target_std_"] = torch.from_numpy(aggregator.target_std_)
    else:
        fitted["style_a_"] = aggregator.style_a_
        fitted["style_b_"] = aggregator.style_b_
        fitted["history_"] = aggregator.history_
        fitted["generator_a_"] = aggregator.generator_a_.state_dict()
        fitted["generator_b_"] = aggregator.generator_b_.state_dict()
    torch.save({"format": _SAVE_FORMAT, "params": params, "fitted": fitted}, path)


def load_aggregator(cls, path):
    """An aggregator of class ``cls`` read from a file :func:`save_aggregator` wrote."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or state.get("format") != _SAVE_FORMAT:
        raise ValueError(f"{path} is not a file written by StyleAggregator.save.")
    aggregator = cls(**state["params"])
    for name, value in state["fitted"].items():
        if name.startswith("generator_"):
            generator = ResnetGenerator(
                state["fitted"]["n_channels_"],
                aggregator.n_filters,
                aggregator.n_blocks,
            )
            generator.load_state_dict(value)
            value = generator.eval()
        elif isinstance(value, torch.Tensor):
            value = value.numpy()
        elif name in ("styles_", "style_labels_"):
            value = np.asarray(value)
        setattr(aggregator, name, value)
    return aggregator
