"""SA-AT as one Pipeline, its ablation variants (Table 3) and teachers (Table 2)."""

from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from ._presets import (
    INPUTS,
    TEACHER_CANDIDATES,
    VARIANTS,
    preset_settings,
    teacher_network,
    training_params,
)
from ._steps import face_steps, flow_step


def make_teacher(
    name=None, *, preset="demo", random_state=0, device="cpu", verbose=0, **overrides
):
    """An unfitted teacher candidate of the paper's Table 2.

    Parameters
    ----------
    name : str, default=None
        A key of :data:`TEACHER_CANDIDATES`; the preset's teacher when None.
    preset : {"demo", "paper"}, default="demo"
        Training settings (see :data:`PRESETS`).
    random_state : int, default=0
        Seed of the weights and the shuffling.
    device : str, default="cpu"
        Torch device.
    verbose : int, default=0
        skorch verbosity.
    **overrides
        Preset settings to change, e.g. ``teacher_epochs=5``.

    Returns
    -------
    teacher : TeacherClassifier
    """
    from ..nn import TeacherClassifier

    settings = preset_settings(preset, overrides)
    name = settings["teacher"] if name is None else name
    if name not in TEACHER_CANDIDATES:
        raise ValueError(f"Unknown teacher {name!r}; choose from {list(TEACHER_CANDIDATES)}.")
    network, module_params = teacher_network(name)
    return TeacherClassifier(
        module=network,
        **{f"module__{k}": v for k, v in module_params.items()},
        init_std=settings["init_std"],
        # AlexNet's batch-normalised fully connected layers cannot take a last batch of
        # one image; every candidate drops the incomplete last batch (another one each
        # epoch, as batches are shuffled), so that any size of auxiliary set trains.
        iterator_train__drop_last=True,
        **training_params(
            settings, "teacher", random_state=random_state, device=device, verbose=verbose
        ),
    )


def _frozen(estimator):
    """Wrap a fitted estimator so that a Pipeline's fit leaves it as it is."""
    if isinstance(estimator, FrozenEstimator) or not _is_fitted(estimator):
        return estimator
    return FrozenEstimator(estimator)


