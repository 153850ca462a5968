"""Docstring pieces of the networks and estimators, written once (see Substitution)."""

# The parameters of TeacherClassifier, in the order of its (ImageClassifier's) signature
# (AttentionTransferClassifier passes them on in **kwargs), and the fitted attributes of both.
ESTIMATOR_DOCS = {
    "loss": """criterion : torch criterion class, default=torch.nn.CrossEntropyLoss
        Loss on the logits.
    optimizer : torch optimizer class, default=torch.optim.Adam
        Optimiser of the network's parameters; set its options with
        ``optimizer__...``.
    lr : float, default=1e-4
        Learning rate.
    max_epochs : int, default=10
        Number of passes over the data.""",
    "training": """train_split : None or callable, default=None
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
        ``warm_start``...""",
    "attributes": """module_ : torch.nn.Module
        The trained network.
    classes_ : ndarray
        Class labels, in the order of the network's outputs.
    n_channels_in_ : int
        Image channels seen in ``fit``.
    class_weight_ : ndarray or None
        Weight of each class in the loss.
    history_ : skorch.History
        Losses and timings per epoch and batch.""",
}
