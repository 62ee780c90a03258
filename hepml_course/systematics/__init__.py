"""Uncertainties, systematics and domain shift (chapter 09).

- the chapter's W/Z-vs-QCD tagging sample: :func:`load_tagging`, :func:`split_sample`;
- the plain tagger every method is compared with: :class:`BinaryTagger` (:func:`tagger_network`);
- mass decorrelation by an adversary (pivot), by distance correlation (DisCo) or by a
  constraint with the method of multipliers (mdmm): :class:`DecorrelatedTagger`,
  :func:`decorrelation_study`;
- a tagger parametrised by a jet-energy-scale nuisance: :class:`ParametrisedTagger`,
  :func:`apply_jes`, :func:`parametrised_study`;
- domain adaptation from MPI-off simulation to unlabelled MPI-on jets by gradient
  reversal: :class:`DomainAdversarialTagger`, :func:`domain_study`;
- calibrated probabilities from deep ensembles and MC dropout: :class:`DeepEnsemble`,
  :class:`MCDropoutTagger`, :func:`calibration_study`;
- energy regression with a per-shower uncertainty on showers whose dead material varies
  with the impact angle (the ``calo_material`` dataset): :func:`material_study`;

Importing this package does not import TensorFlow (the public names are loaded lazily).
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "MASS_FEATURE": "sample",
        "TaggingSample": "sample",
        "load_tagging": "sample",
        "split_sample": "sample",
        "BinaryTagger": "tagger",
        "tagger_network": "tagger",
        "METHODS": "decorrelation",
        "DecorrelatedTagger": "decorrelation",
        "decorrelation_study": "decorrelation",
        "evaluate_tagger": "decorrelation",
        "EVAL_NUISANCE": "parametrised",
        "ParametrisedTagger": "parametrised",
        "SCAN_NUISANCES": "parametrised",
        "TRAIN_NUISANCES": "parametrised",
        "apply_jes": "parametrised",
        "parametrised_study": "parametrised",
        "shifted_training_set": "parametrised",
        "DeepEnsemble": "ensemble",
        "MCDropoutTagger": "ensemble",
        "calibration_study": "ensemble",
        "ece_floor": "ensemble",
        "member_seeds": "ensemble",
        "DomainAdversarialTagger": "domain",
        "domain_study": "domain",
        "ganin_lambda": "domain",
        "importance_weights": "domain",
        "representation_domain_auc": "domain",
        "selection_criterion": "domain",
        "MaterialSample": "material",
        "energy_bins": "material",
        "front_loss_table": "material",
        "load_material_sample": "material",
        "material_study": "material",
        "oracle_front_loss": "material",
        "simulate_material_sample": "material",
    },
)