def make_saat_pipeline(
    teacher,
    *,
    variant="sa-at",
    input="apex",
    preset="demo",
    style=None,
    cropper=None,
    spotter=None,
    memory=None,
    n_jobs=None,
    random_state=0,
    device="cpu",
    verbose=0,
    **overrides,
):
    """SA-AT (or one of its ablation variants) as one Pipeline from clips to classes.

    With the paper's apex input the steps are ``crop``
    (:class:`~saatkit.preprocessing.FaceCropper` at ``crop_size``), ``apex``
    (:class:`~saatkit.preprocessing.ApexSpotter`, on that crop), ``resize``
    (:class:`~saatkit.preprocessing.ImageResizer` to ``face_size``), ``style``
    (:class:`~saatkit.preprocessing.StyleAggregator`, or ``"passthrough"``) and
    ``classifier``: the frozen teacher itself, or an
    :class:`~saatkit.nn.AttentionTransferClassifier` student that learns from it.

    With ``input="flow"`` the apex step returns each clip's onset and apex frames, the
    resize step shrinks them to ``flow_face_size``, the style step re-renders both, and
    ``flow`` (:class:`~saatkit.preprocessing.OpticalFlow`) turns them into a
    ``flow_size`` image of u, v and optical strain, which the teacher (trained on
    neutral -> expression flow of the auxiliary set) and the student classify.

    Parameters
    ----------
    teacher : TeacherClassifier
        The teacher, **fitted** on an auxiliary facial-expression set (never on the
        micro-expression clips), on inputs of the kind ``input`` names; it enters every
        fold frozen.
    variant : {"sa-at", "resnet-at", "resnet-sa", "resnet"}, default="sa-at"
        The paper's Table 3: "resnet" applies the teacher; "resnet-sa" applies it after
        style aggregation; "resnet-at" trains a student with attention transfer;
        "sa-at" does both.
    input : {"apex", "flow"}, default="apex"
        What the networks classify: the apex frame (the paper), or the optical flow
        from the onset to the apex frame.
    preset : {"demo", "paper"}, default="demo"
        Sizes and training settings (see :data:`PRESETS`).
    style : StyleAggregator, default=None
        The style step of the SA variants. A fitted aggregator enters frozen (the paper
        used a pre-trained style-aggregation model); an unfitted one is fitted in every
        fold, on that fold's training faces (apex frames, or onset and apex frames);
        None makes an unfitted one from the preset.
    cropper, spotter : estimator, default=None
        Replace the default ``FaceCropper(output_size=crop_size)`` or
        ``ApexSpotter(method=apex_method, fallback=apex_fallback)``; with the flow input
        a spotter must return onset and apex frames (``output="pair"``).
    memory : str, Path or joblib.Memory, default=None
        Per-clip cache of cropping and apex spotting, shared by all folds; also the
        student's cache of the teacher's maps when no style step is fitted in the folds.
    n_jobs : int, default=None
        Parallel clips in cropping, apex spotting and optical flow.
    random_state : int, default=0
        Seed of the student and of an unfitted style aggregator.
    device : str, default="cpu"
        Torch device of the student and the style aggregator.
    verbose : int, default=0
        Verbosity of the student's training.
    **overrides
        Preset settings to change, e.g. ``beta=10`` or ``student_epochs=20``.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline

    Examples
    --------
    >>> from saatkit.pipelines import make_saat_pipeline, make_teacher
    >>> pipe = make_saat_pipeline(make_teacher(), variant="resnet-at")
    >>> list(pipe.named_steps)
    ['crop', 'apex', 'resize', 'style', 'classifier']
    >>> pipe = make_saat_pipeline(make_teacher(), variant="sa-at", input="flow")
    >>> list(pipe.named_steps)
    ['crop', 'apex', 'resize', 'style', 'flow', 'classifier']
    """
    from ..preprocessing import StyleAggregator

    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {list(VARIANTS)}, got {variant!r}.")
    if input not in INPUTS:
        raise ValueError(f"input must be one of {list(INPUTS)}, got {input!r}.")
    settings = preset_settings(preset, overrides)
    _, attention, aggregated = VARIANTS[variant]
    if not attention and not _is_fitted(teacher):
        raise ValueError(
            f"variant={variant!r} classifies with the teacher itself, so the teacher must "
            "be fitted on an auxiliary expression set first (teacher.fit(X_aux, y_aux)); "
            "it is never trained on the micro-expression clips."
        )
    if not aggregated:
        style_step = "passthrough"
    elif style is None:
        style_step = StyleAggregator(
            method=settings["style_method"],
            **settings["style_params"],
            random_state=random_state,
            device=device,
        )
    else:
        style_step = _frozen(style)
    steps = [
        *face_steps(
            settings,
            output="pair" if input == "flow" else "frame",
            cropper=cropper,
            spotter=spotter,
            memory=memory,
            n_jobs=n_jobs,
        ),
        ("style", style_step),
    ]
    if input == "flow":
        steps.append(flow_step(settings, n_jobs=n_jobs))
    if attention:
        # A style step fitted in each fold changes the teacher's input from fold to
        # fold; otherwise its maps of a face are the same in every fold, and kept.
        maps_memory = memory if style_step == "passthrough" or _is_fitted(style_step) else None
        classifier = _student(teacher, settings, random_state, device, verbose, maps_memory)
    else:
        classifier = _frozen(teacher)
    return Pipeline([*steps, ("classifier", classifier)])


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def _student(teacher, settings, random_state, device, verbose, memory):
    from ..nn import AttentionTransferClassifier, CifarResNet

    return AttentionTransferClassifier(
        teacher=teacher,
        memory=memory,
        module=CifarResNet,
        module__depth=settings["student_depth"],
        beta=settings["beta"],
        init_std=settings["init_std"],
        **training_params(
            settings, "student", random_state=random_state, device=device, verbose=verbose
        ),
    )


def stateless_prefix(pipeline):
    """Number of leading steps that learn nothing from the training data.

    A step whose tags say ``requires_fit=False`` (cropping, apex spotting, resizing,
    optical flow, temporal interpolation, LBP-TOP) treats every clip on its own and its
    ``fit`` only checks parameters, so its output is the same in every fold:
    :func:`saatkit.experiments.run_experiments` computes it once for all clips and
    evaluates the remaining steps under LOSO, which gives the same predictions as
    refitting the whole pipeline per fold. ``"passthrough"`` and None count as such
    steps; the final step never does.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A pipeline from clips to classes.

    Returns
    -------
    k : int
        ``pipeline[:k]`` learns nothing; ``pipeline[k:]`` is what each fold fits.

    Examples
    --------
    >>> from saatkit.pipelines import make_lbptop_pipeline, stateless_prefix
    >>> stateless_prefix(make_lbptop_pipeline())  # crop, TIM and LBP-TOP; the SVM learns
    3
    """
    k = 0
    for _, step in pipeline.steps[:-1]:
        if not (step == "passthrough" or step is None or not get_tags(step).requires_fit):
            break
        k += 1
    return k
