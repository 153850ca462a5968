"""Parameters given as a fixed-length tuple of ints, checked like scikit-learn checks one."""

from numbers import Integral

from sklearn.utils._param_validation import InvalidParameterError


def check_int_tuple(value, name, owner, *, interval, lengths, scalar=None):
    """The ints of a tuple-valued parameter, each inside ``interval``.

    scikit-learn's constraints (:class:`~sklearn.utils._param_validation.Interval` and
    the like) describe one value; a parameter such as LBP-TOP's ``radius=(1, 1, 4)``
    holds several. Put ``"array-like"`` or ``tuple`` in the estimator's
    ``_parameter_constraints`` and call this for the elements.

    Parameters
    ----------
    value : object
        The parameter's value.
    name : str
        The parameter's name, for the message.
    owner : str
        The estimator's class name, for the message.
    interval : sklearn.utils._param_validation.Interval
        The range every element must lie in (an ``Integral`` interval).
    lengths : tuple of int
        The tuple lengths accepted.
    scalar : int or None, default=None
        When set, a single int in ``interval`` is accepted too and repeated this many
        times.

    Returns
    -------
    values : tuple of int

    Raises
    ------
    InvalidParameterError
        A ``ValueError`` naming the parameter, the estimator and what was expected.

    Examples
    --------
    >>> from numbers import Integral
    >>> from sklearn.utils._param_validation import Interval
    >>> from saatkit.utils import check_int_tuple
    >>> positive = Interval(Integral, 1, None, closed="left")
    >>> check_int_tuple(5, "grid", "LBPTOP", interval=positive, lengths=(2,), scalar=2)
    (5, 5)
    """
    if scalar is not None and interval.is_satisfied_by(value):
        return (int(value),) * scalar
    values = tuple(value) if isinstance(value, (tuple, list)) else ()
    if len(values) in lengths and all(
        isinstance(v, Integral) and not isinstance(v, bool) and interval.is_satisfied_by(v)
        for v in values
    ):
        return tuple(int(v) for v in values)
    counts = " or ".join(str(n) for n in lengths)
    expected = (
        f"{interval} or a tuple of {counts} such ints"
        if scalar is not None
        else f"a tuple of {counts} ints, each {interval}"
    )
    raise InvalidParameterError(
        f"The {name!r} parameter of {owner} must be {expected}. Got {value!r} instead."
    )
