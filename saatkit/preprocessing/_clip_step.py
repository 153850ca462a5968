"""What the per-clip steps share: ``memory`` and ``n_jobs``, passed on to map_clips."""

import os
from numbers import Integral

from sklearn.utils._param_validation import HasMethods

from ..clips import check_clips, map_clips
from ..utils import StatelessMixin

MAP_CLIPS_CONSTRAINTS = {
    "memory": [None, str, os.PathLike, HasMethods(["cache"])],
    "n_jobs": [Integral, None],
}


def map_clips_docs(result):
    """Docstring pieces ``memory`` and ``n_jobs`` of a step that caches ``result`` per clip."""
    return {
        "memory": f"""memory : str, Path, joblib.Memory or None, default=None
        Cache of {result}, keyed on the clip and the parameters (see
        :func:`saatkit.clips.map_clips`).""",
        "n_jobs": """n_jobs : int, default=None
        Clips processed in parallel through joblib.""",
    }


class ClipStepMixin(StatelessMixin):
    """A step that learns nothing and works clip by clip, cached and in parallel.

    ``fit`` checks that ``X`` is a list of clips, unless the step sets its own
    ``_check_input``.
    """

    _check_input = staticmethod(check_clips)

    def _map_clips(self, func, clips, **params):
        return map_clips(func, clips, memory=self.memory, n_jobs=self.n_jobs, **params)
