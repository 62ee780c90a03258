"""One module per dataset; each defines ``SPEC`` (a :class:`~hepml_course.data.spec.DatasetSpec`).

Modules here must import heavy generator packages (pythia8mc, fastjet, acts)
lazily, inside their shard functions: the registry imports every module.
"""
