"""Shared test fixtures."""

from __future__ import annotations

import os

import matplotlib

# headless plotting in every test process; quiet TensorFlow
matplotlib.use("Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
