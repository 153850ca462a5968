"""CASME II, read from its folders and coding file as distributed."""

from ..utils import Substitution, cite
from ._coded import CASME2


@Substitution(references=cite("yan2014"))
def load_casme2(root, annotations=None, *, classes="megc", strict=True):
    """Load CASME II clips from the folders as the database distributes them.

    Parameters
    ----------
    root : str or Path
        The folder holding the subject folders: ``CASME2_RAW_selected`` (frames
        ``sub01/EP02_01f/img46.jpg``) or the cropped set ``Cropped``
        (``sub01/EP02_01f/reg_img46.jpg``).
    annotations : str or Path, default=None
        The coding file. When None, ``CASME2-coding-20140508.xlsx`` is looked for in
        ``root`` and in its parent, where the database ships it. The newer 20190701
        coding file labels other clips and does not give the MEGC 2019 set.
    classes : {"megc", "original"}, default="megc"
        "megc": the 3 MEGC 2019 classes (disgust and repression -> negative, happiness
        -> positive, surprise -> surprise; others, sadness and fear dropped).
        "original": the 5-class protocol (disgust, happiness, others, repression,
        surprise; sadness and fear dropped).
    strict : bool, default=True
        When True a clip of the coding file with no frames on disk is an error; when
        False it is skipped, listed in ``missing`` and warned about.

    Returns
    -------
    data : Bunch
        ``X`` (list of :class:`Clip`, 200 fps, onset/apex/offset as 0-based positions),
        ``y``, ``groups`` (``"casme2/sub01"``), ``database``, ``frame`` (one row per clip:
        database, subject, name, label, emotion, onset, apex, offset as annotated frame
        numbers, n_frames, path, note), ``target_names``, ``missing``, ``DESCR``.

    Raises
    ------
    FileNotFoundError
        When ``root`` or the coding file does not exist, or (with ``strict=True``) when
        annotated clips have no folder or an empty one; the message lists each clip's
        folder and coding-file row.
    ValueError
        When the coding file lacks a required column (the message names it) or lists
        a clip twice.

    Warns
    -----
    AnnotationWarning
        For each clip whose annotated frames are unusable; its apex (or onset/offset)
        is set to None and the ``note`` column says why. In the 20140508 coding file:
        ``sub04/EP12_01f`` (ApexFrame "/") and ``sub05/EP09_05f`` (apex equals onset).
    MissingClipWarning
        With ``strict=False``, for the clips that have no frames on disk.

    Notes
    -----
    With ``classes="megc"`` this gives 147 clips: the two clips without a usable apex
    are kept (apex None, so an apex spotter is used). The official MEGC 2019 list drops
    them; :func:`load_megc2019` follows that list and gives 145.

    %(references)s

    Examples
    --------
    >>> from saatkit.datasets import load_casme2
    >>> data = load_casme2("CASME2/CASME2_RAW_selected")  # doctest: +SKIP
    >>> len(data.X), data.target_names  # doctest: +SKIP
    (147, ['negative', 'positive', 'surprise'])
    """
    return CASME2.load(root, annotations, classes, strict)
