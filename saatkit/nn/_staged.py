"""Common shape of the networks: a stem, a sequence of stages, a head."""

import numbers

from torch import nn


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")


def _check_dropout(dropout):
    if not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1); got {dropout!r}.")


def classifier_layers(in_features, hidden, n_classes, dropout):
    """Two fully connected layers of ``hidden`` units (ReLU, then dropout) and the output."""
    return [
        nn.Linear(in_features, hidden),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden, n_classes),
    ]


class StagedNet(nn.Module):
    """A convolutional network whose stage outputs can be read out.

    Subclasses call ``super().__init__(n_classes, in_channels)``, which checks and
    stores the two sizes every network has, then set ``stem``, ``stages`` (an
    ``nn.ModuleList``) and ``head``.
    Each stage output is the activation attention transfer compares. In the
    image networks (:class:`CifarResNet`, :class:`SmallAlexNet`,
    :class:`SmallVGG16`) every stage but the first halves the spatial size
    (rounding up), so stage ``j`` of an ``H x W`` input is
    ``ceil(H / 2**j) x ceil(W / 2**j)``, which lets them teach one another;
    :class:`OFFApexNet`'s two stages have the sizes of the first two, and
    :class:`STSTNet`'s single stage is about a third of the input's.
    """

    def __init__(self, n_classes, in_channels):
        super().__init__()
        _check_positive_int(n_classes, "n_classes")
        _check_positive_int(in_channels, "in_channels")
        self.n_classes = n_classes
        self.in_channels = in_channels

    def forward(self, x, return_stages=False):
        """Classify a batch.

        Parameters
        ----------
        x : torch.Tensor of shape (n, C, H, W)
            Float images.
        return_stages : bool, default=False
            Also return the output of each stage.

        Returns
        -------
        logits : torch.Tensor of shape (n, n_classes)
            Returned alone when ``return_stages`` is False.
        (logits, stage_1, ..., stage_J) : tuple of torch.Tensor
            When ``return_stages`` is True; ``stage_j`` has shape
            ``(n, C_j, H_j, W_j)``. A flat tuple, so that skorch's
            ``forward`` can concatenate it batch by batch.
        """
        x = self.stem(x)
        stage_outputs = []
        for stage in self.stages:
            x = stage(x)
            stage_outputs.append(x)
        logits = self.head(x)
        if return_stages:
            return (logits, *stage_outputs)
        return logits

    @property
    def n_stages(self):
        """Number of stage outputs ``forward(x, return_stages=True)`` gives."""
        return len(self.stages)
