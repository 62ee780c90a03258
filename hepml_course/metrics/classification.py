"""Figures of merit of multi-class classifiers (jet tagging) and their standard plots.

One-vs-rest convention: for class c the signal is class c, the background all
other classes, and the score the predicted probability of c.  The background
rejection 1/ε_B at 50 % signal efficiency is the number quoted in the Particle
Transformer paper's tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.metrics import confusion_matrix as _sk_confusion
from sklearn.metrics import roc_auc_score, roc_curve


def _check(y_true: np.ndarray, proba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true)
    p = np.asarray(proba, dtype=np.float64)
    if p.ndim != 2 or len(p) != len(y):
        raise ValueError(
            f"proba must have shape (n_jets, n_classes) with n_jets = len(y_true) = {len(y)}; "
            f"got {p.shape}"
        )
    if not np.all(np.isfinite(p)):
        raise ValueError("proba contains NaN/infinite values (did training diverge?)")
    if y.size and (y.min() < 0 or y.max() >= p.shape[1]):
        raise ValueError(f"labels must lie in [0, {p.shape[1] - 1}], got [{y.min()}, {y.max()}]")
    return y.astype(np.int64), p


def accuracy(y_true: np.ndarray, proba: np.ndarray) -> float:
    """Fraction of jets whose most probable class is the true one."""
    y, p = _check(y_true, proba)
    return float(np.mean(np.argmax(p, axis=1) == y))


def roc_ovr(
    y_true: np.ndarray, proba: np.ndarray, class_names: Sequence[str]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """One-vs-rest ROC curve per class: ``{class: (ε_B, ε_S)}`` (false, true positive rates)."""
    y, p = _check(y_true, proba)
    out = {}
    for c, name in enumerate(class_names):
        fpr, tpr, _ = roc_curve(y == c, p[:, c])
        out[name] = (fpr, tpr)
    return out


def auc_ovr(y_true: np.ndarray, proba: np.ndarray, class_names: Sequence[str]) -> dict[str, float]:
    """One-vs-rest area under the ROC curve per class."""
    y, p = _check(y_true, proba)
    return {name: float(roc_auc_score(y == c, p[:, c])) for c, name in enumerate(class_names)}


def rejection_at(eps_b: np.ndarray, eps_s: np.ndarray, signal_efficiency: float = 0.5) -> float:
    """Background rejection 1/ε_B at a signal efficiency, interpolated along a ROC curve.

    Returns ``inf`` if no background passes at that efficiency.
    """
    if not 0.0 < signal_efficiency <= 1.0:
        raise ValueError(f"signal_efficiency must be in (0, 1], got {signal_efficiency}")
    eb = float(np.interp(signal_efficiency, eps_s, eps_b))
    return float("inf") if eb <= 0 else 1.0 / eb


def rejection_ovr(
    y_true: np.ndarray,
    proba: np.ndarray,
    class_names: Sequence[str],
    signal_efficiency: float = 0.5,
) -> dict[str, float]:
    """One-vs-rest background rejection 1/ε_B at ``signal_efficiency`` per class."""
    curves = roc_ovr(y_true, proba, class_names)
    return {k: rejection_at(fpr, tpr, signal_efficiency) for k, (fpr, tpr) in curves.items()}


def binary_scores(
    y_true: np.ndarray, proba: np.ndarray, signal: Sequence[int], background: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Restrict to jets of ``signal`` ∪ ``background`` classes; score = P(sig)/(P(sig)+P(bkg)).

    Returns
    -------
    is_signal : numpy.ndarray
        bool per kept jet.
    score : numpy.ndarray
        Likelihood-ratio-like discriminant in [0, 1].
    """
    y, p = _check(y_true, proba)
    sig, bkg = list(signal), list(background)
    keep = np.isin(y, sig + bkg)
    ps, pb = p[keep][:, sig].sum(axis=1), p[keep][:, bkg].sum(axis=1)
    return np.isin(y[keep], sig), ps / np.maximum(ps + pb, 1e-12)


def binary_auc(
    y_true: np.ndarray, proba: np.ndarray, signal: Sequence[int], background: Sequence[int]
) -> float:
    """AUC of signal classes vs background classes (e.g. top vs QCD = g + q)."""
    is_sig, score = binary_scores(y_true, proba, signal, background)
    return float(roc_auc_score(is_sig, score))


def confusion(y_true: np.ndarray, proba: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """Confusion matrix normalised per true class (rows sum to 1)."""
    y, p = _check(y_true, proba)
    n = n_classes or p.shape[1]
    m = _sk_confusion(y, np.argmax(p, axis=1), labels=np.arange(n)).astype(np.float64)
    return m / np.maximum(m.sum(axis=1, keepdims=True), 1)


def summary(y_true: np.ndarray, proba: np.ndarray, class_names: Sequence[str]) -> dict[str, object]:
    """``{"accuracy", "auc": {class: …}, "rej50": {class: …}}`` of one classifier."""
    return {
        "accuracy": accuracy(y_true, proba),
        "auc": auc_ovr(y_true, proba, class_names),
        "rej50": rejection_ovr(y_true, proba, class_names, 0.5),
    }


def comparison_table(results: Mapping[str, Mapping[str, object]]):
    """A pandas DataFrame comparing models: accuracy, AUC and 1/ε_B@50 % per class, parameters.

    Parameters
    ----------
    results
        Model name → :func:`summary` dict, optionally with ``n_params`` and ``train_s``.
    """
    import pandas as pd

    rows = {}
    for name, r in results.items():
        row: dict[str, object] = {"accuracy": r["accuracy"]}
        for k, v in dict(r["auc"]).items():
            row[f"AUC {k}"] = v
        for k, v in dict(r["rej50"]).items():
            row[f"1/εB@50% {k}"] = v
        for extra in ("n_params", "train_s"):
            if extra in r:
                row[extra] = r[extra]
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def plot_roc(
    curves: Mapping[str, tuple[np.ndarray, np.ndarray]], ax=None, title: str | None = None
):
    """ROC curves with a logarithmic background-rejection axis (1/ε_B vs ε_S).

    Parameters
    ----------
    curves
        Label → (ε_B, ε_S), e.g. from :func:`roc_ovr` or several models' curves of one class.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    for label, (fpr, tpr) in curves.items():
        ok = fpr > 0
        ax.plot(tpr[ok], 1.0 / fpr[ok], label=label)
    ax.set_yscale("log")
    ax.set_xlim(0, 1)
    ax.set_xlabel("Signal efficiency $\\varepsilon_S$")
    ax.set_ylabel("Background rejection $1/\\varepsilon_B$")
    ax.legend(loc="upper right", fontsize=12)
    if title:
        ax.set_title(title, fontsize=14)
    return ax


def plot_confusion(
    matrix: np.ndarray, class_names: Sequence[str], ax=None, title: str | None = None
):
    """Row-normalised confusion matrix as an annotated heat map (true class on the y axis)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5.5))
    ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1)
    n = len(class_names)
    ax.set_xticks(range(n), class_names)
    ax.set_yticks(range(n), class_names)
    ax.minorticks_off()
    for i in range(n):
        for j in range(n):
            color = "white" if matrix[i, j] > 0.5 else "black"
            ax.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", color=color, fontsize=12)
    ax.set_xlabel("Predicted class")
    ax.set_ylabel("True class")
    if title:
        ax.set_title(title, fontsize=14)
    return ax
