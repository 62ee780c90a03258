"""Figures of merit, one module per kind (classification, regression, tracking, generative,
unfolding, trigger)."""
