"""The student: a smaller network trained with the teacher's attention."""

import copy
import numbers

import numpy as np
import torch
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from skorch import NeuralNet
from torch import nn

from ..utils import Substitution, cite
from ._attention import attention_map, attention_transfer_loss, resolve_p
from ._base import ImageClassifier
from ._docs import ESTIMATOR_DOCS
from ._teacher_maps import cached_maps, maps_folder, memory_location


def _unfrozen(teacher):
    return teacher.estimator if isinstance(teacher, FrozenEstimator) else teacher


def teacher_module(teacher):
    """The network of a teacher given as a module, fitted net or frozen net."""
    teacher = _unfrozen(teacher)
    if isinstance(teacher, nn.Module):
        return teacher
    if isinstance(teacher, NeuralNet):
        if not teacher.__sklearn_is_fitted__():
            raise ValueError(
                "teacher must be fitted: call teacher.fit(X_aux, y_aux) before "
                "passing it to AttentionTransferClassifier."
            )
        return teacher.module_
    raise TypeError(
        "teacher must be a fitted TeacherClassifier (or another fitted skorch net), "
        f"a FrozenEstimator wrapping one, or a torch.nn.Module; got {type(teacher).__name__}."
    )


def select_stages(stages, indices, name):
    """The stage outputs ``indices`` picks (all when None)."""
    if indices is None:
        return list(stages)
    indices = list(indices)
    valid = all(
        isinstance(i, numbers.Integral)
        and not isinstance(i, bool)
        and -len(stages) <= i < len(stages)
        for i in indices
    )
    if not indices or not valid:
        raise ValueError(
            f"{name} must be None or a non-empty sequence of stage indices below "
            f"{len(stages)} (the network has {len(stages)} stages); got {indices!r}."
        )
    return [stages[i] for i in indices]


