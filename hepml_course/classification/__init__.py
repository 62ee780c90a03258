"""Jet tagging (chapter "Classification"): data access, preprocessing and the three model
generations — a boosted decision tree and a dense network on high-level features, and
particle-based networks (Deep Sets / Particle Flow Network, a small Particle Transformer)
on jet constituents.  Heavy frameworks (TensorFlow) are imported inside the model modules.
"""
