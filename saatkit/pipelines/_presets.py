"""Named settings of the ready-made pipelines, and the methods of the paper's tables."""

#: The ablation of Table 3: variant -> (display name, attention transfer, style aggregation).
VARIANTS = {
    "resnet": ("ResNet", False, False),
    "resnet-sa": ("ResNet&SA", False, True),
    "resnet-at": ("ResNet&AT", True, False),
    "sa-at": ("SA-AT", True, True),
}

#: What the deep methods classify: the paper's apex frame, or the onset -> apex flow.
INPUTS = ("apex", "flow")

#: The optical-flow family of Table 4: key -> (display name, flow components).
FLOW_NETWORKS = {
    "offapexnet": ("OFF-ApexNet", ("u", "v")),
    "ststnet": ("STSTNet", ("u", "v", "strain")),
}


def flow_network(key):
    """The network class of a flow method.

    Parameters
    ----------
    key : {"offapexnet", "ststnet"}
        A key of :data:`FLOW_NETWORKS`.

    Returns
    -------
    network : type
        :class:`~saatkit.nn.OFFApexNet` or :class:`~saatkit.nn.STSTNet`.
    """
    # Imported here: torch is needed only once a network is built.
    from ..nn import OFFApexNet, STSTNet

    return {"offapexnet": OFFApexNet, "ststnet": STSTNet}[key]


def _variant_methods():
    methods = {}
    for variant, (name, _, _) in VARIANTS.items():
        methods[variant] = name
        methods[f"{variant}-flow"] = f"{name} (flow)"
    return methods


#: Every method a run can evaluate: key -> display name. ``VARIANT`` classifies apex
#: frames (the paper), ``VARIANT-flow`` onset -> apex optical flow.
METHODS = {
    "lbptop": "LBP-TOP",
    **{k: v for k, (v, _) in FLOW_NETWORKS.items()},
    **_variant_methods(),
}


def split_method(method):
    """The variant and the input of an ablation method key.

    Parameters
    ----------
    method : str
        A key of :data:`METHODS` naming an ablation variant: ``VARIANT`` (apex frame) or
        ``VARIANT-flow`` (optical flow), e.g. ``"sa-at-flow"``.

    Returns
    -------
    variant : str
        A key of :data:`VARIANTS`.
    input : {"apex", "flow"}
        What the variant's networks classify.

    Examples
    --------
    >>> from saatkit.pipelines import split_method
    >>> split_method("sa-at-flow"), split_method("resnet")
    (('sa-at', 'flow'), ('resnet', 'apex'))
    """
    if method.endswith("-flow") and method[: -len("-flow")] in VARIANTS:
        return method[: -len("-flow")], "flow"
    if method in VARIANTS:
        return method, "apex"
    raise ValueError(
        f"{method!r} is not an ablation method; choose from "
        f"{[m for m in METHODS if m not in FLOW_NETWORKS and m != 'lbptop']}."
    )


_RESNET_DEPTHS = (20, 32, 38, 50, 56, 110)

#: Teacher candidates of Table 2 (:func:`teacher_network` gives each one's network).
TEACHER_CANDIDATES = ("alexnet", "vgg16", *(f"resnet-{depth}" for depth in _RESNET_DEPTHS))


def teacher_network(name):
    """The network of a teacher candidate of Table 2.

    Parameters
    ----------
    name : str
        One of :data:`TEACHER_CANDIDATES`.

    Returns
    -------
    network : type
        :class:`~saatkit.nn.SmallAlexNet`, :class:`~saatkit.nn.SmallVGG16` or
        :class:`~saatkit.nn.CifarResNet`.
    params : dict
        Its module parameters, e.g. ``{"depth": 110}`` for ``"resnet-110"``.

    Examples
    --------
    >>> from saatkit.pipelines import teacher_network
    >>> network, params = teacher_network("resnet-20")
    >>> network.__name__, params
    ('CifarResNet', {'depth': 20})
    """
    from ..nn import CifarResNet, SmallAlexNet, SmallVGG16

    networks = {
        "alexnet": (SmallAlexNet, {}),
        "vgg16": (SmallVGG16, {}),
        **{f"resnet-{depth}": (CifarResNet, {"depth": depth}) for depth in _RESNET_DEPTHS},
    }
    return networks[name]


