"""Activation-based spatial attention maps and the attention transfer loss."""

import numbers

import torch

from ..utils import Substitution, cite

FORMS = ("paper", "zagoruyko")

# As in torch.nn.functional.normalize: an all-zero map stays all zero.
_EPS = 1e-12


def _check_p(p):
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not p >= 1:
        # Below 1 the gradient of |a|^p is infinite at a = 0 (dead ReLUs).
        raise ValueError(f"p must be a number >= 1; got {p!r}.")


def resolve_p(p, form):
    """The exponent ``p`` stands for: the form's own one when None."""
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}; got {form!r}.")
    if p is None:
        return 1 if form == "paper" else 2
    _check_p(p)
    return p


def _unit(maps):
    """Scale each sample's map (n, ...) to unit L2 norm; zero maps stay zero."""
    norms = torch.linalg.vector_norm(maps.flatten(1), dim=1)
    shape = (-1,) + (1,) * (maps.ndim - 1)
    return maps / norms.clamp_min(_EPS).reshape(shape)


@Substitution(references=cite("zhou2019", "zagoruyko2017"))
def attention_map(A, p=1):
    """Spatial attention map of a batch of activations.

    Parameters
    ----------
    A : torch.Tensor of shape (n, C, H, W)
        Activations of one layer (or stage) of a network.
    p : float >= 1, default=1
        Exponent applied to the absolute activations.

    Returns
    -------
    Q : torch.Tensor of shape (n, H, W)
        ``F(A) = sum_c |A_c|^p``, scaled so that each sample's map, flattened,
        has unit L2 norm: ``Q[i].reshape(-1)`` is ``vec(F(A_i)) / ||vec(F(A_i))||``.

    Notes
    -----
    Eq. 2 of Zhou et al. (2019) is the case ``p = 1``; Zagoruyko and Komodakis
    (2017) use ``p = 2`` and a mean over channels, which normalisation makes
    identical to the sum. An all-zero activation gives an all-zero map and a
    zero (not NaN) gradient.

    %(references)s

    Examples
    --------
    >>> import torch
    >>> from saatkit.nn import attention_map
    >>> A = torch.tensor([[[[3.0, 0.0]], [[-1.0, 3.0]]]])  # (1, 2, 1, 2)
    >>> attention_map(A)  # F(A) = [4, 3], norm 5
    tensor([[[0.8000, 0.6000]]])
    """
    if not isinstance(A, torch.Tensor) or A.ndim != 4:
        raise ValueError(
            "A must be a torch.Tensor of activations of shape (n, C, H, W); got "
            f"{type(A).__name__} of shape {tuple(getattr(A, 'shape', ()))}."
        )
    _check_p(p)
    magnitude = A.abs()
    if p != 1:
        magnitude = magnitude.pow(p)
    return _unit(magnitude.sum(dim=1))


def _as_attention(tensor, p, role, index):
    if not isinstance(tensor, torch.Tensor) or tensor.ndim not in (2, 3, 4):
        raise ValueError(
            f"{role}_maps[{index}] must be activations (n, C, H, W), or attention "
            f"maps (n, H, W) or (n, H*W); got {type(tensor).__name__} of shape "
            f"{tuple(getattr(tensor, 'shape', ()))}."
        )
    if tensor.ndim == 4:
        return attention_map(tensor, p)
    return _unit(tensor)


