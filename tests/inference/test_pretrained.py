"""The shipped parametrised classifier: documented, verified, good enough, and reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.inference import THETA_SCAN_GRID, TemplateFit, load_pretrained
from hepml_course.inference.sample import default_observables, load_eventshapes
from hepml_course.inference.train import MODELS_DIR, NAME, main, training_split
from hepml_course.metrics.calibration import expected_calibration_error
from hepml_course.nn import read_artifact


@pytest.fixture(scope="module")
def classifier():
    return load_pretrained()


def test_shipped_model_is_small_and_documented():
    total = sum(f.stat().st_size for f in MODELS_DIR.rglob("*") if f.is_file())
    assert total <= 1024**2, f"{total / 1024**2:.2f} MB: the budget is 1 MB"
    record = read_artifact(MODELS_DIR / NAME).record
    card = (MODELS_DIR / "card.md").read_text()
    assert record["command"].startswith("python -m hepml_course.inference.train --seed")
    assert record["command"] in card and record["record_sha256"] in card
    assert all(sha in card for sha in record["files"].values())
    extra = record["extra"]
    assert extra["observables"] == list(default_observables())
    assert extra["training_sample_command"].startswith("hepml-course data generate eventshapes")
    assert extra["training_sample_command"] in card
    assert record["versions"]["keras"].startswith("3.")


def test_shipped_model_is_calibrated_on_validation_events(classifier):
    _, grid_val, _, ref_val = training_split()
    at = grid_val.at(0.150)
    x = np.vstack([at.X, ref_val.X[: len(at)]])
    y = np.r_[np.ones(len(at)), np.zeros(len(at))]
    assert expected_calibration_error(y, classifier.predict_proba(x, 0.150)) < 0.03


def test_shipped_model_measures_unseen_pseudo_data(classifier):
    """5000 pseudo-data events at αs = 0.1365 (not a grid value): close, and narrower."""
    grid_train, _, _, _ = training_split()
    pseudo = load_eventshapes("pseudo_data", n_events=5000)
    learned = classifier.measure(pseudo.X, THETA_SCAN_GRID)
    # σ ≈ 0.0008 at 5000 events; the margin also allows the learned ratio's bias (≈ 0.001)
    assert learned.estimate == pytest.approx(0.1365, abs=0.004)
    template = TemplateFit().fit(grid_train.column("thrust_minor"), grid_train.theta)
    reference = template.measure(pseudo.column("thrust_minor"))
    assert learned.width68 < 0.9 * reference.width68


@pytest.mark.slow
def test_retraining_reproduces_the_shipped_model(classifier, tmp_path):
    record = read_artifact(MODELS_DIR / NAME).record
    args = record["command"].split()[3:]  # after "python -m hepml_course.inference.train"
    assert main([*args, "--out", str(tmp_path), "--workers", "2"]) == 0
    retrained = load_pretrained(tmp_path)
    new = read_artifact(tmp_path / NAME).record
    assert new["extra"]["dataset_sha256"] == record["extra"]["dataset_sha256"]
    old_loss = min(record["state"]["history"]["val_loss"])
    assert min(new["state"]["history"]["val_loss"]) == pytest.approx(old_loss, abs=2e-4)
    pseudo = load_eventshapes("pseudo_data", n_events=5000)
    a = classifier.measure(pseudo.X, THETA_SCAN_GRID)
    b = retrained.measure(pseudo.X, THETA_SCAN_GRID)
    assert b.estimate == pytest.approx(a.estimate, abs=0.001)
    assert b.width68 == pytest.approx(a.width68, rel=0.1)
