"""The style aggregator's work: styles found, CycleGAN trained and applied, moments matched."""

import copy

import cv2
import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from torch.nn import functional as F

from ..clips import check_face_images
from ..nn import CycleGAN, train_cyclegan
from ..utils import array_digest
from ._resize import ImageResizer
from ._style_features import as_rgb, style_statistics

_TRANSFORM_BATCH = 64
# Style statistics of the faces seen in this process (see thumbnail_statistics), at
# most this many (19 floats each).
_SEEN_STATISTICS = {}
_SEEN_LIMIT = 200_000
# Styles are properties of the whole image (colour, contrast, sharpness, texture): the
# statistics of a 32-pixel thumbnail found the same three styles of the synthetic
# composite's 64-pixel faces as the full faces, in a quarter of the time (which matters
# when the aggregator is fitted in every fold).
_STATISTICS_SIZE = 32
# Contrast floor (grey levels) so a flat channel is not divided by ~0.
_MIN_STD = 1.0


def check_style_params(method, n_styles, image_size, device):
    """What the parameter constraints cannot say: the GAN's needs, a device torch knows."""
    if method == "cyclegan":
        if n_styles < 2:
            raise InvalidParameterError(
                f"n_styles must be >= 2 with method='cyclegan', got {n_styles!r}."
            )
        if image_size < 32 or image_size % 4:
            raise InvalidParameterError(
                "image_size must be a multiple of 4 and >= 32 with method='cyclegan', "
                f"got {image_size!r}."
            )
    try:
        torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise InvalidParameterError(f"device {device!r} is not a torch device.") from error


def _thumbnail_statistics(X):
    if min(X.shape[1:3]) > _STATISTICS_SIZE:
        X = ImageResizer(_STATISTICS_SIZE).fit_transform(X)
    return style_statistics(X)


def thumbnail_statistics(X):
    """Style statistics of each face, on a thumbnail of at most 32 pixels.

    A face's statistics depend on that face alone, and the folds of leave-one-subject-
    out fit an aggregator on nearly the same faces, so the statistics of faces this
    process has seen are kept (by a hash of their bytes) and only new faces are
    computed; the result is the same either way.
    """
    keys = [(face.shape, face.dtype.str, array_digest(face)) for face in X]
    new = [i for i, key in enumerate(keys) if key not in _SEEN_STATISTICS]
    if new:
        if len(_SEEN_STATISTICS) + len(new) > _SEEN_LIMIT:
            _SEEN_STATISTICS.clear()
        _SEEN_STATISTICS.update(zip([keys[i] for i in new], _thumbnail_statistics(X[new])))
    return np.stack([_SEEN_STATISTICS[key] for key in keys])


def train_style_cyclegan(images_a, images_b, params, rng):
    """Train a CycleGAN between two styles' faces; return its history and generators.

    ``params`` holds the aggregator's ``n_channels``, ``n_filters``, ``n_blocks``,
    ``cycle_weight``, ``identity_weight``, ``pool_size``, ``lr``,
    ``image_size``, ``max_epochs``, ``batch_size``, ``device`` and ``verbose``; ``rng``
    seeds the weights, then draws the batches.
    """
    device = torch.device(params["device"])
    seed = torch.Generator().manual_seed(int(rng.randint(2**31)))
    model = CycleGAN(
        params["n_channels"],
        params["n_filters"],
        params["n_blocks"],
        cycle_weight=params["cycle_weight"],
        identity_weight=params["identity_weight"],
        pool_size=params["pool_size"],
        lr=params["lr"],
        generator=seed,
        rng=rng,
    ).to(device)
    domain_a, domain_b = (
        to_tensor(images, params["image_size"], device) for images in (images_a, images_b)
    )
    history = train_cyclegan(
        model,
        domain_a,
        domain_b,
        max_epochs=params["max_epochs"],
        batch_size=params["batch_size"],
        rng=rng,
        verbose=params["verbose"],
    )
    return history, model.generator_a.cpu().eval(), model.generator_b.cpu().eval()


