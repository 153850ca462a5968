"""SA-AT as one Pipeline, its ablation variants (Table 3), teachers (Table 2) and presets."""

from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..preprocessing import ApexSpotter, FaceCropper

#: Methods of the paper's Tables 3 and 4: key -> display name.
METHODS = {
    "lbptop": "LBP-TOP",
    "resnet": "ResNet",
    "resnet-sa": "ResNet&SA",
    "resnet-at": "ResNet&AT",
    "sa-at": "SA-AT",
}

#: The ablation of Table 3: key -> (display name, attention transfer, style aggregation).
VARIANTS = {
    "resnet": ("ResNet", False, False),
    "resnet-sa": ("ResNet&SA", False, True),
    "resnet-at": ("ResNet&AT", True, False),
    "sa-at": ("SA-AT", True, True),
}

#: Teacher candidates of Table 2: key -> (network class name, module parameters).
TEACHER_CANDIDATES = {
    "alexnet": ("SmallAlexNet", {}),
    "vgg16": ("SmallVGG16", {}),
    "resnet-20": ("CifarResNet", {"depth": 20}),
    "resnet-32": ("CifarResNet", {"depth": 32}),
    "resnet-38": ("CifarResNet", {"depth": 38}),
    "resnet-50": ("CifarResNet", {"depth": 50}),
    "resnet-56": ("CifarResNet", {"depth": 56}),
    "resnet-110": ("CifarResNet", {"depth": 110}),
}

#: Named settings. "paper" follows Zhou et al. (2019) where the paper says (256x256
#: faces, ResNet-110 teacher, batches of 64 and 16, learning rate 1e-4, N(0, 0.02)
#: weights; the optimiser, Adam, is saatkit's choice);
#: it is meant for a GPU; the paper does not give the student's depth, the epochs or beta,
#: so those are saatkit's choices. "demo" is sized so that the whole protocol runs on a
#: 2-core CPU in minutes: 32x32 faces, a ResNet-20 teacher (batches of 16, so that a
#: small auxiliary set gives it enough steps) and a ResNet-8 student, a larger learning
#: rate, PyTorch's default (He-uniform) initialisation, and a small CycleGAN. N(0, 0.02)
#: weights start a deep network so far from a useful scale that it needs tens of epochs
#: to leave chance: a ResNet-20 teacher on 800 synthetic expression images was still at
#: a training loss of 1.01 (chance is 1.10) after the demo's 10 epochs, and reached a
#: held-out UAR of 0.55, against 0.96 with the default initialisation.
PRESETS = {
    "paper": {
        "face_size": 256,
        "apex_method": "lbp",
        "teacher": "resnet-110",
        "teacher_candidates": ["alexnet", "vgg16", "resnet-38", "resnet-50", "resnet-110"],
        "teacher_epochs": 60,
        "teacher_batch_size": 64,
        "teacher_lr": 1e-4,
        "student_depth": 20,
        "student_epochs": 60,
        "student_batch_size": 16,
        "student_lr": 1e-4,
        "beta": 1.0,
        "style_method": "cyclegan",
        "style_params": {"image_size": 256, "n_filters": 64, "n_blocks": 9, "n_epochs": 200,
                  "batch_size": 1},
        "n_expressions": 16478,
        "init_std": 0.02,
    },
    "demo": {
        "face_size": 32,
        "apex_method": "lbp",
        "teacher": "resnet-20",
        "teacher_candidates": ["alexnet", "vgg16", "resnet-20"],
        "teacher_epochs": 10,
        "teacher_batch_size": 16,
        "teacher_lr": 1e-3,
        "student_depth": 8,
        "student_epochs": 4,
        "student_batch_size": 16,
        "student_lr": 1e-3,
        "beta": 1.0,
        "style_method": "cyclegan",
        "style_params": {"image_size": 32, "n_filters": 8, "n_blocks": 2, "n_epochs": 6,
                  "batch_size": 8},
        "n_expressions": 1000,
        "init_std": None,
    },
}


def _preset(preset, overrides):
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {sorted(PRESETS)}, got {preset!r}.")
    settings = dict(PRESETS[preset])
    unknown = set(overrides) - set(settings)
    if unknown:
        raise TypeError(f"Unknown preset settings {sorted(unknown)}; known: {sorted(settings)}.")
    settings.update(overrides)
    return settings


def make_teacher(name=None, *, preset="demo", random_state=0, device="cpu", verbose=0,
                 **overrides):
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
    from .. import nn as saat_nn

    settings = _preset(preset, overrides)
    name = settings["teacher"] if name is None else name
    if name not in TEACHER_CANDIDATES:
        raise ValueError(f"Unknown teacher {name!r}; choose from {list(TEACHER_CANDIDATES)}.")
    network, module_params = TEACHER_CANDIDATES[name]
    return saat_nn.TeacherClassifier(
        module=getattr(saat_nn, network),
        **{f"module__{k}": v for k, v in module_params.items()},
        max_epochs=settings["teacher_epochs"],
        batch_size=settings["teacher_batch_size"],
        lr=settings["teacher_lr"],
        init_std=settings["init_std"],
        classes=[0, 1, 2],
        class_weight="balanced",
        random_state=random_state,
        device=device,
        verbose=verbose,
    )


