"""The results folder: metrics as JSON, tables as Markdown, MEGC logs, figures, one HTML page."""

import base64
import html
import json
from pathlib import Path

import numpy as np

from ..clips import atomic_write
from ..pipelines import VARIANTS
from ..protocol import format_table


def write_text(path, text):
    """Write a file atomically, so an interrupted run never leaves half a result."""
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def save_figure(figure, path):
    return atomic_write(path, lambda tmp: figure.savefig(tmp, dpi=110))


def teacher_table(rows, floatfmt=".4f"):
    """Markdown table in the layout of the paper's Table 2 (WAR, UAR, UF1 per candidate)."""
    lines = ["| Dataset | Method | WAR | UAR | UF1 |", "|---|---|---:|---:|---:|"]
    for row in rows:
        lines.append(
            f"| {row['dataset']} | {row['method']} | {row['WAR']:{floatfmt}} | "
            f"{row['UAR']:{floatfmt}} | {row['UF1']:{floatfmt}} |"
        )
    return "\n".join(lines)


def ablation_table(results, input="apex", floatfmt=".4f"):
    """Markdown table in the layout of the paper's Table 3 (AT, SA, UF1, UAR).

    Parameters
    ----------
    results : dict of str to LOSOResult
        Results by method key (see :data:`saatkit.pipelines.METHODS`).
    input : {"apex", "flow"}, default="apex"
        The rows of the variants on this input.
    """
    lines = ["| Method | AT | SA | UF1 | UAR |", "|---|:---:|:---:|---:|---:|"]
    for variant, (name, at, sa) in VARIANTS.items():
        key = variant if input == "apex" else f"{variant}-{input}"
        if key in results:
            result = results[key]
            lines.append(
                f"| {name} | {'✓' if at else ''} | {'✓' if sa else ''} | "
                f"{result.uf1:{floatfmt}} | {result.uar:{floatfmt}} |"
            )
    return "\n".join(lines) if len(lines) > 2 else None


def write_results(out, *, teacher_rows, results, names, figures, notes):
    """Write the whole results folder and return the path of the HTML report.

    Parameters
    ----------
    out : Path
        Results folder.
    teacher_rows : list of dict
        Table 2 rows.
    results : dict of str to LOSOResult
        LOSO results by method key.
    names : dict of str to str
        Display name of each method key.
    figures : dict of str to Path
        Figure captions to PNG files already in ``out``.
    notes : list of str
        Paragraphs shown at the top of the report (what the data is, how long it took).
    """
    out = Path(out)
    tables = {}
    if teacher_rows:
        tables["Table 2: teacher candidates on the auxiliary set"] = teacher_table(teacher_rows)
    for input, title in (
        ("apex", "the apex frame (the paper's input)"),
        ("flow", "onset -> apex optical flow"),
    ):
        table = ablation_table(results, input)
        if table is not None:
            tables[f"Table 3: ablation on {title}"] = table
    if results:
        tables["Table 4: LOSO on the composite (pooled UF1/UAR)"] = format_table(
            {names[key]: result for key, result in results.items()}
        )
    markdown = "\n\n".join(f"## {title}\n\n{table}" for title, table in tables.items())
    write_text(out / "tables.md", markdown + "\n")
    metrics = {
        "teacher_candidates": teacher_rows,
        "methods": {
            key: {"name": names[key], **result.to_dict()} for key, result in results.items()
        },
        "notes": notes,
    }
    write_text(out / "metrics.json", json.dumps(metrics, indent=2, default=float) + "\n")
    for key, result in results.items():
        result.write_log(out / "logs" / f"{key}.txt")
        write_text(out / "predictions" / f"{key}.csv", result.predictions().to_csv(index=False))
    return write_html(out / "report.html", tables, figures, notes)


def _markdown_table_to_html(table):
    rows = [line.strip("|").split("|") for line in table.splitlines()]
    head, body = rows[0], rows[2:]
    cells = "".join(f"<th>{html.escape(c.strip())}</th>" for c in head)
    lines = [f"<table><thead><tr>{cells}</tr></thead><tbody>"]
    for row in body:
        lines.append("<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in row) + "</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def write_html(path, tables, figures, notes):
    """One self-contained HTML page: notes, tables, and every figure embedded."""
    path = Path(path)
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>saatkit report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;}"
        "table{border-collapse:collapse;margin:1em 0;}"
        "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right;}"
        "img{max-width:100%;}</style></head><body><h1>saatkit report</h1>",
    ]
    parts += [f"<p>{html.escape(note)}</p>" for note in notes]
    for title, table in tables.items():
        parts.append(f"<h2>{html.escape(title)}</h2>{_markdown_table_to_html(table)}")
    for caption, file in figures.items():
        data = base64.b64encode(Path(file).read_bytes()).decode("ascii")
        parts.append(
            f"<h2>{html.escape(caption)}</h2>"
            f"<img alt='{html.escape(caption)}' src='data:image/png;base64,{data}'>"
        )
    parts.append("</body></html>")
    write_text(path, "\n".join(parts))
    return path


def save_figures(out, results, micro, teachers, faces, styled, *, names):
    """The report's figures, saved under ``out/figures``: title -> path.

    A confusion matrix per method (display names in ``names``), and with the apex
    ``faces``: the style aggregation (``styled``, when a method aggregates) and the apex
    teacher's attention maps.
    """
    from matplotlib.figure import Figure

    figures = {}
    for method, result in results.items():
        figure = result.plot_confusion_matrices(title=names[method])
        figures[f"Confusion matrices: {names[method]}"] = save_figure(
            figure, out / "figures" / f"confusion_{method}.png"
        )
    if faces is None:
        return figures
    if styled is not None:
        from ..preprocessing import plot_style_grid

        figure = plot_style_grid(
            faces, styled, micro.database, figure=Figure(figsize=(9, 6), layout="constrained")
        )
        figures["Style aggregation: apex faces before and after"] = save_figure(
            figure, out / "figures" / "style_aggregation.png"
        )
    figures["Attention maps of the apex teacher"] = save_figure(
        attention_figure(teachers["apex"], faces, micro), out / "figures" / "attention_maps.png"
    )
    return figures


def attention_figure(teacher, faces, micro):
    """The teacher's attention on one face of each database."""
    from matplotlib.figure import Figure

    rows = [int(np.flatnonzero(micro.database == db)[0]) for db in np.unique(micro.database)]
    maps = teacher.attention_maps(faces[rows])
    figure = Figure(figsize=(2 * (1 + len(maps)), 2.1 * len(rows)), layout="constrained")
    axes = figure.subplots(len(rows), 1 + len(maps), squeeze=False)
    for r, row in enumerate(rows):
        axes[r, 0].imshow(faces[row], cmap="gray")
        axes[r, 0].set_title(str(micro.database[row]))
        for s, stage in enumerate(maps):
            axes[r, 1 + s].imshow(np.asarray(stage[r]), cmap="inferno")
            axes[r, 1 + s].set_title(f"stage {s + 1}", fontsize=8)
    for ax in axes.ravel():
        ax.axis("off")
    return figure