def to_model_channels(X, n_channels):
    """``(n, H, W, n_channels)`` view of faces ``X``: grey ones repeated for RGB models."""
    if X.ndim == 3:
        X = X[..., None]
    if X.shape[-1] == n_channels:
        return X
    if n_channels == 3:
        return as_rgb(X)
    raise ValueError(
        "This StyleAggregator was fitted on grey faces with color='keep' and "
        f"only transforms grey faces; X has shape {X.shape}."
    )


def render_cyclegan(generators, images, image_size, device):
    """The mean of the two generators' renderings of uint8 ``(n, H, W, C)`` images.

    Images go through the generators at ``image_size``, ``_TRANSFORM_BATCH`` at a
    time, and come back at their own size as uint8.
    """
    if device.type != "cpu":
        generators = [copy.deepcopy(g).to(device) for g in generators]
    size = images.shape[1:3]
    out = []
    with torch.no_grad():
        for start in range(0, len(images), _TRANSFORM_BATCH):
            batch = images[start : start + _TRANSFORM_BATCH]
            x = to_tensor(batch, image_size, device)
            mixed = (generators[0](x) + generators[1](x)) / 2
            mixed = F.interpolate(mixed, size=size, mode="bilinear", antialias=True)
            out.append(to_uint8(mixed))
    return np.concatenate(out)


def frames_of(X, domains):
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


def to_tensor(images, size, device):
    """uint8 ``(n, H, W, C)`` -> float ``(n, C, size, size)`` in [-1, 1] on ``device``."""
    # torch wants writable memory: read-only input (a memmap, say) is copied.
    images = np.ascontiguousarray(images) if images.flags.writeable else np.array(images)
    x = torch.from_numpy(images).to(device)
    x = x.permute(0, 3, 1, 2).float() / 127.5 - 1.0
    if x.shape[-2:] != (size, size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True)
    return x


def to_uint8(x):
    """float ``(n, C, H, W)`` in [-1, 1] -> uint8 ``(n, H, W, C)`` on the CPU."""
    x = ((x + 1.0) * 127.5).round().clamp(0, 255).to(torch.uint8)
    return x.permute(0, 2, 3, 1).cpu().numpy()


def channel_moments(images):
    """Per-image, per-channel mean and standard deviation in grey levels."""
    # OpenCV sums in double precision without a float copy of the images.
    stats = [cv2.meanStdDev(image) for image in images]
    return (
        np.array([mean.ravel() for mean, _ in stats]),
        np.array([std.ravel() for _, std in stats]),
    )


def match_moments(images, target_mean, target_std):
    means, stds = channel_moments(images)
    scale = target_std / np.maximum(stds, _MIN_STD)
    offset = target_mean - means * scale
    # x * scale + offset per channel, rounded and clipped to [0, 255] by OpenCV.
    return np.stack(
        [
            cv2.transform(image, np.column_stack([np.diag(s), o])).reshape(image.shape)
            for image, s, o in zip(images, scale, offset)
        ]
    )


def find_styles(statistics, domains, n_styles, rng):
    """The style of each image: its domain when given, else its KMeans cluster.

    The clusters are found on the standardised style statistics, with ``n_init=10``
    and a seed drawn from ``rng``.
    """
    if domains is not None:
        domains = np.asarray(domains)
        if domains.shape != (len(statistics),):
            raise ValueError(
                f"domains must have one label per image ({len(statistics)}), "
                f"got shape {domains.shape}."
            )
        return domains
    if len(statistics) < n_styles:
        raise ValueError(
            f"n_styles={n_styles} needs at least as many images, got {len(statistics)}."
        )
    features = StandardScaler().fit_transform(statistics)
    kmeans = KMeans(n_styles, n_init=10, random_state=rng.randint(2**31))
    return kmeans.fit_predict(features)
