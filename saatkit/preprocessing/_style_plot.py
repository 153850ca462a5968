"""Figure: faces of each group before and after style aggregation."""

import numpy as np

from ..clips import check_face_images


def plot_style_grid(images_before, images_after, groups, *, n_per_group=4, figure=None):
    """Show faces of each group (database) before and after style aggregation.

    One row per group; its first ``n_per_group`` faces in their input style
    on the left and, on the right, the same faces after aggregation. Works
    with any matplotlib backend, including the non-interactive ``Agg``.

    Parameters
    ----------
    images_before, images_after : ndarray of shape (n, H, W) or (n, H, W, C), uint8
        The same faces before and after, in the same order.
    groups : array-like of shape (n,)
        The group (e.g. database) of each face; rows follow the sorted groups.
    n_per_group : int, default=4
        Faces shown per group and side (fewer if a group has fewer).
    figure : matplotlib.figure.Figure, default=None
        Figure to draw into (it is cleared); a new one by default.

    Returns
    -------
    figure : matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from saatkit.preprocessing import plot_style_grid
    >>> faces = np.zeros((4, 8, 8, 3), dtype=np.uint8)
    >>> fig = plot_style_grid(faces, faces + 100, ["a", "a", "b", "b"], n_per_group=2)
    >>> len(fig.axes)
    8
    """
    import matplotlib.pyplot as plt

    before = check_face_images(images_before, "images_before")
    after = check_face_images(images_after, "images_after")
    groups = np.asarray(groups)
    if len(after) != len(before) or groups.shape != (len(before),):
        raise ValueError(
            "images_before, images_after and groups must describe the same "
            f"faces, got {len(before)}, {len(after)} and {groups.shape}."
        )
    if n_per_group < 1:
        raise ValueError(f"n_per_group must be >= 1, got {n_per_group}.")
    labels = np.unique(groups)
    if figure is None:
        figure = plt.figure(figsize=(2 * n_per_group + 0.5, 1.1 * len(labels) + 0.5))
    else:
        figure.clear()
    axes = figure.subplots(len(labels), 2 * n_per_group, squeeze=False)
    for row, label in zip(axes, labels):
        chosen = np.flatnonzero(groups == label)[:n_per_group]
        for j, ax in enumerate(row):
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            side, k = divmod(j, n_per_group)
            if k < len(chosen):
                image = (before, after)[side][chosen[k]]
                ax.imshow(image.squeeze(), cmap="gray", vmin=0, vmax=255)
        row[0].set_ylabel(str(label))
    axes[0, 0].set_title("before", loc="left")
    axes[0, n_per_group].set_title("after", loc="left")
    return figure
