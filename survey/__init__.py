"""Anonymous satisfaction and workload surveys: instruments, waves, responding, counters."""

from survey import models  # noqa: F401  (registers the tables on the shared metadata)
