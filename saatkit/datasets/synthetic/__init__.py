"""The synthetic benchmark: procedural faces recorded in the styles of four databases.

Identities (:mod:`._identity`) are drawn (:mod:`._canvas`, :mod:`._face_renderer`,
:mod:`._hair`) into neutral scenes (:mod:`._scene`) that action units, head motion and
wrinkles warp (:mod:`._motion`, :mod:`._wrinkles`) under each database's recording style
(:mod:`._styles`); :mod:`._source` renders a clip's frames on demand and
:mod:`._catalogue` fixes who shows which expression. The public functions are
re-exported by :mod:`saatkit.datasets`.
"""

from ._expressions import make_synthetic_expressions
from ._megc2019 import make_synthetic_megc2019
from ._motion import intensity_profile
from ._source import synthetic_landmarks

__all__ = [
    "intensity_profile",
    "make_synthetic_expressions",
    "make_synthetic_megc2019",
    "synthetic_landmarks",
]