#: Named settings. "paper" follows Zhou et al. (2019) where the paper says (256x256
#: faces, ResNet-110 teacher, batches of 64 and 16, learning rate 1e-4, N(0, 0.02)
#: weights, Algorithm 1's apex spotting on every clip; the optimiser, Adam, is saatkit's
#: choice) and the flow methods' papers for the flow input (TV-L1, 28x28 u, v, strain);
#: it is meant for a GPU; the paper does not give the student's depth, the epochs or
#: beta, so those are saatkit's choices. STSTNet trains as its reference code (Adam,
#: learning rate 5e-5, batches of 256, 500 epochs); OFF-ApexNet's training is saatkit's
#: choice (its reference gives none).
#:
#: "demo" is sized so that the whole protocol runs on a 2-core CPU in minutes. Faces are
#: cropped once at 128x128 and the apex is spotted on that crop; the apex rows classify it
#: shrunk to 24x24, the flow rows the flow between onset and apex faces shrunk to 64x64
#: (5-fold on the synthetic composite, STSTNet scored UF1 0.89 from 64x64 faces, 0.90 from
#: 96x96 and 0.92 from 128x128, where each fold's flow costs 2.5 times as much). The apex is
#: annotated where the database annotates it (CASME II, SAMM), as published flow methods do;
#: SMIC, cut from onset to offset with no apex annotation, takes its middle frame. On the
#: synthetic SMIC clips the middle frame showed 0.88 of the true apex's expression (median),
#: frame difference 0.83 and Algorithm 1's LBP distance 0.37
#: (benchmarks/bench_apex_spotting.py, 128x128 crops), and STSTNet's SMIC UF1 rose from 0.75
#: (frame difference) to 0.85 (10 subject-disjoint folds); the renderer places the apex near
#: the middle of a clip, which flatters the middle frame, and on real SMIC it will land
#: further from the apex. Farneback flow stands in for TV-L1 (40 times faster). The flow is
#: kept in pixels (``flow_normalize=None``): per-image min-max scaling, the STSTNet
#: community's recipe, moves each image's zero and drops the size of the motion, and cost
#: STSTNet 0.04 UF1 on the synthetic benchmark (0.87 against 0.92). Networks start from
#: PyTorch's default initialisation: from N(0, 0.02) a ResNet-20 teacher on 800 synthetic
#: expression images was still at a training loss of 1.01 (chance is 1.10) after 10 epochs.
#: The style aggregator uses moment matching, fitted in each fold on the training subjects'
#: faces: the demo-sized CycleGAN turned faces into noise. Sizes and epochs are the
#: smallest that keep the rows that can learn learning, so that the 68 folds of every row
#: fit in 10 minutes on 2 cores. Apex faces of 24x24 train a ResNet-8 2.5 times faster
#: than 32x32 ones, and the teachers of Table 2 learn from them as well (held-out UAR:
#: alexnet 0.86, vgg16 0.76, resnet-20 0.97; at 32x32 0.88, 0.73 and 0.89); the apex-frame
#: rows stay at chance at either size. With 10 subject-disjoint folds (pooled UF1),
#: STSTNet scored 0.89 after 14 epochs, 0.87 after 10 and 0.88 after 20; the ResNet&AT
#: flow student 0.78 after 2 epochs, 0.82 after 3 and 0.86 after 4, and SA-AT on flow 0.79
#: after 2 and 0.82 after 3.
PRESETS = {
    "paper": {
        "crop_size": 256,
        "face_size": 256,
        "apex_method": "lbp",
        "apex_fallback": "lbp",
        "flow_face_size": 256,
        "flow_method": "tvl1",
        "flow_size": 28,
        "flow_normalize": "minmax",
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
        "ststnet_epochs": 500,
        "ststnet_batch_size": 256,
        "ststnet_lr": 5e-5,
        "offapexnet_epochs": 100,
        "offapexnet_batch_size": 256,
        "offapexnet_lr": 1e-4,
        "style_method": "cyclegan",
        "style_params": {
            "image_size": 256,
            "n_filters": 64,
            "n_blocks": 9,
            "max_epochs": 200,
            "batch_size": 1,
        },
        "n_expressions": 16478,
        "init_std": 0.02,
    },
    "demo": {
        "crop_size": 128,
        "face_size": 24,
        "apex_method": "annotated",
        "apex_fallback": "middle",
        "flow_face_size": 64,
        "flow_method": "farneback",
        "flow_size": 28,
        "flow_normalize": None,
        "teacher": "resnet-20",
        "teacher_candidates": ["alexnet", "vgg16", "resnet-20"],
        "teacher_epochs": 10,
        "teacher_batch_size": 16,
        "teacher_lr": 1e-3,
        "student_depth": 8,
        "student_epochs": 2,
        "student_batch_size": 32,
        "student_lr": 2e-3,
        "beta": 1.0,
        "ststnet_epochs": 14,
        "ststnet_batch_size": 32,
        "ststnet_lr": 5e-3,
        "offapexnet_epochs": 5,
        "offapexnet_batch_size": 128,
        "offapexnet_lr": 2e-3,
        "style_method": "moments",
        "style_params": {},
        "n_expressions": 1000,
        "init_std": None,
    },
}


def preset_settings(preset, overrides):
    """The settings of ``preset`` with ``overrides`` applied, checked."""
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {sorted(PRESETS)}, got {preset!r}.")
    settings = dict(PRESETS[preset])
    unknown = set(overrides) - set(settings)
    if unknown:
        raise TypeError(f"Unknown preset settings {sorted(unknown)}; known: {sorted(settings)}.")
    settings.update(overrides)
    return settings


def training_params(settings, name, *, random_state, device, verbose):
    """Keyword arguments of a classifier trained with the settings ``NAME_epochs``,
    ``NAME_batch_size`` and ``NAME_lr``, on the three MEGC classes, balanced."""
    return {
        "max_epochs": settings[f"{name}_epochs"],
        "batch_size": settings[f"{name}_batch_size"],
        "lr": settings[f"{name}_lr"],
        "classes": [0, 1, 2],
        "class_weight": "balanced",
        "random_state": random_state,
        "device": device,
        "verbose": verbose,
    }
