"""Steps that learn nothing: ``fit`` checks, the tags say so."""

from sklearn.base import _fit_context


class StatelessMixin:
    """``fit`` and tags of a transformer that learns nothing from the data.

    ``fit`` checks the parameters (``_parameter_constraints``) and the input, with the
    step's own ``_check_input(X)``, and returns the step unchanged; the tags say
    ``requires_fit=False`` (``transform`` works unfitted), that the input is not a
    table and that the output dtype is not the input's. Put it before
    ``TransformerMixin`` and ``BaseEstimator`` among the bases.
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the input; nothing is learnt.

        Parameters
        ----------
        X : list of Clip or ndarray
            As for :meth:`transform`; only its type and layout are checked.
        y : ignored

        Returns
        -------
        self : object
            The step, unchanged.
        """
        self._check_input(X)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.transformer_tags.preserves_dtype = []
        return tags
