"""Analysis helpers used by the intro chapter: object selection and resonance fits."""