@Substitution(references=cite("zhou2019", "zagoruyko2017"))
def attention_transfer_loss(student_maps, teacher_maps, beta, p=None, form="paper"):
    """Attention transfer term between student and teacher stage outputs.

    Parameters
    ----------
    student_maps, teacher_maps : sequence of torch.Tensor
        One entry per pair of stages, in the same order. An entry is either
        activations ``(n, C, H, W)``, turned into ``F(A) = sum_c |A_c|^p``, or
        an attention map already, ``(n, H, W)`` or flattened ``(n, H*W)``
        (as :func:`attention_map` returns). Every map is L2-normalised per
        sample. Paired entries must have the same batch and spatial sizes.
    beta : float
        Weight of the term.
    p : float >= 1 or None, default=None
        Exponent of the attention maps made from activations; None means the
        form's own, 1 for ``"paper"`` and 2 for ``"zagoruyko"``.
    form : {"paper", "zagoruyko"}, default="paper"
        How the per-stage distance is measured (see Notes).

    Returns
    -------
    loss : torch.Tensor
        A scalar, differentiable with respect to both inputs.

    Notes
    -----
    With ``Q_j`` the normalised maps of stage ``j`` of sample ``i`` and
    ``d_ij = Q_S - Q_T``:

    - ``"paper"`` (Zhou et al., Eq. 4): ``beta / 2 * sum_j mean_i ||d_ij||_2``,
      the L2 norm itself, not squared.
    - ``"zagoruyko"`` (the released code of Zagoruyko and Komodakis,
      ``(at(x) - at(y)).pow(2).mean()`` summed over stages and multiplied by
      ``beta / 2``): ``beta / 2 * sum_j mean_i ||d_ij||_2^2 / (H_j W_j)``, the
      squared difference averaged over batch and positions.

    The two betas are on different scales. The Zagoruyko term of a sample is
    the paper's times ``||d_ij|| / (H_j W_j)``; as ``||d_ij|| <= sqrt(2)`` for
    non-negative maps, it is at least ``H_j W_j / sqrt(2)`` times smaller.
    Their gradients with respect to ``Q_S`` have magnitudes
    ``beta / (2 n)`` (paper) and ``beta ||d_ij|| / (n H_j W_j)`` (Zagoruyko),
    so a Zagoruyko beta of ``beta_paper * H_j W_j / (2 ||d_ij||)`` pushes as
    hard: the ``beta = 1000`` of Zagoruyko and Komodakis on 32x32, 16x16 and
    8x8 maps with ``||d|| ~ 0.3`` is a paper beta of about 0.6, 2.3 and 9.4
    for the three stages. Zero maps give a zero term and zero gradients, not
    NaN.

    %(references)s

    Examples
    --------
    >>> import torch
    >>> from saatkit.nn import attention_transfer_loss
    >>> student = [torch.tensor([[[1.0, 0.0]]])]  # one (1, 1, 2) map
    >>> teacher = [torch.tensor([[[0.0, 1.0]]])]
    >>> attention_transfer_loss(student, teacher, beta=2.0)  # ||(1, -1)|| = sqrt(2)
    tensor(1.4142)
    >>> attention_transfer_loss(student, teacher, beta=2.0, form="zagoruyko")  # 2 / 2
    tensor(1.)
    """
    p = resolve_p(p, form)
    if not isinstance(beta, numbers.Real) or isinstance(beta, bool):
        raise ValueError(f"beta must be a real number; got {beta!r}.")
    student_maps, teacher_maps = list(student_maps), list(teacher_maps)
    if len(student_maps) != len(teacher_maps):
        raise ValueError(
            f"Got {len(student_maps)} student maps and {len(teacher_maps)} teacher "
            "maps; attention transfer pairs them one to one."
        )
    if not student_maps:
        raise ValueError("student_maps and teacher_maps are empty.")
    total = 0.0
    for j, (student, teacher) in enumerate(zip(student_maps, teacher_maps)):
        q_student = _as_attention(student, p, "student", j)
        q_teacher = _as_attention(teacher, p, "teacher", j)
        if q_student.ndim != q_teacher.ndim:
            # One of them came flattened: compare batch size and positions.
            q_student, q_teacher = q_student.flatten(1), q_teacher.flatten(1)
        if q_student.shape != q_teacher.shape:
            raise ValueError(
                f"Stage pair {j}: the student's attention map has shape "
                f"{tuple(q_student.shape)} (batch, spatial) and the teacher's "
                f"{tuple(q_teacher.shape)}; they must match. Feed both networks "
                "images of the same size and pair stages of the same resolution."
            )
        difference = (q_student - q_teacher).flatten(1)
        if form == "paper":
            total = total + torch.linalg.vector_norm(difference, dim=1).mean()
        else:
            total = total + difference.pow(2).mean()
    return beta / 2 * total
