"""Docstring pieces written once and substituted where they repeat."""


class Substitution:
    """Fill ``%(name)s`` fields of a docstring with shared pieces.

    A decorator, as in imbalanced-learn and pandas: the parameters that several
    functions share (``y_true``, ``y_pred``, ``labels``, ...) are written once and
    kept in step everywhere.

    Parameters
    ----------
    **pieces : str
        Text for each field, written at the indentation of a docstring's sections
        (four spaces for a function, eight for a method).

    Examples
    --------
    >>> from saatkit.utils import Substitution
    >>> @Substitution(x="x : float\\n        The number to double.")
    ... def double(x):
    ...     '''Twice ``x``.
    ...
    ...     Parameters
    ...     ----------
    ...     %(x)s
    ...     '''
    ...     return 2 * x
    >>> "The number to double." in double.__doc__
    True
    """

    def __init__(self, **pieces):
        self.pieces = pieces

    def __call__(self, obj):
        obj.__doc__ = obj.__doc__ % self.pieces
        return obj
