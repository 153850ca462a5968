"""The clip steps every ready-made deep pipeline starts with, built from a preset."""

from ..preprocessing import ApexSpotter, FaceCropper, ImageResizer


def face_steps(settings, *, output, cropper=None, spotter=None, memory=None, n_jobs=None):
    """``crop``, ``apex`` and ``resize`` steps: one crop per clip, spotting on it, resizing.

    ``output="frame"`` gives apex faces of ``face_size``; ``output="pair"`` onset and
    apex faces of ``flow_face_size``. ``cropper`` and ``spotter`` replace the defaults.
    """
    if cropper is None:
        cropper = FaceCropper(output_size=settings["crop_size"], memory=memory, n_jobs=n_jobs)
    if spotter is None:
        spotter = ApexSpotter(
            method=settings["apex_method"],
            fallback=settings["apex_fallback"],
            output=output,
            memory=memory,
            n_jobs=n_jobs,
        )
    size = settings["face_size" if output == "frame" else "flow_face_size"]
    return [("crop", cropper), ("apex", spotter), ("resize", ImageResizer(size))]


def flow_step(settings, *, components=("u", "v", "strain"), n_jobs=None):
    """The ``flow`` step of the preset's method, size and scaling."""
    from ..preprocessing import OpticalFlow

    return (
        "flow",
        OpticalFlow(
            settings["flow_method"],
            output_size=settings["flow_size"],
            components=components,
            normalize=settings["flow_normalize"],
            n_jobs=n_jobs,
        ),
    )
