"""The teacher: a residual network trained on facial-expression images."""

import torch
from torch import nn

from ._base import ImageClassifier


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
    criterion : torch criterion class, default=torch.nn.CrossEntropyLoss
        Loss on the logits.
    optimizer : torch optimizer class, default=torch.optim.Adam
        Optimiser; set its options with ``optimizer__...``.
    lr : float, default=1e-4
        Learning rate.
    max_epochs : int, default=10
        Number of passes over the data.
    batch_size : int, default=64
        Images per step.
    train_split : None or callable, default=None
        skorch's internal validation split (e.g. ``skorch.dataset.ValidSplit(5)``);
        None trains on all of ``X`` and records no validation scores.
    classes : None or array-like, default=None
        All class labels, in the order of the network's outputs. None takes
        the labels present in ``y``. Give it when a training set may miss a
        class (a leave-one-subject-out fold, say).
    init_std : float or None, default=0.02
        Standard deviation of the normal distribution convolution and linear
        weights are drawn from (biases start at 0); None keeps PyTorch's
        default initialisation.
    recalibrate_bn : bool, default=True
        After training, re-estimate the batch-normalisation statistics of the
        final weights by averaging batch statistics over one pass (without
        gradients) over the training images ("precise BN", Wu and Johnson,
        2021). Weights drawn from N(0, 0.02) make activation
        variances about 1e-4, while running estimates start at 1 and move 10%
        a step: after a short fit (under a few hundred steps) eval-mode
        predictions are then near chance without it. Costs about a third of
        an epoch.
    class_weight : None, "balanced" or dict, default=None
        Weights of the classes in the loss: "balanced" weighs each class by
        ``n_samples / (n_classes * count)`` computed on ``y`` in ``fit``; a
        dict maps labels to weights (others weigh 1).
    random_state : None, int or numpy.random.RandomState, default=None
        Seeds weight initialisation, shuffling and dropout in ``fit``, without
        disturbing torch's global generator; the same seed gives the same
        weights and predictions (on the same device).
    device : str or torch.device, default="cpu"
        Where the network runs, e.g. ``"cuda"``.
    verbose : int, default=0
        0 is silent, 1 prints a line per epoch, 2 also shows a progress bar
        within each epoch.
    **kwargs
        Other skorch parameters: ``module__...``, ``optimizer__...``,
        ``iterator_train__...`` (shuffling is on by default), ``callbacks``,
        ``warm_start``...

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network.
    classes_ : ndarray
        Class labels, in the order of the network's outputs.
    n_channels_in_ : int
        Image channels seen in ``fit``.
    class_weight_ : ndarray or None
        Weight of each class in the loss.
    history_ : skorch.History
        Losses and timings per epoch and batch.

    Notes
    -----
    The loss is ``E[-log softmax(f_T(x))_y]`` (Eq. 3 of Zhou et al.), class
    weighted when ``class_weight`` is set. Images given as uint8 are divided
    by 255 batch by batch, so the dataset stays uint8 in memory.

    References
    ----------
    .. [1] L. Zhou, Q. Mao and L. Xue, "Cross-database micro-expression
       recognition: a style aggregated and attention transfer approach",
       ICME Workshops 2019.
    .. [2] K. He, X. Zhang, S. Ren and J. Sun, "Deep residual learning for
       image recognition", CVPR 2016.
    .. [3] Y. Wu and J. Johnson, "Rethinking 'batch' in BatchNorm",
       arXiv:2105.07576, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.nn import TeacherClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 256, size=(8, 8, 8, 3), dtype=np.uint8)
    >>> y = np.arange(8) % 2
    >>> teacher = TeacherClassifier(module__depth=20, max_epochs=1, random_state=0)
    >>> teacher.fit(X, y).predict(X).shape
    (8,)
    >>> [m.shape for m in teacher.attention_maps(X[:2])]
    [(2, 8, 8), (2, 4, 4), (2, 2, 2)]
    """

    _default_depth = 110

    def __init__(
        self,
        module=None,
        *,
        criterion=nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=1e-4,
        max_epochs=10,
        batch_size=64,
        train_split=None,
        classes=None,
        init_std=0.02,
        recalibrate_bn=True,
        class_weight=None,
        random_state=None,
        device="cpu",
        verbose=0,
        **kwargs,
    ):
        # skorch refuses torch objects set as attributes after its __init__,
        # so our own parameters go first.
        self.init_std = init_std
        self.recalibrate_bn = recalibrate_bn
        self.class_weight = class_weight
        self.random_state = random_state
        kwargs.setdefault("iterator_train__shuffle", True)
        super().__init__(
            module,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            classes=classes,
            device=device,
            verbose=verbose,
            **kwargs,
        )
