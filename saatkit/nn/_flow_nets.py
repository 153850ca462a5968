"""Shallow networks of the optical-flow methods: STSTNet and OFF-ApexNet."""

import numbers

import torch
from torch import nn

from ..utils import Substitution, cite
from ._staged import StagedNet, _check_dropout, _check_positive_int, classifier_layers

# Both networks classify the three MEGC 2019 classes by default.
_N_CLASSES = """n_classes : int, default=3
        Number of outputs."""


def _check_filters(filters):
    valid = (
        isinstance(filters, (list, tuple))
        and len(filters) > 0
        and all(
            isinstance(f, numbers.Integral) and not isinstance(f, bool) and f > 0 for f in filters
        )
    )
    if not valid:
        raise ValueError(
            f"stream_filters must be a non-empty sequence of positive integers; got {filters!r}."
        )


class _SplitStreams(nn.Module):
    """One convolution per stream, each on its own equal share of the input channels.

    The same computation as a grouped convolution (``groups=n_streams``), which
    PyTorch runs about twice as slowly on a CPU for these small maps.
    """

    def __init__(self, in_channels, out_channels, n_streams, kernel_size, padding):
        super().__init__()
        self.streams = nn.ModuleList(
            nn.Conv2d(
                in_channels // n_streams, out_channels // n_streams, kernel_size, padding=padding
            )
            for _ in range(n_streams)
        )

    def forward(self, x):
        parts = torch.chunk(x, len(self.streams), dim=1)
        return torch.cat([conv(part) for conv, part in zip(self.streams, parts)], dim=1)


@Substitution(references=cite("liong2019"), n_classes=_N_CLASSES)
class STSTNet(StagedNet):
    """Shallow triple-stream three-dimensional CNN of Liong et al. (2019).

    Three parallel streams on the optical flow of a clip (channels u, v and
    optical strain), each a 3x3 convolution with padding 2 (3, 5 and 8
    filters), ReLU, batch normalisation and 3x3 max pooling with stride 3 and
    padding 1; the 16 maps are concatenated, dropped out (0.5), average-pooled
    to 5x5, flattened (400 values) and mapped to the classes by one linear
    layer.

    Parameters
    ----------
    %(n_classes)s
    in_channels : int, default=3
        Channels of the flow image (u, v and strain in the paper).
    stream_filters : sequence of int, default=(3, 5, 8)
        Filters of each stream's convolution.
    dropout : float, default=0.5
        Dropout probability on the concatenated maps.

    Attributes
    ----------
    stages : nn.ModuleList
        One stage, the streams (convolution, ReLU, batch normalisation, max
        pooling): its output, the streams' maps after max pooling and before
        dropout, is what attention transfer compares. For
        a 28x28 input it is ``(16, 10, 10)``; for ``H x W`` it is
        ``floor((H + 1) / 3) + 1`` by ``floor((W + 1) / 3) + 1``.
    head : nn.Sequential
        Dropout, average pooling to 5x5, flattening and the linear layer.

    Notes
    -----
    For a 3x28x28 input and 3 classes the network has 1,683 parameters: 448
    in the convolutions (``16 * (3 * 9 + 1)``), 32 in batch normalisation and
    1,203 in the linear layer (``400 * 3 + 3``). The paper's 2x2 average
    pooling of the 10x10 maps is written as adaptive average pooling to 5x5,
    which is the same for a 28x28 input and lets other sizes through with the
    same number of parameters.

    The three streams see the same input and every step after the
    convolution acts channel by channel, so they compute what one
    convolution with 16 filters does, and are run as one: output channels
    0-2 are the first stream's, 3-7 the second's and 8-15 the third's
    (``stream_filters`` sets the split). Batch normalisation and pooling are
    per channel, so the maps are exactly the streams'.

    The reference trains with Adam at 5e-5, batches of 256, for 500 to 800
    epochs. On 440 noisy flow-like images (the fixture of saatkit's tests)
    that setting stays near chance after 20 epochs (UAR 0.41 on held-out
    images), while Adam at 1e-3 with batches of 32 for 20 epochs reaches
    0.89 in 10 to 20 s on one CPU core; give ``init_std=None`` to the
    estimator so that the network keeps PyTorch's initialisation.

    Its single stage is 10x10 for 28x28 flow, so it pairs in attention
    transfer with another STSTNet (or any network with a 10x10 stage), not
    with the stages of :class:`CifarResNet` (28, 14 and 7).

    %(references)s

    Examples
    --------
    >>> import torch
    >>> from saatkit.nn import STSTNet
    >>> net = STSTNet(n_classes=3, in_channels=3)
    >>> sum(p.numel() for p in net.parameters())
    1683
    >>> logits, stage = net(torch.zeros(2, 3, 28, 28), return_stages=True)
    >>> tuple(logits.shape), tuple(stage.shape)
    ((2, 3), (2, 16, 10, 10))
    """

    def __init__(self, n_classes=3, in_channels=3, stream_filters=(3, 5, 8), dropout=0.5):
        super().__init__(n_classes, in_channels)
        _check_filters(stream_filters)
        _check_dropout(dropout)
        self.stream_filters = stream_filters
        self.dropout = dropout

        # The streams as one convolution: the same function (see Notes), 1.7 times
        # faster on a CPU than three narrow ones.
        n_maps = sum(stream_filters)
        self.stem = nn.Identity()
        self.stages = nn.ModuleList(
            [
                nn.Sequential(
                    nn.Conv2d(in_channels, n_maps, kernel_size=3, padding=2),
                    nn.ReLU(),
                    nn.BatchNorm2d(n_maps),
                    nn.MaxPool2d(kernel_size=3, stride=3, padding=1),
                )
            ]
        )
        self.head = nn.Sequential(
            nn.Dropout(dropout),
            nn.AdaptiveAvgPool2d(5),
            nn.Flatten(),
            nn.Linear(sum(stream_filters) * 25, n_classes),
        )