def _frozen(estimator):
    """Wrap a fitted estimator so that a Pipeline's fit leaves it as it is."""
    if isinstance(estimator, FrozenEstimator):
        return estimator
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return estimator
    return FrozenEstimator(estimator)


def make_saat_pipeline(teacher, *, variant="sa-at", preset="demo", style=None, cropper=None,
                       spotter=None, memory=None, n_jobs=None, random_state=0, device="cpu",
                       verbose=0, **overrides):
    """SA-AT (or one of its ablation variants) as one Pipeline from clips to classes.

    The steps are ``crop`` (:class:`~saatkit.preprocessing.FaceCropper`), ``apex``
    (:class:`~saatkit.preprocessing.ApexSpotter`), ``style``
    (:class:`~saatkit.preprocessing.StyleAggregator`, or ``"passthrough"``) and
    ``classifier``: the frozen teacher itself, or an
    :class:`~saatkit.nn.AttentionTransferClassifier` student that learns from it.

    Parameters
    ----------
    teacher : TeacherClassifier
        The teacher, **fitted** on an auxiliary facial-expression set (never on the
        micro-expression clips); it enters every fold frozen.
    variant : {"sa-at", "resnet-at", "resnet-sa", "resnet"}, default="sa-at"
        The paper's Table 3: "resnet" applies the teacher to the apex frames; "resnet-sa"
        applies it to style-aggregated apex frames; "resnet-at" trains a student with
        attention transfer on the apex frames; "sa-at" does both.
    preset : {"demo", "paper"}, default="demo"
        Sizes and training settings (see :data:`PRESETS`).
    style : StyleAggregator, default=None
        The style step of the SA variants. A fitted aggregator enters frozen (the paper
        used a pre-trained style-aggregation model); an unfitted one is fitted in every
        fold, on that fold's training apex frames; None makes an unfitted one from the
        preset.
    cropper, spotter : estimator, default=None
        Replace the default ``FaceCropper(output_size=face_size)`` or
        ``ApexSpotter(method=apex_method)``.
    memory : str, Path or joblib.Memory, default=None
        Per-clip cache of cropping and apex spotting, shared by all folds.
    n_jobs : int, default=None
        Parallel clips in cropping and apex spotting.
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
    ['crop', 'apex', 'style', 'classifier']
    """
    from ..nn import AttentionTransferClassifier, CifarResNet
    from ..preprocessing import StyleAggregator

    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {list(VARIANTS)}, got {variant!r}.")
    settings = _preset(preset, overrides)
    _, attention, aggregated = VARIANTS[variant]
    if cropper is None:
        cropper = FaceCropper(output_size=settings["face_size"], memory=memory, n_jobs=n_jobs)
    if spotter is None:
        spotter = ApexSpotter(method=settings["apex_method"], memory=memory, n_jobs=n_jobs)
    if not aggregated:
        style_step = "passthrough"
    elif style is None:
        style_step = StyleAggregator(method=settings["style_method"], **settings["style_params"],
                                     random_state=random_state, device=device)
    else:
        style_step = _frozen(style)
    if attention:
        classifier = AttentionTransferClassifier(
            teacher=teacher,
            module=CifarResNet,
            module__depth=settings["student_depth"],
            beta=settings["beta"],
            max_epochs=settings["student_epochs"],
            batch_size=settings["student_batch_size"],
            lr=settings["student_lr"],
            init_std=settings["init_std"],
            classes=[0, 1, 2],
            class_weight="balanced",
            random_state=random_state,
            device=device,
            verbose=verbose,
        )
    else:
        classifier = _frozen(teacher)
    return Pipeline([("crop", cropper), ("apex", spotter), ("style", style_step),
                     ("classifier", classifier)])


def stateless_prefix(pipeline):
    """Number of leading steps that learn nothing from the training data.

    Cropping, apex spotting, temporal interpolation and LBP-TOP treat every clip on its
    own and their ``fit`` only checks parameters, so their output is the same in every
    fold: :func:`saatkit.experiments.run_protocol` computes it once for all clips and
    evaluates the remaining steps under LOSO, which gives the same predictions as
    refitting the whole pipeline per fold.
    """
    from ..features import LBPTOP
    from ..preprocessing import TemporalInterpolator

    stateless = (FaceCropper, ApexSpotter, TemporalInterpolator, LBPTOP)
    k = 0
    for _, step in pipeline.steps[:-1]:
        if not (step == "passthrough" or step is None or isinstance(step, stateless)):
            break
        k += 1
    return k

