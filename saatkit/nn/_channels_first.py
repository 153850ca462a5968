"""Images as torch networks take them, for a plain skorch net in a saatkit pipeline."""

from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..utils import NonTabularOutputMixin, StatelessMixin
from ._images import check_images


class ChannelsFirst(NonTabularOutputMixin, StatelessMixin, TransformerMixin, BaseEstimator):
    """Turn uint8 channels-last images into float32 channels-first images in [0, 1].

    saatkit's steps hand on faces as uint8 ``(n, H, W, C)`` (or grey ``(n, H, W)``),
    which :class:`TeacherClassifier` and :class:`AttentionTransferClassifier` scale
    batch by batch. A plain ``skorch.NeuralNetClassifier`` feeds its network what it
    is given, so put this step before it: it gives the network exactly the input
    saatkit's classifiers give theirs.

    Notes
    -----
    A uint8 image :math:`x` becomes :math:`x / 255` in float32, its channel axis moved
    to axis 1; float input, already ``(n, C, H, W)`` (optical flow), passes as float32.
    The step learns nothing (``requires_fit=False``).

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.nn import ChannelsFirst
    >>> faces = np.full((2, 4, 4, 3), 255, dtype=np.uint8)
    >>> out = ChannelsFirst().fit_transform(faces)
    >>> out.shape, out.dtype, float(out.max())
    ((2, 3, 4, 4), dtype('float32'), 1.0)
    """

    _parameter_constraints: ClassVar[dict] = {}
    _check_input = staticmethod(check_images)

    def transform(self, X):
        """The images as float32 ``(n, C, H, W)``, uint8 ones scaled to [0, 1].

        Parameters
        ----------
        X : ndarray
            uint8 ``(n, H, W[, C])`` or float ``(n, C, H, W)`` images.

        Returns
        -------
        X_new : ndarray of float32, shape (n, C, H, W)
        """
        X = check_images(X)
        if X.dtype != np.uint8:
            return X
        return np.divide(X.transpose(0, 3, 1, 2), np.float32(255), dtype=np.float32)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
