"""Run the paper's experiments end to end: teachers, ablation, baseline, report.

Every expensive result is kept in the output folder as soon as it exists (per-clip
caches, fitted teachers and style aggregator, each LOSO fold's predictions), so a run
that is killed and started again with the same configuration continues where it stopped
and ends with the same numbers.
"""

import contextlib
import json
import time
from pathlib import Path

import joblib
import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import train_test_split

from ..metrics import uar_score, uf1_score, war_score
from ..pipelines import (
    FLOW_NETWORKS,
    METHODS,
    PRESETS,
    VARIANTS,
    make_flow_pipeline,
    make_lbptop_pipeline,
    make_saat_pipeline,
    make_teacher,
    split_method,
    stateless_prefix,
)
from ..protocol import evaluate_loso
from ..utils import release_memory, run_with_threads
from ._persistence import cached_fit
from ._report import save_figures, write_results

_VARIANT_METHODS = [m for m in METHODS if m != "lbptop" and m not in FLOW_NETWORKS]

SYNTHETIC_NOTE = (
    "Data: saatkit's built-in synthetic benchmark (procedurally rendered faces with "
    "synthetic micro-expressions in SMIC-, CASME II- and SAMM-like styles, and a synthetic "
    "macro-expression set for the teachers). It exercises every stage for real, but its "
    "numbers say nothing about real micro-expression recognition and must not be compared "
    "with the paper's tables. As in the real databases, the SMIC clips carry no apex "
    "annotation: they take the apex of the preset's apex_fallback (the demo preset: the "
    "middle frame of the clip), the others their annotated apex."
)
DEMO_NOTE = (
    "Preset 'demo'. Which rows learn, and why: a synthetic micro-expression moves the face "
    "by well under a pixel of a 24x24 apex frame, so a single apex frame carries almost no "
    "class signal and the apex-frame rows (ResNet, ResNet&SA, ResNet&AT, SA-AT) stay near "
    "chance (UAR 1/3); their ranking is noise. The motion from onset to apex carries the "
    "class: LBP-TOP, OFF-ApexNet, STSTNet and the flow students (ResNet&AT, SA-AT) learn. "
    "The flow teacher alone (ResNet and ResNet&SA on flow) stays near chance too: it "
    "learnt from macro-expressions, whose motion is many times larger than a "
    "micro-expression's, and its attention, not its output, is what the students use. "
    "The renderer's expressions are smooth warps "
    "of a neutral face, which optical flow models exactly, so the flow rows flatter flow: "
    "on real data they will score lower. benchmarks/bench_sanity.py shows the apex-frame "
    "rows learning on a sanity set with stronger expressions."
)


def _settings(config):
    return {**PRESETS[config["preset"]], **config["overrides"]}


def _load_micro(config, settings):
    from ..datasets import MissingClipsError, load_megc2019, make_synthetic_megc2019

    data = config["data"]
    if data["synthetic"]:
        bunch = make_synthetic_megc2019(
            max_frames=data["max_frames"],
            subjects_per_database=data["subjects_per_database"],
            random_state=config["random_state"],
        )
        # Real SMIC has no apex annotation: its synthetic stand-in is spotted too.
        bunch.X = [
            clip.replace(apex=None) if clip.database == "smic" else clip for clip in bunch.X
        ]
    else:
        try:
            bunch = load_megc2019(
                casme2=data["casme2"],
                samm=data["samm"],
                smic=data["smic"],
                casme2_annotations=data["casme2_annotations"],
                samm_annotations=data["samm_annotations"],
                strict=data["strict"],
                subjects_per_database=data["subjects_per_database"],
            )
        except MissingClipsError as exc:
            exc.advice = (
                "Set strict = false in [data] to run on the clips that are there, "
                "or subjects_per_database = N to use the first N subjects only."
            )
            raise
    return bunch


def _load_expressions(config, settings, neutral):
    """The auxiliary set at the crop size, with neutral faces when a flow teacher needs them."""
    from ..datasets import load_expression_images, make_synthetic_expressions

    size = settings["crop_size"]
    if config["data"]["synthetic"]:
        n = config["data"]["n_expressions"] or settings["n_expressions"]
        return make_synthetic_expressions(
            n,
            output_size=size,
            return_neutral=neutral,
            n_jobs=config["n_jobs"],
            random_state=config["random_state"] + 1,
        )
    return load_expression_images(
        config["data"]["expressions"], output_size=(size, size), return_neutral=neutral
    )


@contextlib.contextmanager
def _stage(name, log):
    start = time.perf_counter()
    log(f"[saatkit] {name} ...")
    yield
    # What a stage freed (clips, intermediate arrays) is not kept for the next one.
    release_memory()
    log(f"[saatkit] {name}: {time.perf_counter() - start:.1f} s")


