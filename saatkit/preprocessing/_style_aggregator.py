"""Re-render faces from several databases in one aggregated style (SAN)."""

import copy
import numbers

import cv2
import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from torch.nn import functional as F

from ..clips import check_face_images, to_grey
from ._cyclegan import CycleGAN, ResnetGenerator, train_cyclegan
from ._resize import ImageResizer
from ._style_features import as_rgb, style_statistics

STYLE_PRESETS = {
    # Trains in a few minutes on one CPU core for ~150 64x64 faces.
    "demo": dict(image_size=64, n_filters=16, n_blocks=3, n_epochs=20, batch_size=8),
    # Dong et al. (2018) / Zhu et al. (2017): needs a GPU.
    "paper": dict(image_size=256, n_filters=64, n_blocks=9, n_epochs=200, batch_size=1),
}

_SAVE_FORMAT = "saatkit.StyleAggregator/1"
_TRANSFORM_BATCH = 64
# Contrast floor (grey levels) so a flat channel is not divided by ~0.
_MIN_STD = 1.0
# Styles are properties of the whole image (colour, contrast, sharpness, texture): the
# statistics of a 32-pixel thumbnail found the same three styles of the synthetic
# composite's 64-pixel faces as the full faces, in a quarter of the time (which matters
# when the aggregator is fitted in every fold).
_STATISTICS_SIZE = 32


