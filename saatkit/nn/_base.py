"""What the teacher and student estimators share: images in, labels out."""

import inspect
import numbers
from collections.abc import Mapping

import numpy as np
import torch
from skorch import NeuralNetClassifier
from skorch.callbacks import (
    BatchScoring,
    EpochScoring,
    EpochTimer,
    PassthroughScoring,
    PrintLog,
    ProgressBar,
)
from skorch.dataset import unpack_data
from skorch.utils import is_dataset, to_numpy, to_tensor
from torch import nn

from ._attention import attention_map
from ._images import check_images, dataset_arrays, n_channels, to_network_input
from ._resnet import CifarResNet
from ._torch_state import normal_init, recalibrate_batch_norm, seeded


class _DecodeTargets:
    """Target extractor of scoring callbacks: positions in ``classes`` to labels.

    Datasets hold labels encoded as positions, while ``predict`` gives the
    labels themselves; scorers such as "accuracy" compare the two.
    """

    def __init__(self, classes):
        self.classes = np.asarray(classes)

    def __call__(self, y):
        return self.classes[to_numpy(y)]


class ImageClassifier(NeuralNetClassifier):
    """Image handling, label encoding, seeding and initialisation.

    Not public: :class:`TeacherClassifier` and
    :class:`AttentionTransferClassifier` are what users fit. The parameters
    and their defaults are the teacher's (the paper's training settings);
    a subclass names only those it adds or changes and passes the others on
    in ``**kwargs``, as skorch's ``NeuralNetClassifier`` does with
    ``NeuralNet``'s. Subclasses set ``_default_depth``, the depth of the
    CifarResNet used when ``module`` is None.
    """

    _default_depth = 20

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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags

    @property
    def _default_callbacks(self):
        callbacks = [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
        ]
        if self.train_split:
            callbacks += [
                ("valid_loss", PassthroughScoring(name="valid_loss")),
                (
                    "valid_acc",
                    EpochScoring("accuracy", name="valid_acc", lower_is_better=False),
                ),
            ]
        if self.verbose and self.verbose > 1:
            callbacks.append(("progress_bar", ProgressBar()))
        callbacks.append(("print_log", PrintLog()))
        return callbacks

    def initialize_callbacks(self):
        """Initialise the callbacks; scoring ones see decoded labels."""
        super().initialize_callbacks()
        classes = getattr(self, "classes_inferred_", None)
        if self.classes is not None and len(self.classes):
            classes = self.classes
        if classes is None:
            return self
        for _, callback in self.callbacks_:
            extractor = getattr(callback, "target_extractor", None)
            # Only skorch's default: a user's own extractor is left alone.
            if isinstance(callback, (EpochScoring, BatchScoring)) and (
                extractor is to_numpy or isinstance(extractor, _DecodeTargets)
            ):
                callback.target_extractor = _DecodeTargets(classes)
        return self

    # -- fitting ---------------------------------------------------------------

    def fit(self, X, y=None, **fit_params):
        """Initialise the network and train it on labelled images.

        Parameters
        ----------
        X : ndarray or skorch.dataset.Dataset
            uint8 images ``(n, H, W, C)`` (RGB) or ``(n, H, W)`` (grey),
            scaled to [0, 1] batch by batch, or float arrays ``(n, C, H, W)``
            used as they are; or a ``skorch.dataset.Dataset`` holding such
            images and their labels.
        y : array-like of shape (n,) or None, default=None
            Class labels (any sortable values; see ``classes``); None only
            when ``X`` is a dataset with labels.
        **fit_params : dict
            Passed on to :meth:`skorch.NeuralNet.fit`.

        Returns
        -------
        self
        """
        return self._fit_with_classes(X, y, None, **fit_params)

    def _fit_with_classes(self, X, y, classes, **fit_params):
        X, y = dataset_arrays(X, y)
        X = check_images(X)
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(X):
            raise ValueError(
                f"y must be 1-D with one label per image ({len(X)}); got shape {y.shape}."
            )
        self._check_params()
        # skorch infers the classes in partial_fit, after initialize() has
        # built the network; the network's size depends on them, so do it now.
        # Classes given to a first partial_fit stand for the data's.
        self.classes_inferred_ = np.unique(y) if classes is None else np.asarray(classes)
        self.n_channels_in_ = n_channels(X)
        self.class_weight_ = self._class_weights(y)
        with seeded(self.random_state, self.device):
            return super().fit(X, y, **fit_params)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """Train for ``max_epochs`` more epochs without re-initialising.

        On a net not yet initialised this is :meth:`fit`, with the network
        sized for ``classes`` when given (all the labels later calls may
        bring, as in scikit-learn) and unless the ``classes`` parameter is
        set. Labels must be among ``classes_``.
        """
        if not self.initialized_:
            return self._fit_with_classes(X, y, classes, **fit_params)
        X, y = dataset_arrays(X, y)
        return super().partial_fit(X, y, classes=classes, **fit_params)

    def check_data(self, X, y):
        # fit sets classes_inferred_ before the network is built; skorch's
        # check_data would reset it to the labels of each partial_fit call.
        if y is None:
            raise ValueError("y is required: the estimator is trained on labelled images.")

    def _check_params(self):
        if self.init_std is not None and not (
            isinstance(self.init_std, numbers.Real) and self.init_std > 0
        ):
            raise ValueError(f"init_std must be a positive number or None; got {self.init_std!r}.")
        cw = self.class_weight
        is_balanced = isinstance(cw, str) and cw == "balanced"
        if not (cw is None or is_balanced or isinstance(cw, Mapping)):
            raise ValueError(f"class_weight must be None, 'balanced' or a dict; got {cw!r}.")

    def _encode_labels(self, y):
        """Positions of the labels ``y`` in ``classes_``."""
        classes = np.asarray(self.classes_)
        y = np.asarray(y)
        order = np.argsort(classes, kind="stable")
        positions = np.searchsorted(classes, y, sorter=order).clip(max=len(classes) - 1)
        encoded = order[positions]
        unknown = classes[encoded] != y
        if np.any(unknown):
            raise ValueError(
                f"y holds labels {np.unique(y[unknown]).tolist()} that are not among "
                f"classes {classes.tolist()}."
            )
        return encoded.astype(np.int64)

    def _class_weights(self, y):
        if self.class_weight is None:
            return None
        n_classes = len(self.classes_)
        if isinstance(self.class_weight, str):
            counts = np.bincount(self._encode_labels(y), minlength=n_classes)
            present = counts > 0
            # sklearn's "balanced": n_samples / (n_classes * count), over the
            # classes present; an absent class has no samples to weigh.
            weights = np.zeros(n_classes)
            weights[present] = len(y) / (present.sum() * counts[present])
        else:
            weights = np.ones(n_classes)
            labels = np.asarray(list(self.class_weight))
            weights[self._encode_labels(labels)] = list(self.class_weight.values())
        return weights.astype(np.float32)

    # -- skorch hooks ----------------------------------------------------------

    def initialize_module(self):
        """Build the network, sized from the data of ``fit``, and initialise it.

        When ``module`` is None or a class whose constructor takes
        ``n_classes`` / ``in_channels`` and these are not set through
        ``module__...``, they come from the labels and images given to
        ``fit``. Weights are then drawn from N(0, ``init_std``) unless
        ``init_std`` is None.
        """
        kwargs = self.get_params_for("module")
        module = self.module
        if module is None:
            module = CifarResNet
            kwargs = {"depth": self._default_depth, **kwargs}
        if not isinstance(module, nn.Module):
            accepted = inspect.signature(module).parameters
            if "n_classes" in accepted and "n_classes" not in kwargs:
                classes = getattr(self, "classes_inferred_", None)
                if self.classes is not None and len(self.classes):
                    classes = self.classes
                if classes is not None:
                    kwargs["n_classes"] = len(classes)
            channels = getattr(self, "n_channels_in_", None)
            if "in_channels" in accepted and "in_channels" not in kwargs and channels:
                kwargs["in_channels"] = channels
        module = self.initialized_instance(module, kwargs)
        if self.init_std is not None:
            normal_init(module, self.init_std)
        # The layout of the input (see to_network_input), so that no layer converts.
        self.module_ = module.to(memory_format=torch.channels_last)
        return self

    def initialize_criterion(self):
        """Build the criterion, with the class weights of ``class_weight``."""
        kwargs = self.get_params_for("criterion")
        weights = getattr(self, "class_weight_", None)
        if weights is not None and "weight" not in kwargs:
            kwargs["weight"] = torch.as_tensor(weights)
        self.criterion_ = self.initialized_instance(self.criterion, kwargs)
        return self

    def get_dataset(self, X, y=None):
        """Dataset of checked images (kept uint8 when given so) and encoded labels."""
        if is_dataset(X):
            return X
        if isinstance(X, Mapping) and "X" in X:
            # Inputs skorch's scoring callbacks cut out of our own datasets.
            X = X["X"]
        X = check_images(X)
        expected = getattr(self, "n_channels_in_", None)
        if expected is not None and n_channels(X) != expected:
            raise ValueError(
                f"X has {n_channels(X)} channel(s) but the network was fitted on {expected}."
            )
        if y is not None:
            y = self._encode_labels(y)
        return super().get_dataset(self._dataset_input(X), y)

    def _dataset_input(self, X):
        return X

    def _network_input(self, x):
        if isinstance(x, Mapping):
            x = x["X"]
        return to_network_input(to_tensor(x, device=self.device))

    def infer(self, x, **fit_params):
        """Forward a batch, converting uint8 channels-last images first."""
        return self.module_(self._network_input(x), **fit_params)

    def load_params(self, *args, **kwargs):
        """Load saved parameters (see :meth:`skorch.NeuralNet.load_params`).

        The network of a net that was not fitted is sized when it is
        initialised, from ``classes`` and ``module__in_channels`` (or the
        module's defaults): give them as they were at ``fit``.
        """
        try:
            return super().load_params(*args, **kwargs)
        except RuntimeError as error:
            if "size mismatch" not in str(error):
                raise
            sizes = {k: getattr(self.module_, k, "?") for k in ("n_classes", "in_channels")}
            raise ValueError(
                f"The saved parameters do not fit this network ({sizes}). A new net is "
                "sized when initialised: give it the classes (classes=[...]) and image "
                "channels (module__in_channels=...) of the fitted one."
            ) from error

    # -- prediction ------------------------------------------------------------

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : ndarray
            Images, as for :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n,)
            Labels from ``classes_``.
        """
        # predict_proba first: unfitted, it raises NotFittedError, classes_ an AttributeError.
        proba = self.predict_proba(X)
        return np.asarray(self.classes_)[proba.argmax(axis=1)]

    def on_train_end(self, net, X=None, y=None, **kwargs):
        """Re-estimate batch-normalisation statistics when ``recalibrate_bn``."""
        super().on_train_end(net, X=X, y=y, **kwargs)
        if self.recalibrate_bn:
            recalibrate_batch_norm(self.module_, self._network_batches(X))

    def _network_batches(self, X):
        """The network inputs of the images ``X``, batch by batch, in order."""
        for batch in self.get_iterator(self.get_dataset(X), training=False):
            Xi, _ = unpack_data(batch)
            yield self._network_input(Xi)

    def _attention_p(self):
        return 1

    def attention_maps(self, X, p=None):
        """Attention map of every stage of the fitted network.

        Parameters
        ----------
        X : ndarray
            Images, as for :meth:`fit`.
        p : float >= 1 or None, default=None
            Exponent of :func:`attention_map`; None means the estimator's own
            (1 for the teacher, the student's ``p``).

        Returns
        -------
        maps : list of ndarray
            One float32 array ``(n, H_j, W_j)`` per stage, each image's map
            with unit L2 norm.
        """
        self.check_is_fitted()
        p = self._attention_p() if p is None else p
        self._set_training(False)
        chunks = []
        with torch.no_grad():
            for x in self._network_batches(X):
                _, *stages = self.module_(x, return_stages=True)
                chunks.append([attention_map(stage, p).cpu().numpy() for stage in stages])
        return [np.concatenate(stage_maps) for stage_maps in zip(*chunks)]
