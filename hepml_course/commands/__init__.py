"""Sub-commands of ``hepml-course``: each module defines ``register(subparsers)``."""
