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
from sklearn.model_selection import train_test_split
from tqdm.auto import tqdm

from ..metrics import uar_score, uf1_score, war_score
from ..pipelines import (
    METHODS,
    PRESETS,
    VARIANTS,
    make_lbptop_pipeline,
    make_saat_pipeline,
    make_teacher,
    stateless_prefix,
)
from ..protocol import evaluate_loso
from ._persistence import cached_fit
from ._report import save_figure, write_results

SYNTHETIC_NOTE = (
    "Data: saatkit's built-in synthetic benchmark (procedurally rendered faces with "
    "synthetic micro-expressions in SMIC-, CASME II- and SAMM-like styles, and a synthetic "
    "macro-expression set for the teacher). It exercises every stage for real, but its "
    "numbers say nothing about real micro-expression recognition and must not be compared "
    "with the paper's tables."
)
DEMO_NOTE = (
    "Preset 'demo': the deep methods classify one apex frame of a 32x32 face, where a "
    "synthetic micro-expression moves the face by well under a pixel; on the synthetic "
    "benchmark they stay near chance (UAR 1/3) and their ranking is noise."
)


def _settings(config):
    return {**PRESETS[config["preset"]], **config["overrides"]}


def _load_micro(config, settings):
    from ..datasets import MissingClipsError, load_megc2019, make_synthetic_megc2019

    data = config["data"]
    if data["synthetic"]:
        bunch = make_synthetic_megc2019(max_frames=data["max_frames"],
                                        random_state=config["random_state"])
    else:
        try:
            bunch = load_megc2019(
                casme2=data["casme2"], samm=data["samm"], smic=data["smic"],
                casme2_annotations=data["casme2_annotations"],
                samm_annotations=data["samm_annotations"], strict=data["strict"],
                subjects_per_database=data["subjects_per_database"])
        except MissingClipsError as exc:
            exc.advice = ("Set strict = false in [data] to run on the clips that are there, "
                          "or subjects_per_database = N to use the first N subjects only.")
            raise
    n_subjects = data["subjects_per_database"]
    if n_subjects:
        # The first subjects of each database: the same protocol on fewer folds.
        keep = set()
        for db in np.unique(bunch.database):
            keep.update(sorted(set(bunch.groups[bunch.database == db]))[:n_subjects])
        mask = np.isin(bunch.groups, sorted(keep))
        bunch.X = [clip for clip, m in zip(bunch.X, mask) if m]
        bunch.y, bunch.groups = bunch.y[mask], bunch.groups[mask]
        bunch.database = bunch.database[mask]
    return bunch


def _load_expressions(config, settings):
    from ..datasets import load_expression_images, make_synthetic_expressions

    size = settings["face_size"]
    if config["data"]["synthetic"]:
        n = config["data"]["n_expressions"] or settings["n_expressions"]
        return make_synthetic_expressions(n, image_size=size,
                                          random_state=config["random_state"] + 1)
    return load_expression_images(config["data"]["expressions"], image_size=(size, size))


@contextlib.contextmanager
def _stage(name, log):
    start = time.perf_counter()
    log(f"[saatkit] {name} ...")
    yield
    log(f"[saatkit] {name}: {time.perf_counter() - start:.1f} s")


def _teacher_scores(teacher, X, y):
    pred = teacher.predict(X)
    return {"WAR": war_score(y, pred), "UAR": uar_score(y, pred), "UF1": uf1_score(y, pred)}


