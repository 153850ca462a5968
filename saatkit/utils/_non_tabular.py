"""Steps whose output is clips or stacks of images: no columns to name or wrap."""

import numpy as np
from sklearn.utils._param_validation import StrOptions, validate_parameter_constraints

_TRANSFORM_OUTPUTS = [StrOptions({"default", "pandas", "polars"}), None]


class NonTabularOutputMixin:
    """``set_output`` and ``get_feature_names_out`` for a step that outputs no table.

    A pipeline's ``set_output(transform="pandas")`` configures every step, and its
    ``get_feature_names_out`` asks every step for names; scikit-learn refuses both when
    a step lacks the method. Clips and image stacks have no columns, so such a step
    accepts any output setting and leaves its output as it is, and passes the names it
    is given on unchanged: the first tabular step after it (LBP-TOP, say) names the
    columns. Put the mixin first among the bases; it also keeps scikit-learn from
    wrapping ``transform`` for a global ``transform_output`` setting.

    Examples
    --------
    >>> from saatkit.features import LBPTOP
    >>> from saatkit.pipelines import make_lbptop_pipeline
    >>> pipe = make_lbptop_pipeline(grid=1).set_output(transform="pandas")
    >>> pipe[:-1].get_feature_names_out()[:2].tolist()
    ['b0_0_xy_code00', 'b0_0_xy_code01']
    """

    def __init_subclass__(cls, **kwargs):
        kwargs.setdefault("auto_wrap_output_keys", None)
        super().__init_subclass__(**kwargs)

    def set_output(self, *, transform=None):
        """Accept a pipeline's output setting; clips and images stay as they are.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            Checked, then ignored: the output has no columns.

        Returns
        -------
        self : estimator instance
        """
        validate_parameter_constraints(
            {"transform": _TRANSFORM_OUTPUTS}, {"transform": transform}, type(self).__name__
        )
        return self

    def get_feature_names_out(self, input_features=None):
        """The names given, unchanged: the output has no columns of its own.

        Parameters
        ----------
        input_features : array-like of str or None, default=None

        Returns
        -------
        names : ndarray of str or None
            ``input_features`` as an object array, or None.
        """
        return None if input_features is None else np.asarray(input_features, dtype=object)
