"""Small AlexNet and VGG-16 networks, the other teachers of the paper's Table 2."""

import numbers

from torch import nn

from ..utils import Substitution, cite
from ._staged import StagedNet, _check_dropout, classifier_layers

_SIZES = """n_classes : int, default=10
        Number of outputs.
    in_channels : int, default=3
        Channels of the input images.
    width : float, default=1.0
        Multiplier of every layer's width."""


def _scaled(channels, width):
    return [max(1, round(c * width)) for c in channels]


def _check_width(width):
    if isinstance(width, bool) or not isinstance(width, numbers.Real) or not width > 0:
        raise ValueError(f"width must be a positive number; got {width!r}.")


def _he_init(module, linear=True):
    """He et al.'s normal initialisation (for ReLU) of the convolutions and linear layers.

    Convolutions use the fan-out, as torchvision's VGG does, linear layers
    (unless ``linear`` is False) the fan-in; biases start at 0.
    """
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d):
            nn.init.kaiming_normal_(layer.weight, mode="fan_out", nonlinearity="relu")
        elif linear and isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        else:
            continue
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)


def _downsample():
    # Rounds up like the stride-2 convolutions of CifarResNet, so stage sizes
    # agree across the networks, and never shrinks a 1-pixel map to nothing.
    return nn.MaxPool2d(kernel_size=3, stride=2, padding=1)


