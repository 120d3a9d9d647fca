"""Statistics over answer counts: descriptive figures, significance tests and change verdicts, and
the reliability of an index."""
