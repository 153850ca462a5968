"""Pooled out-of-fold predictions and the MEGC tables, figures and log made from them."""

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix

from ..clips import MEGC_CLASSES
from ..metrics import (
    MEGC_LABELS,
    f1_per_class,
    recall_per_class,
    uar_score,
    uf1_score,
    war_score,
    write_megc_log,
)

DATABASE_NAMES = {"smic": "SMIC", "casme2": "CASME II", "samm": "SAMM"}


class LOSOResult:
    """Predictions pooled over the folds of a leave-one-group-out run.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_samples,)
        Ground truth and out-of-fold predictions.
    groups : ndarray of shape (n_samples,)
        The fold (held-out group) of each sample.
    database, subjects, names : ndarray of shape (n_samples,)
        Database, subject and clip name of each sample.
    labels : sequence, default=None
        The class set; ``(0, 1, 2)`` when None.
    target_names : sequence of str, default=None
        Class names; the MEGC names for the MEGC labels.

    Attributes
    ----------
    n_folds : int
        Number of folds (held-out groups).
    uf1, uar, war : float
        Scores of the whole composite, on the pooled predictions.
    """

    def __init__(
        self, y_true, y_pred, groups, database, subjects, names, labels=None, target_names=None
    ):
        self.y_true = np.asarray(y_true)
        self.y_pred = np.asarray(y_pred)
        self.groups = np.asarray(groups)
        self.database = np.asarray(database)
        self.subjects = np.asarray(subjects)
        self.names = np.asarray(names)
        self.labels = tuple(MEGC_LABELS if labels is None else labels)
        if target_names is None:
            target_names = (
                MEGC_CLASSES if self.labels == MEGC_LABELS else [str(c) for c in self.labels]
            )
        self.target_names = tuple(target_names)

    @property
    def n_folds(self):
        return len(np.unique(self.groups))

    @property
    def uf1(self):
        return uf1_score(self.y_true, self.y_pred, labels=self.labels)

    @property
    def uar(self):
        return uar_score(self.y_true, self.y_pred, labels=self.labels)

    @property
    def war(self):
        return war_score(self.y_true, self.y_pred)

    def subsets(self):
        """Name the rows of the tables: "Full", then each database.

        Returns
        -------
        subsets : dict of str to ndarray of bool
            Each row's name and the mask of its samples.
        """
        order = [db for db in DATABASE_NAMES if db in set(self.database)]
        order += sorted(set(self.database) - set(order))
        rows = {"Full": np.ones(len(self.y_true), dtype=bool)}
        if len(order) > 1 or order[0] not in ("all",):
            rows.update({DATABASE_NAMES.get(db, db): self.database == db for db in order})
        return rows

    def scores(self):
        """UF1, UAR, WAR and sample count for "Full" and each database.

        Each database's figures are the pooled predictions restricted to its clips, with
        the label set fixed, as the MEGC 2019 guideline reports them.

        Returns
        -------
        scores : DataFrame
            Columns UF1, UAR, WAR and n; one row per subset.
        """
        rows = {}
        for subset, mask in self.subsets().items():
            t, p = self.y_true[mask], self.y_pred[mask]
            rows[subset] = {
                "UF1": uf1_score(t, p, labels=self.labels),
                "UAR": uar_score(t, p, labels=self.labels),
                "WAR": war_score(t, p),
                "n": int(mask.sum()),
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def per_class(self):
        """Per-class F1 and recall for "Full" and each database (long format).

        Returns
        -------
        per_class : DataFrame
            Columns subset, class, F1, recall and support.
        """
        records = []
        for subset, mask in self.subsets().items():
            t, p = self.y_true[mask], self.y_pred[mask]
            f1 = f1_per_class(t, p, labels=self.labels)
            recall = recall_per_class(t, p, labels=self.labels)
            for c, name in enumerate(self.target_names):
                records.append(
                    {
                        "subset": subset,
                        "class": name,
                        "F1": f1[c],
                        "recall": recall[c],
                        "support": int(np.sum(t == self.labels[c])),
                    }
                )
        return pd.DataFrame.from_records(records)

    def fold_scores(self):
        """UF1 and UAR of each fold on its own, for comparison only.

        Their mean is **not** the MEGC figure: a fold holds one subject's few clips, often
        of one or two classes, and every absent class scores 0 in it.

        Returns
        -------
        fold_scores : DataFrame
            Columns UF1, UAR and n; one row per fold.
        """
        rows = {}
        for group in np.unique(self.groups):
            mask = self.groups == group
            t, p = self.y_true[mask], self.y_pred[mask]
            rows[group] = {
                "UF1": uf1_score(t, p, labels=self.labels),
                "UAR": uar_score(t, p, labels=self.labels),
                "n": int(mask.sum()),
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def confusion_matrices(self):
        """Confusion matrices (rows true, columns predicted) for "Full" and each database.

        Returns
        -------
        matrices : dict of str to ndarray of shape (n_labels, n_labels)
            One matrix per subset, classes in the order of ``labels``.
        """
        return {
            subset: confusion_matrix(
                self.y_true[mask], self.y_pred[mask], labels=list(self.labels)
            )
            for subset, mask in self.subsets().items()
        }

    def table(self, method="method", floatfmt=".4f"):
        """The scores as one Markdown row per method, in the layout of the paper's Table 4.

        Parameters
        ----------
        method : str, default="method"
            Name of the method in the first column.
        floatfmt : str, default=".4f"
            Number format.

        Returns
        -------
        table : str
            The Markdown table.
        """
        return format_table({method: self}, floatfmt=floatfmt)

    def to_dict(self):
        """Scores, per-class figures and confusion matrices as JSON-ready data.

        Returns
        -------
        data : dict
            Keys n_folds, labels, target_names, scores, per_class and
            confusion_matrices.
        """
        return {
            "n_folds": self.n_folds,
            "labels": [
                int(c) if isinstance(c, (int, np.integer)) else str(c) for c in self.labels
            ],
            "target_names": list(self.target_names),
            "scores": {
                k: {m: float(v) for m, v in row.items()}
                for k, row in self.scores().to_dict(orient="index").items()
            },
            "per_class": self.per_class().to_dict(orient="records"),
            "confusion_matrices": {k: m.tolist() for k, m in self.confusion_matrices().items()},
        }

    def predictions(self):
        """One row per sample: database, subject, name, fold, y_true, y_pred.

        Returns
        -------
        predictions : DataFrame
            The pooled predictions.
        """
        return pd.DataFrame(
            {
                "database": self.database,
                "subject": self.subjects,
                "name": self.names,
                "fold": self.groups,
                "y_true": self.y_true,
                "y_pred": self.y_pred,
            }
        )

    def write_log(self, path):
        """Write the MEGC 2019 prediction log (see :func:`saatkit.metrics.write_megc_log`).

        Parameters
        ----------
        path : str or Path
            The log file, written atomically.
        """
        write_megc_log(path, self.database, self.subjects, self.names, self.y_true, self.y_pred)

    def plot_confusion_matrices(self, normalize=True, title=None):
        """One confusion matrix per subset, as in the paper's Fig. 2.

        Parameters
        ----------
        normalize : bool, default=True
            Show each row as fractions of the true class.
        title : str, default=None
            Figure title.

        Returns
        -------
        figure : matplotlib.figure.Figure
        """
        from matplotlib.figure import Figure

        matrices = self.confusion_matrices()
        figure = Figure(figsize=(3.2 * len(matrices), 3.4), layout="constrained")
        axes = figure.subplots(1, len(matrices), squeeze=False)[0]
        for ax, (subset, matrix) in zip(axes, matrices.items()):
            shown = matrix.astype(float)
            if normalize:
                totals = shown.sum(axis=1, keepdims=True)
                shown = np.divide(shown, totals, out=np.zeros_like(shown), where=totals > 0)
            ax.imshow(shown, cmap="Blues", vmin=0, vmax=1 if normalize else None)
            for (i, j), value in np.ndenumerate(shown):
                text = f"{value:.2f}" if normalize else f"{int(value)}"
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    color="white" if value > 0.5 * (shown.max() or 1) else "black",
                )
            ticks = range(len(self.labels))
            ax.set_xticks(ticks, self.target_names, rotation=45)
            ax.set_yticks(ticks, self.target_names if ax is axes[0] else [])
            ax.set_title(f"{subset} (n={int(matrix.sum())})")
            ax.set_xlabel("predicted")
        axes[0].set_ylabel("true")
        if title:
            figure.suptitle(title)
        return figure

    def __repr__(self):
        return (
            f"<LOSOResult folds={self.n_folds} samples={len(self.y_true)} "
            f"UF1={self.uf1:.4f} UAR={self.uar:.4f}>"
        )


def format_table(results, floatfmt=".4f"):
    """Markdown table of several methods' scores in the layout of the paper's Table 4.

    Parameters
    ----------
    results : dict of str to LOSOResult
        Method name to result; the subsets are those of the first result.
    floatfmt : str, default=".4f"
        Number format.

    Returns
    -------
    table : str
    """
    results = dict(results)
    if not results:
        raise ValueError("results is empty.")
    subsets = list(next(iter(results.values())).subsets())
    header = "| Method | " + " | ".join(f"{s} UF1 | {s} UAR" for s in subsets) + " |"
    rule = "|---|" + "---:|" * (2 * len(subsets))
    lines = [header, rule]
    for method, result in results.items():
        scores = result.scores()
        cells = []
        for subset in subsets:
            row = scores.loc[subset] if subset in scores.index else None
            cells += (
                ["–", "–"]
                if row is None
                else [format(row["UF1"], floatfmt), format(row["UAR"], floatfmt)]
            )
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