@Substitution(references=cite("gan2019"), n_classes=_N_CLASSES)
class OFFApexNet(StagedNet):
    """Optical-flow-features-from-apex network of Gan et al. (2019).

    Two LeNet-like streams, one on the horizontal flow u and one on the
    vertical flow v: a 5x5 convolution with 6 filters, ReLU, 2x2 max
    pooling, a 5x5 convolution with 16 filters, ReLU, 2x2 max pooling; the
    two streams' features are concatenated and go through two fully
    connected layers of 1024 units (ReLU, dropout) and a linear layer to the
    classes.

    Parameters
    ----------
    %(n_classes)s
    in_channels : int, default=2
        Must be 2, the channels (u, v). Flow with the optical strain as a
        third channel is refused: compute it with
        ``OpticalFlow(components=("u", "v"))``.
    hidden : int, default=1024
        Units of each of the two fully connected layers.
    dropout : float, default=0.5
        Dropout probability after each fully connected layer.

    Attributes
    ----------
    stages : nn.ModuleList
        Two stages, each output taken after its ReLU and before pooling, the
        u stream's maps first: ``(12, H, W)`` and ``(32, H/2, W/2)`` (sizes
        rounded up), ``(12, 28, 28)`` and ``(32, 14, 14)`` for 28x28 flow,
        the resolutions of the first two stages of a :class:`CifarResNet`
        on the same input.
    head : nn.Sequential
        Pooling to 7x7, flattening and the three fully connected layers.

    Notes
    -----
    Public re-implementations differ in kernel size (3 or 5) and padding.
    This one follows the paper's LeNet-5 layout with "same" padding: 5x5
    kernels with padding 2, so that 28x28 flow gives 28x28 and 14x14 maps and
    16 x 7 x 7 features per stream (1,568 in all). Each stream sees one
    channel only: each convolution runs once per stream on its half of the
    channels, which computes exactly a grouped convolution (``groups=2``), twice
    as fast on a CPU. The second pooling is
    adaptive max pooling to 7x7, the same as 2x2 pooling of 14x14 maps, so
    other input sizes go through the same fully connected layers. With 3
    classes the network has 2,664,475 parameters, nearly all of them in the
    fully connected layers.

    %(references)s

    Examples
    --------
    >>> import torch
    >>> from saatkit.nn import OFFApexNet
    >>> net = OFFApexNet(n_classes=3)
    >>> logits, *stages = net(torch.zeros(2, 2, 28, 28), return_stages=True)
    >>> tuple(logits.shape), [tuple(s.shape[1:]) for s in stages]
    ((2, 3), [(12, 28, 28), (32, 14, 14)])
    """

    def __init__(self, n_classes=3, in_channels=2, hidden=1024, dropout=0.5):
        if in_channels != 2:
            raise ValueError(
                "OFFApexNet has one stream for u and one for v, so it takes flow with "
                f"in_channels=2; got {in_channels!r}. Compute the flow with "
                'OpticalFlow(components=("u", "v")).'
            )
        super().__init__(n_classes, in_channels)
        _check_positive_int(hidden, "hidden")
        _check_dropout(dropout)
        self.hidden = hidden
        self.dropout = dropout

        self.stem = nn.Identity()
        self.stages = nn.ModuleList(
            [
                nn.Sequential(_SplitStreams(2, 12, 2, 5, padding=2), nn.ReLU()),
                nn.Sequential(
                    # Rounds up, as CifarResNet's stride-2 stages do.
                    nn.MaxPool2d(2, ceil_mode=True),
                    _SplitStreams(12, 32, 2, 5, padding=2),
                    nn.ReLU(),
                ),
            ]
        )
        self.head = nn.Sequential(
            nn.AdaptiveMaxPool2d(7),
            nn.Flatten(),
            *classifier_layers(32 * 7 * 7, hidden, n_classes, dropout),
        )
