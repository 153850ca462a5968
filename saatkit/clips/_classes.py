"""The three classes of the MEGC 2019 composite protocol."""

MEGC_CLASSES = ("negative", "positive", "surprise")
"""tuple of str: the MEGC 2019 class names; class ``i`` is ``MEGC_CLASSES[i]``."""

MEGC_LABELS = tuple(range(len(MEGC_CLASSES)))
"""tuple of int: the MEGC 2019 labels ``(0, 1, 2)``, the encoding every loader returns."""
