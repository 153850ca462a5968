"""The MEGC 2019 LBP-TOP baseline as one scikit-learn pipeline."""

from imblearn.pipeline import Pipeline as ResamplingPipeline
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC

from ..features import LBPTOP
from ..preprocessing import FaceCropper, TemporalInterpolator


def make_lbptop_pipeline(
    *,
    cropper=None,
    svm=None,
    output_size=128,
    n_frames=10,
    radius=(1, 1, 4),
    n_neighbors=4,
    grid=(5, 5),
    norm="block",
    resampler=None,
    n_jobs=None,
    memory=None,
):
    """The MEGC 2019 baseline: face crop, TIM(10), LBP-TOP, linear SVM.

    Steps ``"crop"`` (:class:`~saatkit.preprocessing.FaceCropper`), ``"tim"``
    (:class:`~saatkit.preprocessing.TemporalInterpolator`), ``"lbptop"``
    (:class:`~saatkit.features.LBPTOP`) and ``"svm"``. The defaults are the
    organisers' settings: TIM to 10 frames, radii ``(Rx, Ry, Rt) = (1, 1, 4)``, 4
    neighbours on every plane, 5 x 5 non-overlapping blocks, a linear-kernel SVM.
    The pipeline takes a list of :class:`~saatkit.clips.Clip`; every step can be
    replaced with ``set_params`` (``crop``, ``svm``, ``lbptop__grid``, ...).

    Parameters
    ----------
    cropper : estimator, "passthrough" or None, default=None
        The ``"crop"`` step. None: ``FaceCropper(output_size=output_size, color="grey",
        memory=memory, n_jobs=n_jobs)``. ``"passthrough"`` skips cropping (the clips'
        frames must then all have one size).
    svm : classifier or None, default=None
        The ``"svm"`` step. None: ``SVC(kernel="linear", C=1.0)``, see Notes.
    output_size : int or (int, int), default=128
        Face size of the default cropper. The organisers do not state theirs; the
        block histograms are normalised, so the size mostly sets how many codes each
        block counts (25 x 25 centres per block at 128).
    n_frames : int, default=10
        TIM length.
    radius, n_neighbors, grid, norm : see :class:`~saatkit.features.LBPTOP`
        LBP-TOP parameters, with its defaults.
    resampler : imbalanced-learn sampler or None, default=None
        A sampler such as ``imblearn.over_sampling.RandomOverSampler(random_state=0)``
        to rebalance the classes of each training fold before the SVM (the composite
        holds 250 negative, 109 positive and 83 surprise clips). With a sampler the
        pipeline is an ``imblearn.pipeline.Pipeline`` with a ``"resample"`` step, which
        resamples in ``fit`` only, never in ``predict``. None (the organisers' setting)
        trains on the folds as they are.
    n_jobs : int, default=None
        Parallel jobs of the crop, TIM and LBP-TOP steps (over clips).
    memory : str, Path, joblib.Memory or None, default=None
        Per-clip cache of the face detection and of TIM, so that the folds of
        leave-one-subject-out do not redo them.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline

    Notes
    -----
    **Which linear SVM.** The baseline comes from the Oulu MATLAB tool chain, whose
    classifier is LIBSVM's ``svmtrain`` with a linear kernel (``-t 0``; default cost
    ``-c 1``), multi-class by one-vs-one voting. ``sklearn.svm.SVC(kernel="linear")``
    *is* LIBSVM (same solver, hinge loss, one-vs-one), so it is the default here:
    it reproduces that classifier rather than approximating it. ``LinearSVC`` is a
    different classifier: liblinear, one-vs-rest, squared hinge loss by default, and
    a penalised intercept; its predictions and scores differ. It is much faster on
    large sets, which a 442-clip, 1200-feature problem does not need; pass
    ``svm=LinearSVC()`` to use it.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.datasets import Clip
    >>> from saatkit.pipelines import make_lbptop_pipeline
    >>> rng = np.random.default_rng(0)
    >>> clips = [Clip.from_frames(rng.integers(0, 256, (12, 24, 24), dtype=np.uint8),
    ...                           name=f"c{i}") for i in range(6)]
    >>> pipe = make_lbptop_pipeline(cropper="passthrough").fit(clips, [0, 1, 2, 0, 1, 2])
    >>> list(pipe.named_steps), pipe.predict(clips).shape
    (['crop', 'tim', 'lbptop', 'svm'], (6,))
    """
    if cropper is None:
        cropper = FaceCropper(output_size=output_size, color="grey", memory=memory, n_jobs=n_jobs)
    if svm is None:
        svm = SVC(kernel="linear", C=1.0)
    steps = [
        ("crop", cropper),
        ("tim", TemporalInterpolator(n_frames, memory=memory, n_jobs=n_jobs)),
        ("lbptop", LBPTOP(radius, n_neighbors, grid=grid, norm=norm, n_jobs=n_jobs)),
        ("svm", svm),
    ]
    if resampler is None:
        return Pipeline(steps)
    return ResamplingPipeline(steps[:-1] + [("resample", resampler)] + steps[-1:])