def run_experiments(config, *, log=print):
    """Run the configured experiments and write the results folder.

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
    start = time.perf_counter()
    settings = _settings(config)
    out = Path(config["output"])
    out.mkdir(parents=True, exist_ok=True)
    cache = out / "cache"
    seed = config["random_state"]
    device = config["device"]
    n_jobs = config["n_jobs"]
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    deep_methods = [m for m in config["methods"] if m in VARIANTS]

    with _stage("loading data", log):
        micro = _load_micro(config, settings)
        log(f"[saatkit] {len(micro.X)} clips, {len(np.unique(micro.groups))} subjects")
        aux = _load_expressions(config, settings) if deep_methods else None

    teacher_rows, teacher = [], None
    if deep_methods:
        with _stage("Table 2: teacher candidates", log):
            X_train, X_test, y_train, y_test = train_test_split(
                aux.X, aux.y, test_size=0.2, stratify=aux.y, random_state=seed)
            names = list(dict.fromkeys(config["teachers"] + [settings["teacher"]]))
            dataset = "synthetic expressions" if config["data"]["synthetic"] else "auxiliary set"
            for name in tqdm(names, desc="teachers", unit="net"):
                candidate = make_teacher(name, preset=config["preset"], random_state=seed,
                                         device=device, **config["overrides"])
                fingerprint = joblib.hash([candidate.get_params(), y_train, X_train.shape])
                fitted = cached_fit(out / "teachers" / f"{name}.pt", candidate, X_train,
                                    y_train, fingerprint)
                if name in config["teachers"]:
                    teacher_rows.append({"dataset": dataset, "method": name,
                                         **_teacher_scores(fitted, X_test, y_test)})
                if name == settings["teacher"]:
                    teacher = fitted

    style = None
    if any(VARIANTS[m][2] for m in deep_methods):
        from ..preprocessing import StyleAggregator

        with _stage("style aggregation (fitted once on the auxiliary set)", log):
            style = StyleAggregator(method=settings["style_method"], **settings["style_params"],
                                    random_state=seed, device=device)
            fingerprint = joblib.hash([style.get_params(), aux.X.shape, aux.y])
            style = cached_fit(out / "style_aggregator.pt", style, aux.X, None, fingerprint)

    results = {}
    prepared = {}
    apex_frames = None
    for method in config["methods"]:
        if method == "lbptop":
            pipeline = make_lbptop_pipeline(memory=str(cache), n_jobs=n_jobs)
        else:
            pipeline = make_saat_pipeline(teacher, variant=method, preset=config["preset"],
                                          style=style, memory=str(cache), n_jobs=n_jobs,
                                          random_state=seed, device=device,
                                          **config["overrides"])
        k = stateless_prefix(pipeline)
        prefix_key = joblib.hash(pipeline[:k].get_params()) if k else None
        with _stage(f"{METHODS[method]}: preprocessing {len(micro.X)} clips", log):
            if prefix_key not in prepared:
                prepared[prefix_key] = pipeline[:k].fit_transform(micro.X) if k else micro.X
        if method in VARIANTS and k == 2:
            apex_frames = prepared[prefix_key]
        with _stage(f"{METHODS[method]}: leave-one-subject-out", log):
            results[method] = evaluate_loso(
                pipeline[k:], prepared[prefix_key], micro.y, micro.groups,
                database=micro.database, subjects=[c.subject for c in micro.X],
                names=[c.name for c in micro.X], n_jobs=n_jobs,
                checkpoint=out / "checkpoints" / method, progress=METHODS[method])
        log(f"[saatkit] {METHODS[method]}: UF1 {results[method].uf1:.4f} "
            f"UAR {results[method].uar:.4f}")

    with _stage("figures and report", log):
        figures = _figures(out, results, micro, apex_frames, teacher, style, config)
        notes = [SYNTHETIC_NOTE] if config["data"]["synthetic"] else []
        if config["data"]["synthetic"] and config["preset"] == "demo" and deep_methods:
            notes.append(DEMO_NOTE)
        seconds = time.perf_counter() - start
        notes.append(f"Preset {config['preset']!r}; {len(micro.X)} clips, "
                     f"{len(np.unique(micro.groups))} LOSO folds; run time {seconds:.0f} s "
                     "(folds finished by an earlier, interrupted run are not timed again).")
        report = write_results(out, teacher_rows=teacher_rows, results=results,
                               names=METHODS, variants=VARIANTS, figures=figures, notes=notes)
    return {"teachers": teacher_rows, "results": results, "report": report,
            "seconds": time.perf_counter() - start}


def _figures(out, results, micro, apex_frames, teacher, style, config):
    from matplotlib.figure import Figure

    figures = {}
    for method, result in results.items():
        figure = result.plot_confusion_matrices(title=METHODS[method])
        figures[f"Confusion matrices: {METHODS[method]}"] = save_figure(
            figure, out / "figures" / f"confusion_{method}.png")
    if style is not None and apex_frames is not None:
        from ..preprocessing import plot_style_grid

        figure = plot_style_grid(apex_frames, style.transform(apex_frames), micro.database,
                                 figure=Figure(figsize=(9, 6), layout="constrained"))
        figures["Style aggregation: apex frames before and after"] = save_figure(
            figure, out / "figures" / "style_aggregation.png")
    if teacher is not None and apex_frames is not None:
        figures["Attention maps of the teacher and an attention-transfer student"] = (
            save_figure(_attention_figure(teacher, apex_frames, micro, config),
                        out / "figures" / "attention_maps.png"))
    return figures


def _attention_figure(teacher, apex_frames, micro, config):
    """Teacher and student attention on a few faces; the student is fitted on all clips."""
    from matplotlib.figure import Figure

    from ..pipelines import make_saat_pipeline

    pipeline = make_saat_pipeline(teacher, variant="resnet-at", preset=config["preset"],
                                  random_state=config["random_state"], device=config["device"],
                                  **config["overrides"])
    student = pipeline.named_steps["classifier"].fit(apex_frames, micro.y)
    rows = [int(np.flatnonzero(micro.database == db)[0]) for db in np.unique(micro.database)]
    faces = apex_frames[rows]
    maps = {"teacher": teacher.attention_maps(faces), "student": student.attention_maps(faces)}
    n_stages = len(maps["teacher"])
    figure = Figure(figsize=(2 * (1 + 2 * n_stages), 2.1 * len(rows)), layout="constrained")
    axes = figure.subplots(len(rows), 1 + 2 * n_stages, squeeze=False)
    for r, row in enumerate(rows):
        axes[r, 0].imshow(faces[r], cmap="gray")
        axes[r, 0].set_title(str(micro.database[row]))
        for s in range(n_stages):
            for j, who in enumerate(("teacher", "student")):
                ax = axes[r, 1 + 2 * s + j]
                ax.imshow(np.asarray(maps[who][s][r]), cmap="inferno")
                ax.set_title(f"{who} stage {s + 1}", fontsize=8)
    for ax in axes.ravel():
        ax.axis("off")
    return figure