@Substitution(
    references=cite("zhou2019", "zagoruyko2017", "wu2021"),
    attributes=ESTIMATOR_DOCS["attributes"],
)
class AttentionTransferClassifier(ImageClassifier):
    """Student classifier trained with attention transfer from a frozen teacher.

    A skorch ``NeuralNetClassifier`` whose network (by default a
    :class:`CifarResNet` of depth 20) minimises cross-entropy plus the
    distance between its stages' attention maps and the teacher's (Eq. 4 of
    Zhou et al., 2019), with learning rate 1e-4, batches of 16 and weights
    drawn from N(0, 0.02), as in the paper; the optimiser is Adam (the paper
    names none).

    Parameters
    ----------
    teacher : TeacherClassifier, FrozenEstimator, torch.nn.Module or None, default=None
        The fitted teacher, or a ``sklearn.frozen.FrozenEstimator`` wrapping
        it, or its network. It is never modified: its network is copied (to
        ``device``) at the start of ``fit``, run once in eval mode over the
        training images, and its attention maps are cached for the epochs.
        ``sklearn.clone`` keeps the same fitted teacher. None is allowed only
        with ``beta=0``.
    module : None, torch.nn.Module class or instance, default=None
        The student network. None means :class:`CifarResNet` with
        ``depth=20`` (set with ``module__depth=...``). ``n_classes`` and
        ``in_channels`` come from the data of ``fit`` unless given as
        ``module__...``. It must return ``(logits, *stage_outputs)`` when
        called with ``return_stages=True``.
    beta : float >= 0, default=1.0
        Weight of the attention term; 0 trains with cross-entropy alone. The
        paper does not report its value; with ``form="paper"`` a beta of 1
        weighs a unit map distance like one nat of cross-entropy.
    p : float >= 1 or None, default=None
        Exponent of the attention maps ``sum_c |A_c|^p``; None means 1 with
        ``form="paper"`` (the paper's Eq. 2) and 2 with ``form="zagoruyko"``.
    form : {"paper", "zagoruyko"}, default="paper"
        The distance between maps, see :func:`attention_transfer_loss` (whose
        Notes relate the two scales of beta).
    teacher_stages, student_stages : None or sequence of int, default=None
        Which stage outputs of each network to pair, in order; None takes all
        of them. Paired maps must have the same size, so both networks must
        see images of the same size; e.g. ``teacher_stages=(0, 1, 2)`` pairs
        the first three stages of a :class:`SmallVGG16` teacher with the three
        of a :class:`CifarResNet` student.
    memory : None, str, Path or joblib.Memory, default=None
        Folder where the teacher's maps of each training image are kept
        between fits (as ``Pipeline``'s ``memory`` keeps fitted steps): the
        folds of leave-one-subject-out train on nearly the same images, so
        with a folder each image's maps are computed once, not once per
        fold. Files are ``.npy`` arrays, read without pickle, named by hashes
        of the teacher's weights and of the image. None computes them in
        every fit.
    batch_size : int, default=16
        Images per step.
    **kwargs
        The training parameters of :class:`TeacherClassifier`, with the same
        defaults and meaning: ``criterion``, ``optimizer``, ``lr``,
        ``max_epochs``, ``train_split``, ``classes``, ``init_std``,
        ``recalibrate_bn``, ``class_weight``, ``random_state``, ``device``,
        ``verbose``; and skorch's others (``module__...``, ``optimizer__...``,
        ``iterator_train__...``, ``callbacks``, ``warm_start``...).

    Attributes
    ----------
    %(attributes)s

    Notes
    -----
    The loss of a batch is (Eq. 4 of Zhou et al.)

    ``mean_i CE(f_S(x_i), y_i) + beta / 2 * sum_j mean_i ||Q_S^j(x_i) - Q_T^j(x_i)||_2``

    where ``Q^j`` is the attention map of stage ``j``, ``vec(sum_c |A_c|^p)`` scaled to unit
    L2 norm. The teacher's maps do not change during training, so they are computed once per
    ``fit`` (in ``on_train_begin``; read from ``memory`` where an earlier fit stored them)
    and looked up by the position of each image in ``X``, which travels with the image
    through skorch's shuffling and splitting; the cache holds ``sum_j H_j W_j`` floats per
    image (344 kB for a 256x256 image and a CifarResNet teacher) and is freed when ``fit``
    ends. The network's forward pass during training, prediction and validation returns
    ``(logits, *student_maps)``; :meth:`predict_proba` uses the logits.

    %(references)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.frozen import FrozenEstimator
    >>> from saatkit.nn import AttentionTransferClassifier, TeacherClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 256, size=(8, 8, 8), dtype=np.uint8)  # grey
    >>> y = np.arange(8) %% 2
    >>> teacher = TeacherClassifier(module__depth=20, max_epochs=1, random_state=0).fit(X, y)
    >>> student = AttentionTransferClassifier(
    ...     FrozenEstimator(teacher), beta=1.0, max_epochs=1, random_state=0)
    >>> student.fit(X, y).predict(X).shape
    (8,)
    """

    _default_depth = 20

    def __init__(
        self,
        teacher=None,
        module=None,
        *,
        beta=1.0,
        p=None,
        form="paper",
        teacher_stages=None,
        student_stages=None,
        memory=None,
        batch_size=16,
        **kwargs,
    ):
        # skorch refuses torch objects (a teacher module) set as attributes
        # after its __init__, so our own parameters go first.
        self.teacher = teacher
        self.beta = beta
        self.p = p
        self.form = form
        self.teacher_stages = teacher_stages
        self.student_stages = student_stages
        self.memory = memory
        super().__init__(module, batch_size=batch_size, **kwargs)

    def __sklearn_clone__(self):
        # sklearn.clone would clone the teacher as well, giving an unfitted
        # one; the teacher is a fitted, frozen input, so it is shared (as
        # FrozenEstimator does) and every other parameter is cloned.
        params = self.get_params(deep=False)
        teacher = params.pop("teacher")
        cloned = type(self)(
            teacher=teacher, **{name: clone(value, safe=False) for name, value in params.items()}
        )
        if hasattr(self, "_metadata_request"):
            cloned._metadata_request = copy.deepcopy(self._metadata_request)
        return cloned

    def _check_params(self):
        super()._check_params()
        beta = self.beta
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not beta >= 0:
            raise ValueError(f"beta must be a non-negative number; got {beta!r}.")
        resolve_p(self.p, self.form)
        if self.teacher is None:
            if beta:
                raise ValueError("teacher is None; attention transfer (beta > 0) needs one.")
        else:
            teacher_module(self.teacher)

    def _attention_p(self):
        return resolve_p(self.p, self.form)

    def _dataset_input(self, X):
        # The position of each image travels with it through shuffling and
        # validation splits, and indexes the cached teacher maps.
        return {"X": X, "index": np.arange(len(X))}

    def infer(self, x, **fit_params):
        """Forward a batch; return the logits and the selected student maps."""
        logits, *stages = self.module_(self._network_input(x), return_stages=True, **fit_params)
        p = self._attention_p()
        stages = select_stages(stages, self.student_stages, "student_stages")
        return (logits, *(attention_map(stage, p) for stage in stages))

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        """Compute the teacher's attention maps of the training images, once."""
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self._teacher_maps_ = None
        if self.beta:
            self._teacher_maps_ = self._teacher_attention(X)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        """Free the cached teacher maps."""
        self._teacher_maps_ = None
        super().on_train_end(net, X=X, y=y, **kwargs)

    def _teacher_attention(self, X):
        source = teacher_module(self.teacher)
        fitted_channels = getattr(_unfrozen(self.teacher), "n_channels_in_", None)
        channels = getattr(self, "n_channels_in_", None)
        if fitted_channels is not None and channels is not None and fitted_channels != channels:
            raise ValueError(
                f"The teacher was fitted on images with {fitted_channels} channel(s) "
                f"and X has {channels}."
            )
        # A private copy: the caller's teacher keeps its device, mode and
        # weights whatever happens here.
        teacher = copy.deepcopy(source).to(self.device, memory_format=torch.channels_last).eval()
        p = self._attention_p()

        def compute(images):
            chunks = []
            with torch.no_grad():
                for x in self._network_batches(images):
                    _, *stages = teacher(x, return_stages=True)
                    stages = select_stages(stages, self.teacher_stages, "teacher_stages")
                    chunks.append([attention_map(stage, p) for stage in stages])
            return [torch.cat(stage_maps) for stage_maps in zip(*chunks)]

        location = memory_location(self.memory)
        if location is None:
            return compute(X)
        stages = None if self.teacher_stages is None else list(self.teacher_stages)
        folder = maps_folder(location, teacher, p, stages, X)
        return cached_maps(folder, X, compute, self.device)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Cross-entropy plus ``beta`` times the attention transfer term."""
        logits, *student_maps = y_pred
        loss = super().get_loss(logits, y_true, X=X, training=training)
        if not self.beta:
            return loss
        cache = getattr(self, "_teacher_maps_", None)
        if cache is None:
            raise RuntimeError(
                "The teacher's attention maps are computed for the images given to "
                "fit, and exist only while it runs; get_loss with beta > 0 cannot "
                "be used outside fit."
            )
        if len(student_maps) != len(cache):
            raise ValueError(
                f"The student gives {len(student_maps)} stage maps and the teacher "
                f"{len(cache)}; pair them with teacher_stages / student_stages (e.g. "
                "teacher_stages=(0, 1, 2) for a SmallVGG16 teacher of a CifarResNet)."
            )
        index = torch.as_tensor(X["index"], device=cache[0].device)
        teacher_maps = [stage_maps[index] for stage_maps in cache]
        return loss + attention_transfer_loss(
            student_maps, teacher_maps, self.beta, p=self._attention_p(), form=self.form
        )
