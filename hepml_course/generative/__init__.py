"""Generative fast simulation of calorimeter showers (chapter "Generative simulation").

Three energy-conditioned generators share one preprocessing
(:class:`ShowerPreprocessor`), one interface (``generative.base.ShowerGenerator``, a
:class:`hepml_course.nn.Estimator`: ``fit(voxels_gev, e_inc_gev, *, seed)``,
``generate(e_inc_gev, *, seed)``, ``save``/``load``) and one first stage: a
small flow-matching model of the layer energies (:class:`ConditionalFlow`).
They differ in the second stage, the voxel shapes given the energies:

* ``vae`` — :class:`ConditionalVAE`, a conditional variational autoencoder;
* ``gan`` — :class:`WassersteinGAN`, a conditional Wasserstein GAN with gradient penalty;
* ``flow_matching`` — :class:`FlowMatching`, conditional flow matching with an ODE sampler;

and a fast one, ``distilled`` — :class:`DistilledFlow`, a one-call student of a
flow-matching teacher.  :func:`large_split` gives the large simulated training
sample (made on first use) and :func:`fresh_test_showers` fresh test showers;
:func:`read_calochallenge_showers` and :func:`judge_calochallenge` read and judge
CaloChallenge dataset-1-photon files.

:class:`AlphaSymmetry` rotates and mirrors training showers (the α
symmetry); refinement reweights a generator's output with
:class:`hepml_course.nn.ClassifierReweighter` (:func:`effective_sample_size`
says what the weights cost); :func:`load_pretrained` loads the shipped weights
(``python -m hepml_course.generative.train NAME`` trains them);
:func:`metric_table`, :func:`speed_table` and :func:`simulate` judge them
against the reference simulator.

Importing this package does not import TensorFlow.
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "AlphaSymmetry": "augmentation",
        "ConditionalFlow": "networks",
        "ConditionalVAE": "vae",
        "DistilledFlow": "distilled",
        "FlowMatching": "flow_matching",
        "GENERATORS": "registry",
        "MODELS_DIR": "pretrained",
        "ShowerPreprocessor": "preprocessing",
        "Showers": "showers",
        "WassersteinGAN": "gan",
        "available": "pretrained",
        "calo_split": "showers",
        "effective_sample_size": "reweighting",
        "fresh_test_showers": "training_data",
        "judge_calochallenge": "calochallenge",
        "large_split": "training_data",
        "generator_class": "registry",
        "layer_sizes": "base",
        "load_pretrained": "pretrained",
        "make_generator": "registry",
        "metric_table": "evaluate",
        "read_calochallenge_showers": "calochallenge",
        "record": "pretrained",
        "reference_simulator": "evaluate",
        "simulate": "evaluate",
        "simulator_speed_all_cores": "evaluate",
        "speed_table": "evaluate",
        "usable_cores": "evaluate",
    },
)