def _teacher_scores(teacher, X, y):
    pred = teacher.predict(X)
    return {"WAR": war_score(y, pred), "UAR": uar_score(y, pred), "UF1": uf1_score(y, pred)}


def _teacher_inputs(aux, settings, inputs):
    """The auxiliary set as each input kind: shrunk faces, or neutral -> expression flow."""
    from ..preprocessing import ImageResizer, OpticalFlow

    sets = {"apex": ImageResizer(settings["face_size"]).fit_transform(aux.X)}
    if "flow" in inputs:
        pairs = ImageResizer(settings["flow_face_size"]).fit_transform(
            np.stack([aux.neutral, aux.X], axis=1)
        )
        sets["flow"] = OpticalFlow(
            settings["flow_method"],
            output_size=settings["flow_size"],
            normalize=settings["flow_normalize"],
        ).fit_transform(pairs)
    return sets


def _fit_and_release(path, candidate, X, y, fingerprint):
    """A worker's teacher fit, which then hands the training's freed memory back."""
    teacher = cached_fit(path, candidate, X, y, fingerprint)
    release_memory()
    return teacher


def _fit_teachers(config, settings, aux, inputs, out):
    """Table 2 rows, and the fitted teacher of each input the methods need.

    The candidates of Table 2 are trained on the apex-like faces, as in the paper; the
    preset's teacher is also trained on the flow input when a flow method needs it.
    Each is scored on a stratified 20% of the auxiliary set it never saw. The teachers
    train side by side, ``n_jobs`` at a time with one thread each: these small networks
    run no faster on two threads than on one, and slower when another process competes.
    """
    seed = config["random_state"]
    train, test = train_test_split(
        np.arange(len(aux.y)), test_size=0.2, stratify=aux.y, random_state=seed
    )
    dataset = "synthetic expressions" if config["data"]["synthetic"] else "auxiliary set"
    tasks = []
    for input, X in _teacher_inputs(aux, settings, inputs).items():
        names = config["teachers"] if input == "apex" else []
        if input in inputs:
            names = list(dict.fromkeys(names + [settings["teacher"]]))
        for name in names:
            candidate = make_teacher(
                name,
                preset=config["preset"],
                random_state=seed,
                device=config["device"],
                **config["overrides"],
            )
            fingerprint = joblib.hash([candidate.get_params(), X[train], aux.y[train]])
            tasks.append(
                (
                    name,
                    input,
                    X,
                    delayed(run_with_threads)(
                        1,
                        _fit_and_release,
                        out / "teachers" / f"{name}-{input}.pt",
                        candidate,
                        X[train],
                        aux.y[train],
                        fingerprint,
                    ),
                )
            )
    fitted = Parallel(n_jobs=config["n_jobs"])(task for *_, task in tasks)
    rows, teachers = [], {}
    for (name, input, X, _), teacher in zip(tasks, fitted):
        rows.append(
            {
                "dataset": f"{dataset} ({input})",
                "method": name,
                **_teacher_scores(teacher, X[test], aux.y[test]),
            }
        )
        if name == settings["teacher"] and input in inputs:
            teachers[input] = teacher
    return rows, teachers


def _pipeline(method, config, teachers, cache):
    common = {"memory": str(cache), "n_jobs": config["n_jobs"]}
    if method == "lbptop":
        return make_lbptop_pipeline(**common)
    common.update(
        preset=config["preset"],
        random_state=config["random_state"],
        device=config["device"],
        **config["overrides"],
    )
    if method in FLOW_NETWORKS:
        return make_flow_pipeline(method, **common)
    variant, input = split_method(method)
    return make_saat_pipeline(teachers[input], variant=variant, input=input, **common)


def _evaluate(config, micro, teachers, out, log):
    """Every method under LOSO; steps that learn nothing run once for all folds."""
    results, prepared = {}, {}
    for method in config["methods"]:
        pipeline = _pipeline(method, config, teachers, out / "cache")
        k = stateless_prefix(pipeline)
        prefix_key = joblib.hash(pipeline[:k].get_params()) if k else None
        with _stage(f"{METHODS[method]}: preprocessing {len(micro.X)} clips", log):
            if prefix_key not in prepared:
                prepared[prefix_key] = pipeline[:k].fit_transform(micro.X) if k else micro.X
        with _stage(f"{METHODS[method]}: leave-one-subject-out", log):
            results[method] = evaluate_loso(
                pipeline[k:],
                prepared[prefix_key],
                micro.y,
                micro.groups,
                database=micro.database,
                subjects=[c.subject for c in micro.X],
                names=[c.name for c in micro.X],
                n_jobs=config["n_jobs"],
                checkpoint=out / "checkpoints" / method,
                progress=METHODS[method],
            )
        log(
            f"[saatkit] {METHODS[method]}: UF1 {results[method].uf1:.4f} "
            f"UAR {results[method].uar:.4f}"
        )
    return results


