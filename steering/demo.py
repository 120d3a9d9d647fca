"""Demonstration data of the steering package, called by ``flask demo load`` after the
survey and café demos (``demo._package_loaders``).

Each part of the package keeps its demo in a module of its own with a ``load(db, rng)``;
add further loaders (dashboards, feedback, API tokens …) to ``LOADERS`` below, in the
order they depend on each other. They share ``rng``, so a loader added later changes what
the ones after it draw, not the ones before."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from steering.plan import demo as plan_demo

LOADERS = (plan_demo.load,)


def load(db: Session, rng: random.Random) -> None:
    """Run every steering demo loader in order."""
    for loader in LOADERS:
        loader(db, rng)
