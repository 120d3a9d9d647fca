"""The café package's blueprints, one module per audience."""
