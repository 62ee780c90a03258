"""Companion package of the course *Machine Learning for Particle Physics*.

Data flows one way: generate → ROOT file in ``data/`` → load → model → metrics
→ plots.  Each chapter of the book imports the pieces it teaches from here.
"""

__version__ = "0.1.0"
