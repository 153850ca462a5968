"""Seeding torch's generators, drawing initial weights, re-estimating batch-norm statistics."""

import numbers
from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import check_random_state
from torch import nn

_BATCH_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


@contextmanager
def seeded(random_state, device):
    """Run the block with torch's generators seeded, then restore them.

    Weight initialisation, the shuffling of the data loader and dropout all
    draw from torch's global generators; forking them keeps ``random_state``
    from disturbing the caller's stream.
    """
    if random_state is None:
        yield
        return
    generator = check_random_state(random_state)
    if isinstance(random_state, numbers.Integral):
        seed = int(random_state)
    else:
        seed = int(generator.randint(np.iinfo(np.int32).max))
    # device=None is skorch's "leave the module where it is": fork the CPU
    # generator only, as for "cpu".
    device = torch.device("cpu" if device is None else device)
    devices = []
    if device.type == "cuda":
        devices = [device.index if device.index is not None else torch.cuda.current_device()]
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def normal_init(module, std):
    """Draw convolution and linear weights from N(0, std**2), zero biases."""
    for layer in module.modules():
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.normal_(layer.weight, mean=0.0, std=std)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)


def recalibrate_batch_norm(module, batches):
    """Re-estimate the batch-norm statistics of ``module`` over ``batches`` ("precise BN").

    ``batches`` are inputs of ``module``; it is left in eval mode.
    """
    # Weights drawn from N(0, 0.02) give activations of variance ~1e-4;
    # running variances start at 1 and move 10% a step, so after a short
    # fit they are far too large and eval-mode predictions are near
    # chance. One pass averaging the batch statistics of the final
    # weights fixes that, at a third of an epoch's cost.
    norms = [
        layer
        for layer in module.modules()
        if isinstance(layer, _BATCH_NORMS) and layer.track_running_stats
    ]
    if not norms:
        return
    momenta = [layer.momentum for layer in norms]
    module.eval()
    for layer in norms:
        layer.reset_running_stats()
        layer.momentum = None  # cumulative average over the pass
        layer.train()
    try:
        with torch.no_grad():
            for x in batches:
                module(x)
    finally:
        for layer, momentum in zip(norms, momenta):
            layer.momentum = momentum
            layer.eval()