class StyleAggregator(TransformerMixin, BaseEstimator):
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
    grey : {"broadcast", "keep"}, default="broadcast"
        ``"broadcast"``: grey faces are treated as RGB faces with equal
        channels, so one model serves grey and colour faces; grey outputs are
        the luminance of the RGB result. ``"keep"``: grey training faces give
        a one-channel model, which then only accepts grey faces.
    image_size : int, default=64
        Side of the square images the CycleGAN works on (a multiple of 4, at
        least 32); faces are resized to it and the results back to the input
        size.
    n_filters : int, default=16
        Filters of the first generator and discriminator layers (ngf = ndf).
    n_blocks : int, default=3
        Residual blocks per generator.
    n_epochs : int, default=20
        Training epochs; the learning rate is constant for the first half and
        decays linearly towards 0 over the second half.
    batch_size : int, default=8
        Images per domain per training step.
    learning_rate : float, default=2e-4
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
        Channels the model works on (3, or 1 for grey faces with ``grey="keep"``).
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

    References
    ----------
    .. [1] X. Dong, Y. Yan, W. Ouyang and Y. Yang, "Style aggregated network
       for facial landmark detection," CVPR 2018.
    .. [2] J.-Y. Zhu, T. Park, P. Isola and A. A. Efros, "Unpaired
       image-to-image translation using cycle-consistent adversarial
       networks," ICCV 2017.
    .. [3] L. Zhou, Q. Mao and L. Xue, "Cross-database micro-expression
       recognition: a style aggregated and attention transfer approach,"
       ICMEW 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.preprocessing import StyleAggregator
    >>> rng = np.random.default_rng(0)
    >>> faces = rng.integers(0, 256, (8, 32, 32, 3), dtype=np.uint8)
    >>> faces[4:] //= 4  # a second, darker style
    >>> moments = StyleAggregator("moments", n_styles=2, random_state=0).fit(faces)
    >>> moments.transform(faces).shape
    (8, 32, 32, 3)
    >>> gan = StyleAggregator(image_size=32, n_filters=4, n_blocks=1, n_epochs=1,
    ...                       batch_size=4, n_styles=2, random_state=0).fit(faces)
    >>> sorted(gan.history_[0])[:3]
    ['D_A', 'D_B', 'G_A']
    >>> gan.transform(faces[:, :, :, 0]).shape  # grey faces stay grey
    (8, 32, 32)
    """

    def __init__(
        self,
        method="cyclegan",
        *,
        n_styles=3,
        grey="broadcast",
        image_size=64,
        n_filters=16,
        n_blocks=3,
        n_epochs=20,
        batch_size=8,
        learning_rate=2e-4,
        cycle_weight=10.0,
        identity_weight=5.0,
        pool_size=50,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.method = method
        self.n_styles = n_styles
        self.grey = grey
        self.image_size = image_size
        self.n_filters = n_filters
        self.n_blocks = n_blocks
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.cycle_weight = cycle_weight
        self.identity_weight = identity_weight
        self.pool_size = pool_size
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

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
        self._check_params()
        X, domains = _frames(X, domains)
        rng = check_random_state(self.random_state)
        grey_input = X.ndim == 3 or X.shape[-1] == 1
        self.n_channels_ = 1 if grey_input and self.grey == "keep" else 3
        images = self._to_model_channels(X)
        statistics = style_statistics(ImageResizer(_STATISTICS_SIZE).fit_transform(X)
                                      if min(X.shape[1:3]) > _STATISTICS_SIZE else X)
        self.style_labels_ = self._find_styles(statistics, domains, rng)
        self.styles_ = np.unique(self.style_labels_)
        if self.method == "cyclegan" and len(self.styles_) < 2:
            raise ValueError(
                "method='cyclegan' needs at least two styles; the training faces "
                "(or their domains) form only one."
            )
        in_style = [self.style_labels_ == s for s in self.styles_]
        self.style_statistics_ = np.stack([statistics[m].mean(axis=0) for m in in_style])
        if self.method == "moments":
            means, stds = _channel_moments(images)
            self.target_mean_ = np.mean([means[m].mean(axis=0) for m in in_style], axis=0)
            self.target_std_ = np.mean([stds[m].mean(axis=0) for m in in_style], axis=0)
        else:
            self._fit_cyclegan(images, in_style, rng)
        return self

    def _check_params(self):
        if self.method not in ("cyclegan", "moments"):
            raise ValueError(
                f"method must be 'cyclegan' or 'moments', got {self.method!r}."
            )
        if self.grey not in ("broadcast", "keep"):
            raise ValueError(f"grey must be 'broadcast' or 'keep', got {self.grey!r}.")
        min_styles = 2 if self.method == "cyclegan" else 1
        _check_int("n_styles", self.n_styles, min_styles)
        if self.method == "moments":
            return
        _check_int("image_size", self.image_size, 32)
        if self.image_size % 4:
            raise ValueError(
                f"image_size must be a multiple of 4, got {self.image_size}."
            )
        for name in ("n_filters", "n_epochs", "batch_size"):
            _check_int(name, getattr(self, name), 1)
        for name in ("n_blocks", "pool_size"):
            _check_int(name, getattr(self, name), 0)
        for name in ("learning_rate", "cycle_weight", "identity_weight"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Real) or value < 0:
                raise ValueError(f"{name} must be a non-negative number, got {value!r}.")
        try:
            torch.device(self.device)
        except (RuntimeError, TypeError) as error:
            raise ValueError(f"device {self.device!r} is not a torch device.") from error

    def _find_styles(self, statistics, domains, rng):
        if domains is not None:
            domains = np.asarray(domains)
            if domains.shape != (len(statistics),):
                raise ValueError(
                    f"domains must have one label per image ({len(statistics)}), "
                    f"got shape {domains.shape}."
                )
            return domains
        if len(statistics) < self.n_styles:
            raise ValueError(
                f"n_styles={self.n_styles} needs at least as many images, "
                f"got {len(statistics)}."
            )
        features = StandardScaler().fit_transform(statistics)
        kmeans = KMeans(self.n_styles, n_init=10, random_state=rng.randint(2**31))
        return kmeans.fit_predict(features)

    def _fit_cyclegan(self, images, in_style, rng):
        sizes = [m.sum() for m in in_style]
        order = np.argsort(sizes, kind="stable")
        # Largest against smallest: the most and the least represented looks.
        a, b = order[-1], order[0]
        self.style_a_, self.style_b_ = self.styles_[[a, b]].tolist()
        device = torch.device(self.device)
        seed = torch.Generator().manual_seed(int(rng.randint(2**31)))
        model = CycleGAN(
            self.n_channels_,
            self.n_filters,
            self.n_blocks,
            cycle_weight=self.cycle_weight,
            identity_weight=self.identity_weight,
            pool_size=self.pool_size,
            learning_rate=self.learning_rate,
            generator=seed,
            rng=rng,
        ).to(device)
        domain_a, domain_b = (
            _to_tensor(images[in_style[i]], self.image_size, device) for i in (a, b)
        )
        self.history_ = train_cyclegan(
            model,
            domain_a,
            domain_b,
            n_epochs=self.n_epochs,
            batch_size=self.batch_size,
            rng=rng,
            verbose=self.verbose,
        )
        self.generator_a_ = model.generator_a.cpu().eval()
        self.generator_b_ = model.generator_b.cpu().eval()

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
        X, _ = _frames(X, None)
        images = self._to_model_channels(X)
        if self.method == "moments":
            out = _match_moments(images, self.target_mean_, self.target_std_)
        else:
            out = self._render_cyclegan(images)
        if out.shape[-1] == 3 and (X.ndim == 3 or X.shape[-1] == 1):
            # Rounded from float64, not cv2's fixed point: the numbers stay as they were.
            out = np.round(to_grey(out.astype(np.float64))).astype(np.uint8)
        return out.reshape(shape)

    def _to_model_channels(self, X):
        """``(n, H, W, n_channels_)`` view of ``X``."""
        if X.ndim == 3:
            X = X[..., None]
        if X.shape[-1] == self.n_channels_:
            return X
        if self.n_channels_ == 3:
            return as_rgb(X)
        raise ValueError(
            "This StyleAggregator was fitted on grey faces with grey='keep' and "
            f"only transforms grey faces; X has shape {X.shape}."
        )

    def _render_cyclegan(self, images):
        device = torch.device(self.device)
        generators = [self.generator_a_, self.generator_b_]
        if device.type != "cpu":
            generators = [copy.deepcopy(g).to(device) for g in generators]
        size = images.shape[1:3]
        out = []
        with torch.no_grad():
            for start in range(0, len(images), _TRANSFORM_BATCH):
                batch = images[start : start + _TRANSFORM_BATCH]
                x = _to_tensor(batch, self.image_size, device)
                mixed = (generators[0](x) + generators[1](x)) / 2
                mixed = F.interpolate(mixed, size=size, mode="bilinear", antialias=True)
                out.append(_to_uint8(mixed))
        return np.concatenate(out)

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
        params = self.get_params()
        if not isinstance(params["random_state"], (numbers.Integral, type(None))):
            params["random_state"] = None
        params["device"] = str(params["device"])
        fitted = {
            "n_channels_": self.n_channels_,
            "styles_": self.styles_.tolist(),
            "style_labels_": self.style_labels_.tolist(),
            "style_statistics_": torch.from_numpy(self.style_statistics_),
        }
        if self.method == "moments":
            fitted["target_mean_"] = torch.from_numpy(self.target_mean_)
            fitted["target_std_"] = torch.from_numpy(self.target_std_)
        else:
            fitted["style_a_"] = self.style_a_
            fitted["style_b_"] = self.style_b_
            fitted["history_"] = self.history_
            fitted["generator_a_"] = self.generator_a_.state_dict()
            fitted["generator_b_"] = self.generator_b_.state_dict()
        torch.save({"format": _SAVE_FORMAT, "params": params, "fitted": fitted}, path)

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
        state = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(state, dict) or state.get("format") != _SAVE_FORMAT:
            raise ValueError(f"{path} is not a file written by StyleAggregator.save.")
        aggregator = cls(**state["params"])
        for name, value in state["fitted"].items():
            if name.startswith("generator_"):
                generator = ResnetGenerator(
                    state["fitted"]["n_channels_"],
                    aggregator.n_filters,
                    aggregator.n_blocks,
                )
                generator.load_state_dict(value)
                value = generator.eval()
            elif isinstance(value, torch.Tensor):
                value = value.numpy()
            elif name in ("styles_", "style_labels_"):
                value = np.asarray(value)
            setattr(aggregator, name, value)
        return aggregator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["uint8"]
        return tags


def _frames(X, domains):
    """Checked faces, with stacks of frames ``(n, k, H, W, C)`` made ``(n * k, H, W, C)``.

    Each frame of a stack belongs to its sample's domain. Grey stacks are not accepted:
    ``(n, k, H, W)`` cannot be told from RGB images ``(n, H, W, C)``.
    """
    X = np.asarray(X)
    if X.ndim == 5 and X.shape[-1] == 3:
        k = X.shape[1]
        X = X.reshape(-1, *X.shape[2:])
        if domains is not None:
            domains = np.repeat(np.asarray(domains), k)
    return check_face_images(X), domains


def _check_int(name, value, minimum):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")


def _to_tensor(images, size, device):
    """uint8 ``(n, H, W, C)`` -> float ``(n, C, size, size)`` in [-1, 1] on ``device``."""
    x = torch.from_numpy(np.ascontiguousarray(images)).to(device)
    x = x.permute(0, 3, 1, 2).float() / 127.5 - 1.0
    if x.shape[-2:] != (size, size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True)
    return x


def _to_uint8(x):
    """float ``(n, C, H, W)`` in [-1, 1] -> uint8 ``(n, H, W, C)`` on the CPU."""
    x = ((x + 1.0) * 127.5).round().clamp(0, 255).to(torch.uint8)
    return x.permute(0, 2, 3, 1).cpu().numpy()


def _channel_moments(images):
    """Per-image, per-channel mean and standard deviation in grey levels."""
    # OpenCV sums in double precision without a float copy of the images.
    stats = [cv2.meanStdDev(image) for image in images]
    return (np.array([mean.ravel() for mean, _ in stats]),
            np.array([std.ravel() for _, std in stats]))


def _match_moments(images, target_mean, target_std):
    means, stds = _channel_moments(images)
    scale = target_std / np.maximum(stds, _MIN_STD)
    offset = target_mean - means * scale
    # x * scale + offset per channel, rounded and clipped to [0, 255] by OpenCV.
    return np.stack([
        cv2.transform(image, np.column_stack([np.diag(s), o])).reshape(image.shape)
        for image, s, o in zip(images, scale, offset)
    ])
