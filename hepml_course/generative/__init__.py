"""Generative fast simulation of calorimeter showers (chapter "Generative simulation").

Three energy-conditioned generators share one preprocessing
(:mod:`~hepml_course.generative.preprocessing`), one interface
(:class:`~hepml_course.generative.base.ShowerGenerator`: ``fit``,
``generate``, ``save``/``load``) and one first stage: a small flow-matching
model of the layer energies (:mod:`.networks`).  They differ in the second
stage, the voxel shapes given the energies:

* ``vae`` — conditional variational autoencoder (:mod:`.vae`);
* ``gan`` — conditional Wasserstein GAN with gradient penalty (:mod:`.gan`);
* ``flow_matching`` — conditional flow matching with an ODE sampler
  (:mod:`.flow_matching`).

:mod:`.augmentation` rotates and mirrors training showers (the α symmetry);
:mod:`.reweighting` refines a generator's output with classifier weights;
:mod:`.pretrained` loads the shipped weights; ``python -m
hepml_course.generative.train NAME`` trains them.
"""

from __future__ import annotations

import importlib

#: Generator name → "module:Class" (imported lazily: TensorFlow is heavy).
GENERATORS: dict[str, str] = {
    "vae": "hepml_course.generative.vae:ConditionalVAE",
    "gan": "hepml_course.generative.gan:WassersteinGAN",
    "flow_matching": "hepml_course.generative.flow_matching:FlowMatching",
}


def generator_class(name: str):
    """The generator class registered as ``name`` (``vae``, ``gan``, ``flow_matching``)."""
    if name not in GENERATORS:
        raise KeyError(f"unknown generator {name!r}; choose one of {sorted(GENERATORS)}")
    module, cls = GENERATORS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def make_generator(name: str, seed: int = 0, **hparams):
    """A fresh, untrained generator ``name`` with the given seed and hyper-parameters."""
    return generator_class(name)(seed=seed, **hparams)
