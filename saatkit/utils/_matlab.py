"""MATLAB's conversion to uint8, which the MEGC 2019 baseline's reference code relies on."""

import numpy as np

# Values this little below a half round up, as the half itself: float round-off of a
# matrix product must not decide which way an exact tie of exact arithmetic goes.
_TIE_TOLERANCE = 1e-9


def matlab_uint8(values):
    """Convert to uint8 as MATLAB's ``uint8()`` does: round half away from zero, clip.

    Parameters
    ----------
    values : ndarray of float64
        Non-negative values (a pixel's grey level, a TIM frame), overwritten. Values
        within ``1e-9`` below a half count as the half, so that the round-off of the
        float arithmetic that produced them does not decide an exact tie.

    Returns
    -------
    out : ndarray of uint8
        The values rounded and clipped to [0, 255].

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.utils import matlab_uint8
    >>> matlab_uint8(np.array([0.5, 1.5, 2.4999999999, 300.0])).tolist()
    [1, 2, 3, 255]
    """
    values += 0.5 + _TIE_TOLERANCE
    np.floor(values, out=values)
    np.clip(values, 0, 255, out=values)
    return values.astype(np.uint8)