def _conv(in_channels, out_channels, kernel, batch_norm):
    """A "same" convolution, batch-normalised when ``batch_norm``, and a ReLU."""
    layers = [
        nn.Conv2d(in_channels, out_channels, kernel, padding=kernel // 2, bias=not batch_norm)
    ]
    if batch_norm:
        layers.append(nn.BatchNorm2d(out_channels))
    return [*layers, nn.ReLU()]


class _PlainNet(StagedNet):
    """Checks and stores the parameters SmallAlexNet and SmallVGG16 share."""

    def __init__(self, n_classes, in_channels, width, batch_norm, dropout):
        super().__init__(n_classes, in_channels)
        _check_width(width)
        _check_dropout(dropout)
        self.width = width
        self.batch_norm = batch_norm
        self.dropout = dropout


@Substitution(references=cite("krizhevsky2012", "ioffe2015", "he2015"), sizes=_SIZES)
class SmallAlexNet(_PlainNet):
    """AlexNet (Krizhevsky et al., 2012) sized for small images.

    Five convolutions in three stages and three fully connected layers, as in
    AlexNet, with half its convolution channels (32, 96, 192, 128, 128, times
    ``width``), stride-1 5x5 and 3x3 kernels in place of the 11x11 stride-4
    stem, and adaptive average pooling to 2x2 before the classifier, so any
    input size works. Batch normalisation follows each convolution and the
    first two fully connected layers, in place of dropout (see Notes).

    Parameters
    ----------
    %(sizes)s
    batch_norm : bool, default=True
        Normalise after each convolution and after the first two fully
        connected layers (see Notes).
    dropout : float, default=0.0
        Dropout probability before the first two fully connected layers;
        AlexNet's is 0.5 (see Notes).

    Attributes
    ----------
    stages : nn.ModuleList
        Three stages at full, half and quarter resolution (sizes rounded up);
        each output is taken after its final ReLU, before pooling.
    head : nn.Sequential
        Pooling and the three fully connected layers (``512 * width`` hidden
        units), the first two batch-normalised.

    Notes
    -----
    Batch normalisation, which AlexNet predates, and no dropout are what let
    the network learn at the demo's settings (Adam at 1e-3, batches of 16,
    10 epochs). As AlexNet, it stays at chance on the synthetic expressions:
    the loss does not leave ``ln 3`` and every image is called negative (UAR
    0.33). Normalising after the convolutions only shortens this plateau
    (UAR 0.57), as does normalising the fully connected layers too while
    keeping dropout (0.36 to 0.74 by seed): dropping half of the pooled
    features and hidden units hides the small differences between
    expressions for most of the 10 epochs. Without dropout, which batch
    normalisation makes largely redundant (Ioffe and Szegedy, 2015,
    Sec. 4.2.1), UAR is 0.83 and 0.87 for two seeds, and 0.93, 0.89 and 0.88
    for three with the convolutions drawn from He et al.'s initialisation
    (fan-out, as in :class:`SmallVGG16`, whose Notes say why), as they are
    here (``benchmarks/bench_teachers.py``). A teacher's ``init_std`` replaces
    that initialisation with N(0, ``init_std``). With batch normalisation in
    the fully connected layers, training batches must hold at least two
    images; skorch's last batch holds one when ``len(X) %% batch_size == 1``
    (``iterator_train__drop_last=True`` avoids it).

    Stages are separated by 3x3 stride-2 max pooling with padding 1, as in
    AlexNet but padded so that sizes round up. The stage resolutions match
    those of :class:`CifarResNet`, so a
    ``SmallAlexNet`` teacher can be paired stage for stage with a ResNet
    student.

    %(references)s

    Examples
    --------
    >>> import torch
    >>> from saatkit.nn import SmallAlexNet
    >>> net = SmallAlexNet(n_classes=3, in_channels=1)
    >>> logits, *stages = net(torch.zeros(2, 1, 20, 20), return_stages=True)
    >>> tuple(logits.shape), [tuple(s.shape[2:]) for s in stages]
    ((2, 3), [(20, 20), (10, 10), (5, 5)])
    """

    def __init__(self, n_classes=10, in_channels=3, width=1.0, batch_norm=True, dropout=0.0):
        super().__init__(n_classes, in_channels, width, batch_norm, dropout)
        c1, c2, c3, c4, c5 = _scaled([32, 96, 192, 128, 128], width)
        (hidden,) = _scaled([512], width)

        self.stem = nn.Identity()
        self.stages = nn.ModuleList(
            [
                nn.Sequential(*_conv(in_channels, c1, 5, batch_norm)),
                nn.Sequential(_downsample(), *_conv(c1, c2, 5, batch_norm)),
                nn.Sequential(
                    _downsample(),
                    *_conv(c2, c3, 3, batch_norm),
                    *_conv(c3, c4, 3, batch_norm),
                    *_conv(c4, c5, 3, batch_norm),
                ),
            ]
        )

        def fully_connected(in_features):
            layers = [nn.Dropout(dropout), nn.Linear(in_features, hidden, bias=not batch_norm)]
            if batch_norm:
                layers.append(nn.BatchNorm1d(hidden))
            return [*layers, nn.ReLU()]

        self.head = nn.Sequential(
            _downsample(),
            nn.AdaptiveAvgPool2d(2),
            nn.Flatten(),
            *fully_connected(c5 * 4),
            *fully_connected(hidden),
            nn.Linear(hidden, n_classes),
        )
        # Measured with PyTorch's default for the linear layers only.
        _he_init(self, linear=False)


@Substitution(references=cite("simonyan2015", "he2015", "ioffe2015"), sizes=_SIZES)
class SmallVGG16(_PlainNet):
    """VGG-16 (Simonyan and Zisserman, 2015) sized for small images.

    Thirteen 3x3 convolutions in five stages (2, 2, 3, 3, 3) and three fully
    connected layers, as in VGG-16, at a quarter of its width (16, 32, 64,
    128, 128 channels, times ``width``), with batch normalisation after each
    convolution (optional) and adaptive average pooling before the
    classifier, so any input size works. Weights start from He et al.'s
    initialisation, as in torchvision's VGG, and there is no dropout by
    default (see Notes).

    Parameters
    ----------
    %(sizes)s
    batch_norm : bool, default=True
        Normalise after each convolution; without it a 16-layer network
        initialised from N(0, 0.02) hardly trains.
    dropout : float, default=0.0
        Dropout probability after the first two fully connected layers;
        VGG-16's is 0.5 (see Notes).

    Attributes
    ----------
    stages : nn.ModuleList
        Five stages at 1, 1/2, 1/4, 1/8 and 1/16 of the input size (rounded
        up); each output is taken after its final ReLU, before pooling.
    head : nn.Sequential
        Global average pooling and three fully connected layers
        (``256 * width`` hidden units).

    Notes
    -----
    The weights are drawn from He et al.'s normal distribution (standard
    deviation ``sqrt(2 / fan)``, fan-out for convolutions, fan-in for linear
    layers), not PyTorch's default, which is 2.4 times narrower for the
    convolutions (``1 / sqrt(3 fan_in)``). Batch normalisation makes each
    convolution blind to the scale of its weights, so a step of Adam, whose
    size does not depend on that scale, turns narrow weights faster: from
    PyTorch's default, at the demo's learning rate of 1e-3, the network stays
    at chance on the synthetic expressions (UAR 0.33 after 10 epochs). From
    He's, it reaches 0.92 or 0.51 depending on the seed, with VGG-16's
    dropout of 0.5, and 0.94, 0.87 and 0.81 for three seeds without dropout,
    which batch normalisation makes largely redundant (Ioffe and Szegedy,
    2015, Sec. 4.2.1; ``benchmarks/bench_teachers.py``). A teacher's ``init_std``
    replaces this initialisation with N(0, ``init_std``).

    Stages are separated by 3x3 stride-2 max pooling with padding 1 (VGG
    uses 2x2) so that sizes round up as in :class:`CifarResNet` and a 1-pixel
    map stays 1 pixel. The first three stages have the resolutions of
    :class:`CifarResNet`'s three stages: pair them with
    ``teacher_stages=(0, 1, 2)`` in :class:`AttentionTransferClassifier`.

    %(references)s

    Examples
    --------
    >>> import torch
    >>> from saatkit.nn import SmallVGG16
    >>> net = SmallVGG16(n_classes=3)
    >>> logits, *stages = net(torch.zeros(2, 3, 16, 16), return_stages=True)
    >>> [tuple(s.shape[2:]) for s in stages]
    [(16, 16), (8, 8), (4, 4), (2, 2), (1, 1)]
    """

    def __init__(self, n_classes=10, in_channels=3, width=1.0, batch_norm=True, dropout=0.0):
        super().__init__(n_classes, in_channels, width, batch_norm, dropout)
        channels = _scaled([16, 32, 64, 128, 128], width)
        (hidden,) = _scaled([256], width)
        stages = []
        previous = in_channels
        for index, (out_channels, n_convs) in enumerate(zip(channels, (2, 2, 3, 3, 3))):
            layers = [_downsample()] if index > 0 else []
            for _ in range(n_convs):
                layers += _conv(previous, out_channels, 3, batch_norm)
                previous = out_channels
            stages.append(nn.Sequential(*layers))
        self.stem = nn.Identity()
        self.stages = nn.ModuleList(stages)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            *classifier_layers(channels[-1], hidden, n_classes, dropout),
        )
        _he_init(self)
