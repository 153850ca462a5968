"""SAMM, read from its folders and FACS coding workbook as distributed."""

from ..utils import Substitution, cite
from ._coded import SAMM


@Substitution(references=cite("davison2018"))
def load_samm(root, annotations=None, *, classes="megc", strict=True):
    """Load SAMM micro-movement clips from the folders as the database distributes them.

    Parameters
    ----------
    root : str or Path
        The folder holding the subject folders (frames ``006/006_1_2/006_05562.jpg``;
        the frame number is written with 4 or 5 digits depending on the clip).
    annotations : str or Path, default=None
        The FACS coding workbook (sheet ``MICRO_ONLY``; its header row is found by its
        column names, below the legend). When None, ``SAMM_Micro_FACS_Codes_v2.xlsx``
        is looked for in ``root`` and in its parent.
    classes : {"megc", "original"}, default="megc"
        "megc": the 3 MEGC 2019 classes (anger, contempt, disgust, fear, sadness ->
        negative; happiness -> positive; surprise -> surprise; "Other" dropped).
        "original": the 7 estimated emotions (anger, contempt, disgust, fear,
        happiness, sadness, surprise; "Other" dropped).
    strict : bool, default=True
        When True a clip of the workbook with no frames on disk is an error; when False
        it is skipped, listed in ``missing`` and warned about.

    Returns
    -------
    data : Bunch
        As :func:`load_casme2`, with subjects ``"samm/006"`` and 200 fps clips.

    Warns
    -----
    AnnotationWarning
        For each clip whose annotated frames are unusable. In the v2 workbook:
        ``028_4_1`` (apex 1143 after offset 1134) and ``032_3_1`` (apex 1930 before
        onset 4896); their apex is set to None, so an apex spotter is used, and the
        ``note`` column says so.
    MissingClipWarning
        With ``strict=False``, for the clips that have no frames on disk.

    Notes
    -----
    With ``classes="megc"`` this gives the 133 SAMM clips of MEGC 2019 (92 negative,
    26 positive, 15 surprise) from 28 subjects.

    %(references)s

    Examples
    --------
    >>> from saatkit.datasets import load_samm
    >>> data = load_samm("SAMM")  # doctest: +SKIP
    >>> len(data.X), len(set(data.groups))  # doctest: +SKIP
    (133, 28)
    """
    return SAMM.load(root, annotations, classes, strict)
