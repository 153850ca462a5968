"""Plot of a clip's distance curve d(i) and its apex."""

import numpy as np


def plot_apex_curve(d, apex=None, ax=None, title=None):
    """Plot a clip's distance curve d(i) and mark its apex.

    Parameters
    ----------
    d : array-like of shape (n_frames,)
        The curve :meth:`ApexSpotter.spot` returns.
    apex : int, default=None
        Position to mark; None marks nothing.
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure that needs no display (its
        ``savefig`` works under any backend).
    title : str, default=None

    Returns
    -------
    ax : matplotlib Axes
    """
    d = np.asarray(d, dtype=np.float64).ravel()
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6, 3), layout="constrained").subplots()
    positions = np.arange(len(d))
    ax.plot(positions, d, color="tab:blue", marker=".", label="d(i)")
    if apex is not None:
        ax.axvline(apex, color="tab:red", linestyle="--", label=f"apex = {int(apex)}")
    ax.set_xlabel("frame position")
    ax.set_ylabel("distance to first frame d(i)")
    ax.set_xlim(-0.5, max(len(d) - 0.5, 0.5))
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="best")
    return ax
