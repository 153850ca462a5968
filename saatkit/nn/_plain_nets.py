"""Small AlexNet and VGG-16 networks, the other teachers of the paper's Table 2."""

import numbers

from torch import nn

from ._resnet import _check_positive_int
from ._staged import StagedNet


def _scaled(channels, width):
    return [max(1, round(c * width)) for c in channels]


def _check_width(width):
    if isinstance(width, bool) or not isinstance(width, numbers.Real) or not width > 0:
        raise ValueError(f"width must be a positive number; got {width!r}.")


def _check_dropout(dropout):
    if not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1); got {dropout!r}.")


def _downsample():
    # Rounds up like the stride-2 convolutions of CifarResNet, so stage sizes
    # agree across the networks, and never shrinks a 1-pixel map to nothing.
    return nn.MaxPool2d(kernel_size=3, stride=2, padding=1)


class SmallAlexNet(StagedNet):
    """AlexNet (Krizhevsky et al., 2012) sized for small images.

    Five convolutions in three stages and three fully connected layers, as in
    AlexNet, with half its convolution channels (32, 96, 192, 128, 128, times
    ``width``), stride-1 5x5 and 3x3 kernels in place of the 11x11 stride-4
    stem, and adaptive average pooling to 2x2 before the classifier, so any
    input size works.

    Parameters
    ----------
    n_classes : int, default=10
        Number of outputs.
    in_channels : int, default=3
        Channels of the input images.
    width : float, default=1.0
        Multiplier of every layer's width.
    dropout : float, default=0.5
        Dropout probability before the first two fully connected layers.

    Attributes
    ----------
    stages : nn.ModuleList
        Three stages at full, half and quarter resolution (sizes rounded up);
        each output is taken after its final ReLU, before pooling.
    head : nn.Sequential
        Pooling and the three fully connected layers (``512 * width`` hidden
        units).

    Notes
    -----
    Stages are separated by 3x3 stride-2 max pooling with padding 1, as in
    AlexNet but padded so that sizes round up. The stage resolutions match
    those of :class:`CifarResNet`, so a
    ``SmallAlexNet`` teacher can be paired stage for stage with a ResNet
    student.

    References
    ----------
    .. [1] A. Krizhevsky, I. Sutskever and G. E. Hinton, "ImageNet
       classification with deep convolutional neural networks", NeurIPS 2012.

    Examples
    --------
    >>> import torch
    >>> from saatkit.nn import SmallAlexNet
    >>> net = SmallAlexNet(n_classes=3, in_channels=1)
    >>> logits, *stages = net(torch.zeros(2, 1, 20, 20), return_stages=True)
    >>> tuple(logits.shape), [tuple(s.shape[2:]) for s in stages]
    ((2, 3), [(20, 20), (10, 10), (5, 5)])
    """

    def __init__(self, n_classes=10, in_channels=3, width=1.0, dropout=0.5):
        super().__init__()
        _check_positive_int(n_classes, "n_classes")
        _check_positive_int(in_channels, "in_channels")
        _check_width(width)
        _check_dropout(dropout)
        self.n_classes = n_classes
        self.in_channels = in_channels
        self.width = width
        self.dropout = dropout

        c1, c2, c3, c4, c5 = _scaled([32, 96, 192, 128, 128], width)
        (hidden,) = _scaled([512], width)
        self.stem = nn.Identity()
        self.stages = nn.ModuleList(
            [
                nn.Sequential(nn.Conv2d(in_channels, c1, 5, padding=2), nn.ReLU()),
                nn.Sequential(_downsample(), nn.Conv2d(c1, c2, 5, padding=2), nn.ReLU()),
                nn.Sequential(
                    _downsample(),
                    nn.Conv2d(c2, c3, 3, padding=1),
                    nn.ReLU(),
                    nn.Conv2d(c3, c4, 3, padding=1),
                    nn.ReLU(),
                    nn.Conv2d(c4, c5, 3, padding=1),
                    nn.ReLU(),
                ),
            ]
        )
        self.head = nn.Sequential(
            _downsample(),
            nn.AdaptiveAvgPool2d(2),
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(c5 * 4, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, n_classes),
        )


class SmallVGG16(StagedNet):
    """VGG-16 (Simonyan and Zisserman, 2015) sized for small images.

    Thirteen 3x3 convolutions in five stages (2, 2, 3, 3, 3) and three fully
    connected layers, as in VGG-16, at a quarter of its width (16, 32, 64,
    128, 128 channels, times ``width``), with batch normalisation after each
    convolution (optional) and adaptive average pooling before the
    classifier, so any input size works.

    Parameters
    ----------
    n_classes : int, default=10
        Number of outputs.
    in_channels : int, default=3
        Channels of the input images.
    width : float, default=1.0
        Multiplier of every layer's width.
    batch_norm : bool, default=True
        Normalise after each convolution; without it a 16-layer network
        initialised from N(0, 0.02) hardly trains.
    dropout : float, default=0.5
        Dropout probability after the first two fully connected layers.

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
    Stages are separated by 3x3 stride-2 max pooling with padding 1 (VGG
    uses 2x2) so that sizes round up as in :class:`CifarResNet` and a 1-pixel
    map stays 1 pixel. The first three stages have the resolutions of
    :class:`CifarResNet`'s three stages: pair them with
    ``teacher_stages=(0, 1, 2)`` in :class:`AttentionTransferClassifier`.

    References
    ----------
    .. [1] K. Simonyan and A. Zisserman, "Very deep convolutional networks for
       large-scale image recognition", ICLR 2015.

    Examples
    --------
    >>> import torch
    >>> from saatkit.nn import SmallVGG16
    >>> net = SmallVGG16(n_classes=3)
    >>> logits, *stages = net(torch.zeros(2, 3, 16, 16), return_stages=True)
    >>> [tuple(s.shape[2:]) for s in stages]
    [(16, 16), (8, 8), (4, 4), (2, 2), (1, 1)]
    """

    def __init__(self, n_classes=10, in_channels=3, width=1.0, batch_norm=True, dropout=0.5):
        super().__init__()
        _check_positive_int(n_classes, "n_classes")
        _check_positive_int(in_channels, "in_channels")
        _check_width(width)
        _check_dropout(dropout)
        self.n_classes = n_classes
        self.in_channels = in_channels
        self.width = width
        self.batch_norm = batch_norm
        self.dropout = dropout

        channels = _scaled([16, 32, 64, 128, 128], width)
        (hidden,) = _scaled([256], width)
        stages = []
        previous = in_channels
        for index, (out_channels, n_convs) in enumerate(zip(channels, (2, 2, 3, 3, 3))):
            layers = [_downsample()] if index > 0 else []
            for _ in range(n_convs):
                layers.append(
                    nn.Conv2d(previous, out_channels, 3, padding=1, bias=not batch_norm)
                )
                if batch_norm:
                    layers.append(nn.BatchNorm2d(out_channels))
                layers.append(nn.ReLU())
                previous = out_channels
            stages.append(nn.Sequential(*layers))
        self.stem = nn.Identity()
        self.stages = nn.ModuleList(stages)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(channels[-1], hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, n_classes),
        )
