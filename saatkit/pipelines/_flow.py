"""The optical-flow family (OFF-ApexNet, STSTNet) as Pipelines from clips to classes."""

from sklearn.pipeline import Pipeline

from ._presets import FLOW_NETWORKS, flow_network, preset_settings, training_params
from ._steps import face_steps, flow_step


def make_flow_pipeline(
    network="ststnet",
    *,
    preset="demo",
    cropper=None,
    spotter=None,
    memory=None,
    n_jobs=None,
    random_state=0,
    device="cpu",
    verbose=0,
    **overrides,
):
    """A network of the optical-flow family as one Pipeline from clips to classes.

    The steps are ``crop`` (:class:`~saatkit.preprocessing.FaceCropper` at
    ``crop_size``), ``apex`` (:class:`~saatkit.preprocessing.ApexSpotter` returning the
    onset and apex frames of each clip), ``resize``
    (:class:`~saatkit.preprocessing.ImageResizer` to ``flow_face_size``), ``flow``
    (:class:`~saatkit.preprocessing.OpticalFlow` from onset to apex, ``flow_size``
    pixels, scaled as ``flow_normalize`` says) and ``classifier``, a
    :class:`~saatkit.nn.TeacherClassifier` training the network from scratch in every
    fold, for a fixed number of epochs (no epoch is picked on the held-out subject).

    Parameters
    ----------
    network : {"ststnet", "offapexnet"}, default="ststnet"
        :class:`~saatkit.nn.STSTNet` (Liong et al., 2019) on u, v and optical strain, or
        :class:`~saatkit.nn.OFFApexNet` (Gan et al., 2019) on u and v.
    preset : {"demo", "paper"}, default="demo"
        Sizes and training settings (see :data:`PRESETS`): ``crop_size``,
        ``flow_face_size``, ``flow_method``, ``flow_size``, ``flow_normalize`` and, for
        each network, ``NETWORK_epochs``, ``NETWORK_batch_size`` and ``NETWORK_lr``.
        "paper" trains STSTNet as its reference code (Adam, learning rate 5e-5, batches
        of 256, 500 epochs); "demo" takes larger learning rates and a few epochs.
    cropper, spotter : estimator, default=None
        Replace the default ``FaceCropper(output_size=crop_size)`` or
        ``ApexSpotter(method=apex_method, fallback=apex_fallback, output="pair")``.
    memory : str, Path or joblib.Memory, default=None
        Per-clip cache of cropping and apex spotting, shared by all folds.
    n_jobs : int, default=None
        Parallel clips in cropping, apex spotting and flow.
    random_state : int, default=0
        Seed of the network's weights and of the shuffling.
    device : str, default="cpu"
        Torch device of the network.
    verbose : int, default=0
        Verbosity of the network's training.
    **overrides
        Preset settings to change, e.g. ``flow_method="tvl1"``.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline

    Examples
    --------
    >>> from saatkit.pipelines import make_flow_pipeline
    >>> pipe = make_flow_pipeline("offapexnet")
    >>> list(pipe.named_steps), pipe.named_steps["flow"].components
    (['crop', 'apex', 'resize', 'flow', 'classifier'], ('u', 'v'))
    """
    from ..nn import TeacherClassifier

    if network not in FLOW_NETWORKS:
        raise ValueError(f"network must be one of {list(FLOW_NETWORKS)}, got {network!r}.")
    settings = preset_settings(preset, overrides)
    _, components = FLOW_NETWORKS[network]
    classifier = TeacherClassifier(
        module=flow_network(network),
        # The flow networks' papers train from the framework's default initialisation.
        init_std=None,
        **training_params(
            settings, network, random_state=random_state, device=device, verbose=verbose
        ),
    )
    return Pipeline(
        [
            *face_steps(
                settings,
                output="pair",
                cropper=cropper,
                spotter=spotter,
                memory=memory,
                n_jobs=n_jobs,
            ),
            flow_step(settings, components=components, n_jobs=n_jobs),
            ("classifier", classifier),
        ]
    )
