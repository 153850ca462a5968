"""The teacher: a residual network trained on facial-expression images."""

from ..utils import Substitution, cite
from ._base import ImageClassifier
from ._docs import ESTIMATOR_DOCS


@Substitution(references=cite("zhou2019", "he2016", "wu2021"), **ESTIMATOR_DOCS)
class TeacherClassifier(ImageClassifier):
    """Image classifier trained with cross-entropy, the SA-AT teacher.

    A skorch ``NeuralNetClassifier`` whose network defaults to a
    :class:`CifarResNet` of depth 110, trained as in Zhou et al. (2019):
    softmax cross-entropy (Eq. 3), learning rate 1e-4, batches of 64, weights drawn from
    N(0, 0.02); the optimiser is Adam (the paper names none). Fitted once on an
    auxiliary facial-expression set, it is handed, frozen, to
    :class:`AttentionTransferClassifier`.

    Parameters
    ----------
    module : None, torch.nn.Module class or instance, default=None
        The network. None means :class:`CifarResNet` with ``depth=110``;
        set its depth (or width) with ``module__depth=...``. ``n_classes``
        and ``in_channels`` are taken from the data of ``fit`` unless given
        as ``module__n_classes`` / ``module__in_channels``. To serve as a
        teacher the network must return ``(logits, *stage_outputs)`` when
        called with ``return_stages=True``, as :class:`CifarResNet`,
        :class:`SmallAlexNet`, :class:`SmallVGG16`, :class:`STSTNet` and
        :class:`OFFApexNet` do.
    %(loss)s
    batch_size : int, default=64
        Images per step.
    %(training)s

    Attributes
    ----------
    %(attributes)s

    Notes
    -----
    The loss is ``E[-log softmax(f_T(x))_y]`` (Eq. 3 of Zhou et al.), class
    weighted when ``class_weight`` is set. Images given as uint8 are divided
    by 255 batch by batch, so the dataset stays uint8 in memory.

    %(references)s

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.nn import TeacherClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 256, size=(8, 8, 8, 3), dtype=np.uint8)
    >>> y = np.arange(8) %% 2
    >>> teacher = TeacherClassifier(module__depth=20, max_epochs=1, random_state=0)
    >>> teacher.fit(X, y).predict(X).shape
    (8,)
    >>> [m.shape for m in teacher.attention_maps(X[:2])]
    [(2, 8, 8), (2, 4, 4), (2, 2, 2)]
    """

    _default_depth = 110