def run_experiments(config, *, log=print):
    """Run the configured experiments and write the results folder.

    The stages are: data (micro-expression clips, and the auxiliary expression set
    when a method needs a teacher), teachers (Table 2, and the teacher of each input),
    style (the apex faces, and their style aggregation, shown in the report),
    evaluation (every method under leave-one-subject-out), report (tables and figures of
    what the other stages computed; nothing is trained there).

    Parameters
    ----------
    config : dict
        A validated configuration (:func:`load_config` or :func:`demo_config`).
    log : callable, default=print
        Where progress lines go.

    Returns
    -------
    summary : dict
        ``"teachers"`` (Table 2 rows), ``"results"`` (method key to LOSOResult),
        ``"report"`` (path of the HTML report) and ``"seconds"``.
    """
    deep = any(m != "lbptop" for m in config["methods"])
    with _torch_in_workers() if deep else contextlib.nullcontext():
        return _run_stages(config, log)


def _import_torch():
    import torch  # noqa: F401


@contextlib.contextmanager
def _torch_in_workers():
    """Workers of joblib's default backend (loky) import torch as they start.

    loky replaces a worker whose memory grew by 300 MB after its first task. A worker
    whose first task rendered clips grows that much when it first trains a network
    (importing torch alone adds 200 MB), and its replacement costs a new process and its
    imports: twice in the quick demo. Other backends are left as they are.
    """
    from joblib.parallel import LokyBackend, get_active_backend

    if not isinstance(get_active_backend()[0], LokyBackend):
        yield
        return
    with joblib.parallel_config(backend="loky", initializer=_import_torch):
        yield


def _run_stages(config, log):
    start = time.perf_counter()
    settings = _settings(config)
    out = Path(config["output"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    inputs = {split_method(m)[1] for m in config["methods"] if m in _VARIANT_METHODS}

    with _stage("loading data", log):
        micro = _load_micro(config, settings)
        log(f"[saatkit] {len(micro.X)} clips, {len(np.unique(micro.groups))} subjects")
        aux = _load_expressions(config, settings, "flow" in inputs) if inputs else None

    teacher_rows, teachers = [], {}
    if inputs:
        with _stage("Table 2: teacher candidates", log):
            teacher_rows, teachers = _fit_teachers(config, settings, aux, inputs, out)
    del aux  # only the teachers learn from it (100 MB in the demo)

    faces = styled = None
    if "apex" in teachers:
        with _stage("apex faces and their style aggregation, for the figures", log):
            faces, styled = _display_faces(config, micro, teachers, out)

    results = _evaluate(config, micro, teachers, out, log)

    with _stage("figures and report", log):
        figures = save_figures(out, results, micro, teachers, faces, styled, names=METHODS)
        notes = [SYNTHETIC_NOTE] if config["data"]["synthetic"] else []
        if config["data"]["synthetic"] and config["preset"] == "demo":
            notes.append(DEMO_NOTE)
        seconds = time.perf_counter() - start
        notes.append(
            f"Preset {config['preset']!r}; {len(micro.X)} clips, "
            f"{len(np.unique(micro.groups))} LOSO folds; run time {seconds:.0f} s "
            "(folds finished by an earlier, interrupted run are not timed again)."
        )
        report = write_results(
            out,
            teacher_rows=teacher_rows,
            results=results,
            names=METHODS,
            figures=figures,
            notes=notes,
        )
    return {
        "teachers": teacher_rows,
        "results": results,
        "report": report,
        "seconds": time.perf_counter() - start,
    }


def _display_faces(config, micro, teachers, out):
    """The apex faces of the apex-input methods and, when a method aggregates styles,
    the same faces aggregated by an aggregator fitted on all of them (for display only:
    the folds fit their own on the training subjects)."""
    faces = make_saat_pipeline(
        teachers["apex"],
        variant="resnet",
        preset=config["preset"],
        memory=str(out / "cache"),
        n_jobs=config["n_jobs"],
        **config["overrides"],
    )[:3].fit_transform(micro.X)
    if not any(
        VARIANTS[split_method(m)[0]][2] for m in config["methods"] if m in _VARIANT_METHODS
    ):
        return faces, None
    from ..preprocessing import StyleAggregator

    settings = _settings(config)
    style = StyleAggregator(
        settings["style_method"], **settings["style_params"], random_state=config["random_state"]
    ).fit(faces)
    return faces, style.transform(faces)
