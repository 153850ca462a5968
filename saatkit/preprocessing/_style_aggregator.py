"""Re-render faces from several databases in one aggregated style (SAN)."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..clips import to_grey
from ..utils import NonTabularOutputMixin, Substitution, cite
from ._style_images import (
    channel_moments,
    check_style_params,
    find_styles,
    frames_of,
    match_moments,
    render_cyclegan,
    thumbnail_statistics,
    to_model_channels,
    train_style_cyclegan,
)
from ._style_persistence import load_aggregator, save_aggregator


@Substitution(references=cite("dong2018", "zhu2017", "zhou2019"))
class StyleAggregator(NonTabularOutputMixin, TransformerMixin, BaseEstimator):
    """Re-render faces from differently styled databases in one aggregated style.

    Cross-database micro-expression sets mix colour (CASME II), near-infrared
    (SMIC) and grey-scale (SAMM) cameras. Following the Style Aggregated
    Network (SAN) of Dong et al. (2018), as used by SA-AT (Zhou et al., 2019),
    the faces are grouped into styles, a CycleGAN learns to translate between
    two of them, and every face is re-rendered as the average of the two
    generators' outputs, a style between the two that all faces share.

    Parameters
    ----------
    method : {"cyclegan", "moments"}, default="cyclegan"
        ``"cyclegan"``: SAN's learnt aggregation (see Notes). ``"moments"``:
        a training-free ablation that maps each image's per-channel mean and
        standard deviation to the styles' average ones.
    n_styles : int, default=3
        Number of styles KMeans finds among the training faces; ignored when
        ``fit`` gets ``domains``. At least 2 for ``"cyclegan"``.
    color : {"rgb", "keep"}, default="rgb"
        Channels the model works on. ``"rgb"``: grey faces are repeated over
        three channels, so one model serves grey and colour faces; grey faces
        still come back grey, the luminance of the RGB result. ``"keep"``: grey
        training faces give a one-channel model, which then only accepts grey
        faces.
    image_size : int, default=64
        Side of the square images the CycleGAN works on (a multiple of 4, at
        least 32); faces are resized to it and the results back to the input
        size.
    n_filters : int, default=16
        Filters of the first generator and discriminator layers (ngf = ndf).
    n_blocks : int, default=3
        Residual blocks per generator.
    max_epochs : int, default=20
        Training epochs; the learning rate is constant for the first half and
        decays linearly towards 0 over the second half.
    batch_size : int, default=8
        Images per domain per training step.
    lr : float, default=2e-4
        Adam learning rate (beta1 = 0.5).
    cycle_weight : float, default=10.0
        Weight of the cycle-consistency losses.
    identity_weight : float, default=5.0
        Weight of the identity losses (CycleGAN's 0.5 x ``cycle_weight``).
        They keep a generator close to the identity on faces already in its
        output style, which SAN's averaging relies on.
    pool_size : int, default=50
        Past generated images kept for each discriminator.
    device : str or torch.device, default="cpu"
        Where the CycleGAN trains and runs, e.g. ``"cuda"``. Fitted
        generators are stored on the CPU.
    random_state : int, RandomState instance or None, default=None
        Seeds KMeans, the weight initialisation, batch order, flips and the
        image pools.
    verbose : int, default=0
        Print the mean losses of each training epoch when > 0.

    Attributes
    ----------
    n_channels_ : int
        Channels the model works on (3, or 1 for grey faces with ``color="keep"``).
    styles_ : ndarray of shape (n_styles,)
        The styles: KMeans cluster indices, or the distinct ``domains``.
    style_labels_ : ndarray of shape (n_samples,)
        The style of each training face.
    style_statistics_ : ndarray of shape (n_styles, 19)
        Mean :func:`style_statistics` of each style's training faces.
    style_a_, style_b_ : object
        ("cyclegan") The largest and the smallest style, the CycleGAN's
        domains A and B.
    generator_a_, generator_b_ : ResnetGenerator
        ("cyclegan") The trained generators A -> B and B -> A, on the CPU.
    history_ : list of dict
        ("cyclegan") Mean losses per epoch (``G_A``, ``G_B``, ``cycle_A``,
        ``cycle_B``, ``idt_A``, ``idt_B``, ``D_A``, ``D_B``), ``epoch``,
        ``duration``.
    target_mean_, target_std_ : ndarray of shape ``(n_channels_,)``
        ("moments") The aggregated per-channel mean and standard deviation
        (grey levels).

    See Also
    --------
    style_gap : Measures how far apart the styles of groups of faces are.
    plot_style_grid : Shows faces per group before and after aggregation.
    STYLE_PRESETS : ``"demo"`` (CPU) and ``"paper"`` (GPU) settings.

    Notes
    -----
    **Styles.** Each training face is described by its 19 colour and texture
    statistics (:func:`style_statistics`: channel means and standard
    deviations, saturation, contrast, gradient energy, LBP histogram), taken
    on the face shrunk to 32x32 when it is larger; the standardised
    statistics are clustered by KMeans into ``n_styles`` styles.
    SAN clusters deep features of a fine-tuned network; hand-made statistics
    need no pre-trained weights and separate camera styles well. When the
    database of each face is known, pass it as ``domains`` and the databases
    are the styles.

    **CycleGAN** (``method="cyclegan"``). With A the largest and B the
    smallest style, generators :math:`G_A: A \\to B`, :math:`G_B: B \\to A`
    and PatchGAN discriminators :math:`D_A` (on B) and :math:`D_B` (on A)
    are trained on faces scaled to [-1, 1] with

    .. math::

        L_G = (D_A(G_A(a)) - 1)^2 + (D_B(G_B(b)) - 1)^2
              + \\lambda_c (|G_B(G_A(a)) - a|_1 + |G_A(G_B(b)) - b|_1)
              + \\lambda_i (|G_A(b) - b|_1 + |G_B(a) - a|_1)

        L_D = \\tfrac12[(D_A(b) - 1)^2 + D_A(\\tilde b)^2]
              + \\tfrac12[(D_B(a) - 1)^2 + D_B(\\tilde a)^2]

    (least-squares GAN, means over pixels and patches), where
    :math:`\\tilde a, \\tilde b` come from pools of past fakes,
    :math:`\\lambda_c` is ``cycle_weight`` and :math:`\\lambda_i`
    ``identity_weight``. A face :math:`x` of any style is rendered as

    .. math:: \\hat x = \\tfrac12 (G_A(x) + G_B(x)),

    resized back to the input size: a face from A keeps half its own look
    (:math:`G_B(a) \\approx a` by the identity loss) and takes half of B's,
    and vice versa, so all faces meet in between.

    **Moments** (``method="moments"``). With :math:`\\mu_{ic}, \\sigma_{ic}`
    the mean and standard deviation of channel :math:`c` of image :math:`i`
    and :math:`\\bar\\mu_c, \\bar\\sigma_c` their average over the training
    faces of each style, then over styles (each style weighs the same),

    .. math::

        \\hat x_{ic} = \\bar\\mu_c + (x_{ic} - \\mu_{ic})\\,
                       \\bar\\sigma_c / \\max(\\sigma_{ic}, 1),

    clipped to [0, 255]. It aligns colour cast, brightness and contrast, but
    not sharpness or noise.

    **Scale.** The defaults (``STYLE_PRESETS["demo"]``) train in about two
    minutes on one CPU core for 150 faces of 64x64. SAN's setting is
    ``StyleAggregator(**STYLE_PRESETS["paper"], device="cuda")``: 256x256
    faces, 64 filters, 9 residual blocks, 200 epochs of batch size 1.

    **In a pipeline.** Pass the databases through ``fit``'s ``domains``:
    ``Pipeline.fit(X, y, style__domains=db)`` (``style`` being the step's
    name), or, with ``sklearn.set_config(enable_metadata_routing=True)``,
    ``StyleAggregator().set_fit_request(domains=True)`` and
    ``pipeline.fit(X, y, domains=db)`` / ``cross_validate(...,
    params={"domains": db})``. To fit once and reuse it in every fold, wrap
    the fitted aggregator in ``sklearn.frozen.FrozenEstimator``.

    %(references)s

    Examples
    --------
    >>> from saatkit.datasets import make_styled_faces
    >>> from saatkit.preprocessing import StyleAggregator, style_gap
    >>> faces, styles, _ = make_styled_faces(4, output_size=32, random_state=0)
    >>> moments = StyleAggregator("moments", n_styles=3, random_state=0).fit(faces)
    >>> aggregated = moments.transform(faces)
    >>> aggregated.shape
    (12, 32, 32, 3)
    >>> print(f"style gap {style_gap(faces, styles):.2f} -> {style_gap(aggregated, styles):.2f}")
    style gap 0.66 -> 0.17
    >>> gan = StyleAggregator(image_size=32, n_filters=4, n_blocks=1, max_epochs=1,
    ...                       batch_size=4, n_styles=3, random_state=0).fit(faces)
    >>> sorted(gan.history_[0])[:3]
    ['D_A', 'D_B', 'G_A']
    >>> gan.transform(faces[:, :, :, 0]).shape  # grey faces stay grey
    (12, 32, 32)
    """

    _parameter_constraints: ClassVar[dict] = {
        "method": [StrOptions({"cyclegan", "moments"})],
        "n_styles": [Interval(Integral, 1, None, closed="left")],
        "color": [StrOptions({"rgb", "keep"})],
        "image_size": [Interval(Integral, 1, None, closed="left")],
        "n_filters": [Interval(Integral, 1, None, closed="left")],
        "n_blocks": [Interval(Integral, 0, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="left")],
        "cycle_weight": [Interval(Real, 0, None, closed="left")],
        "identity_weight": [Interval(Real, 0, None, closed="left")],
        "pool_size": [Interval(Integral, 0, None, closed="left")],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        method="cyclegan",
        *,
        n_styles=3,
        color="rgb",
        image_size=64,
        n_filters=16,
        n_blocks=3,
        max_epochs=20,
        batch_size=8,
        lr=2e-4,
        cycle_weight=10.0,
        identity_weight=5.0,
        pool_size=50,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.method = method
        self.n_styles = n_styles
        self.color = color
        self.image_size = image_size
        self.n_filters = n_filters
        self.n_blocks = n_blocks
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.cycle_weight = cycle_weight
        self.identity_weight = identity_weight
        self.pool_size = pool_size
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, domains=None):
        """Find the styles of the training faces and learn the aggregation.

        Parameters
        ----------
        X : ndarray of shape (n, H, W) or (n, H, W, C), uint8
            Training faces, grey or RGB; or RGB stacks of frames ``(n, k, H, W, C)``
            (such as the onset and apex frames of ``ApexSpotter(output="pair")``),
            every frame of which is a training face of its sample's domain.
        y : None
            Ignored: the aggregation is unsupervised.
        domains : array-like of shape (n,), default=None
            The database (or any style label) of each sample. When given, these
            are the styles and KMeans is not run.

        Returns
        -------
        self : StyleAggregator
        """
        check_style_params(self.method, self.n_styles, self.image_size, self.device)
        X, domains = frames_of(X, domains)
        rng = check_random_state(self.random_state)
        grey_input = X.ndim == 3 or X.shape[-1] == 1
        self.n_channels_ = 1 if grey_input and self.color == "keep" else 3
        images = to_model_channels(X, self.n_channels_)
        statistics = thumbnail_statistics(X)
        self.style_labels_ = find_styles(statistics, domains, self.n_styles, rng)
        self.styles_ = np.unique(self.style_labels_)
        if self.method == "cyclegan" and len(self.styles_) < 2:
            raise ValueError(
                "method='cyclegan' needs at least two styles; the training faces "
                "(or their domains) form only one."
            )
        in_style = [self.style_labels_ == s for s in self.styles_]
        self.style_statistics_ = np.stack([statistics[m].mean(axis=0) for m in in_style])
        if self.method == "moments":
            means, stds = channel_moments(images)
            self.target_mean_ = np.mean([means[m].mean(axis=0) for m in in_style], axis=0)
            self.target_std_ = np.mean([stds[m].mean(axis=0) for m in in_style], axis=0)
        else:
            # Largest against smallest: the most and the least represented looks.
            order = np.argsort([m.sum() for m in in_style], kind="stable")
            a, b = order[-1], order[0]
            self.style_a_, self.style_b_ = self.styles_[[a, b]].tolist()
            self.history_, self.generator_a_, self.generator_b_ = train_style_cyclegan(
                images[in_style[a]], images[in_style[b]], self._cyclegan_params(), rng
            )
        return self

    def _cyclegan_params(self):
        names = (
            "n_channels_",
            "n_filters",
            "n_blocks",
            "cycle_weight",
            "identity_weight",
            "pool_size",
            "lr",
            "image_size",
            "max_epochs",
            "batch_size",
            "device",
            "verbose",
        )
        return {name.rstrip("_"): getattr(self, name) for name in names}

    def transform(self, X):
        """Re-render faces in the aggregated style.

        Parameters
        ----------
        X : ndarray of shape (n, H, W) or (n, H, W, C), uint8
            Faces, grey or RGB, or RGB stacks of frames ``(n, k, H, W, C)``, each
            frame re-rendered on its own.

        Returns
        -------
        X_new : ndarray of the shape of ``X``, uint8
            The faces in the aggregated style.
        """
        check_is_fitted(self)
        shape = np.shape(X)
        X, _ = frames_of(X, None)
        images = to_model_channels(X, self.n_channels_)
        if self.method == "moments":
            out = match_moments(images, self.target_mean_, self.target_std_)
        else:
            out = render_cyclegan(
                [self.generator_a_, self.generator_b_],
                images,
                self.image_size,
                torch.device(self.device),
            )
        if out.shape[-1] == 3 and (X.ndim == 3 or X.shape[-1] == 1):
            # Rounded from float64, not cv2's fixed point: the numbers stay as they were.
            out = np.round(to_grey(out.astype(np.float64))).astype(np.uint8)
        return out.reshape(shape)

    def save(self, path):
        """Save the fitted aggregator's parameters and weights with ``torch.save``.

        Only tensors, numbers, strings, lists and dicts are written, so
        :meth:`load` can read the file with ``torch.load(weights_only=True)``.
        A ``random_state`` given as a ``RandomState`` instance is saved as
        None: it only matters for fitting.

        Parameters
        ----------
        path : str or path-like
        """
        check_is_fitted(self)
        save_aggregator(self, path)

    @classmethod
    def load(cls, path):
        """Load an aggregator written by :meth:`save`.

        The file is read with ``torch.load(weights_only=True)``: it cannot run
        code.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        aggregator : StyleAggregator
            Fitted, with the saved parameters.
        """
        return load_aggregator(cls, path)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["uint8"]
        return tags
