"""The CIFAR-style residual network of He et al. (2016)."""

import numbers

import torch.nn.functional as F
from torch import nn

from ..utils import Substitution, cite
from ._staged import StagedNet, _check_positive_int


def _conv3x3(in_channels, out_channels, stride=1):
    return nn.Conv2d(
        in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False
    )


class _BasicBlock(nn.Module):
    """Two 3x3 convolutions and an option-A (parameter-free) shortcut."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = _conv3x3(in_channels, out_channels, stride)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = _conv3x3(out_channels, out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.stride = stride
        extra = out_channels - in_channels
        self.channel_padding = (extra // 2, extra - extra // 2)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x
        if self.stride != 1:
            # Taking every stride-th pixel gives ceil(H / stride) rows, the same
            # as the padded 3x3 convolution, for odd sizes too.
            shortcut = shortcut[:, :, :: self.stride, :: self.stride]
        if any(self.channel_padding):
            shortcut = F.pad(shortcut, (0, 0, 0, 0, *self.channel_padding))
        return F.relu(out + shortcut)


@Substitution(references=cite("he2016"))
class CifarResNet(StagedNet):
    """CIFAR-style ResNet with option-A shortcuts (He et al., 2016, Sec. 4.2).

    A 3x3 convolution with ``16 * width`` channels, then three stages of
    ``(depth - 2) / 6`` basic blocks with ``16, 32, 64`` channels (times
    ``width``); the first block of stages 2 and 3 halves the spatial size.
    Shortcuts that change shape subsample and zero-pad (no parameters).
    Global average pooling makes the network accept any input size; a linear
    layer gives the logits.

    Parameters
    ----------
    depth : int, default=20
        Number of weighted layers, ``6 n + 2`` with ``n >= 1``: 20, 32, 38, 44, 50,
        56 and 110 are the depths used by He et al. (2016) and by the SA-AT paper's
        Table 2.
    n_classes : int, default=10
        Number of outputs.
    in_channels : int, default=3
        Channels of the input images.
    width : int, default=1
        Channel multiplier of every convolution.

    Attributes
    ----------
    stem : nn.Sequential
        The first convolution, batch normalisation and ReLU.
    stages : nn.ModuleList
        The three stages; ``forward(x, return_stages=True)`` returns their
        outputs, each after its final ReLU.
    head : nn.Sequential
        Global average pooling and the linear classifier.

    Notes
    -----
    With ``in_channels=3``, ``width=1`` and 10 classes, depth 20 has 269,722
    parameters and depth 110 has 1,727,962 (batch-normalisation scales and
    shifts and the classifier's bias included), the "0.27M" and "1.7M" of
    He et al.'s Table 6. Stage ``j`` (from 0) of an ``H x W`` input is
    ``ceil(H / 2**j) x ceil(W / 2**j)``.

    %(references)s

    Examples
    --------
    >>> import torch
    >>> from saatkit.nn import CifarResNet
    >>> net = CifarResNet(depth=20, n_classes=10)
    >>> sum(p.numel() for p in net.parameters())
    269722
    >>> logits, *stages = net(torch.zeros(2, 3, 32, 32), return_stages=True)
    >>> tuple(logits.shape), [tuple(s.shape[1:]) for s in stages]
    ((2, 10), [(16, 32, 32), (32, 16, 16), (64, 8, 8)])
    """

    def __init__(self, depth=20, n_classes=10, in_channels=3, width=1):
        if (
            isinstance(depth, bool)
            or not isinstance(depth, numbers.Integral)
            or depth < 8
            or (depth - 2) % 6
        ):
            raise ValueError(
                "depth must be 6n + 2 for an integer n >= 1 (20, 32, 56, 110, ...); "
                f"got {depth!r}."
            )
        super().__init__(n_classes, in_channels)
        _check_positive_int(width, "width")
        self.depth = depth
        self.width = width

        n_blocks = (depth - 2) // 6
        channels = [16 * width, 32 * width, 64 * width]
        self.stem = nn.Sequential(
            _conv3x3(in_channels, channels[0]), nn.BatchNorm2d(channels[0]), nn.ReLU()
        )
        stages = []
        previous = channels[0]
        for index, out_channels in enumerate(channels):
            blocks = []
            for block in range(n_blocks):
                stride = 2 if index > 0 and block == 0 else 1
                blocks.append(_BasicBlock(previous, out_channels, stride))
                previous = out_channels
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.ModuleList(stages)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels[-1], n_classes)
        )
