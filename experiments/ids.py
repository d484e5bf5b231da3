"""The one run identity, shared by the results store and the dashboard's cache.

A run is determined by its full parameters, the typology's trait values, its events, its seed,
its length and the model version (the model's source and the data files it reads, see
:func:`experiments.version.model_version`). Hashing all of them gives a content-addressed id:
the same run planned twice - by a rerun, a larger ``--reps``, another sweep or another
dashboard visitor - gets the same id and is computed once, and a change to any of them (an
edited ``typologies.toml``, a recalibration) never reuses an old result.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from experiments.version import model_version
from sim.events import Event

if TYPE_CHECKING:
    from experiments.config import Scenario
    from sim.typology import Typology

#: Hex digits of a run id (128 bits of a SHA-256).
ID_LENGTH = 32
_HEX = frozenset("0123456789abcdef")


def run_id(
    params: Mapping[str, Any],
    typology: Typology | Mapping[str, Any] | None,
    seed: int,
    weeks: int,
    events: Sequence[Mapping[str, Any] | Event] = (),
    version: str | None = None,
) -> str:
    """Return the id of one run: :data:`ID_LENGTH` lowercase hex digits.

    Args:
        params: the complete validated parameters (not only the overrides), so that a changed
            default changes the id.
        typology: the trait values the run uses (a :class:`~sim.typology.Typology` or its
            ``values``); None for an abstract test model without one.
        seed: the run's seed.
        weeks: the number of reported weeks.
        events: policy events (:class:`~sim.events.Event` or their dicts); none by default.
            Their order does not matter (the model applies them by week), so they are
            hashed in a canonical order: the same timeline from a scenario file or from
            ``--event`` options has one id.
        version: the model version; default :func:`~experiments.version.model_version`.
    """
    traits = getattr(typology, "values", typology)
    payload = json.dumps(
        {
            "params": dict(sorted(params.items())),
            "typology": traits,
            "events": canonical_events(events),
            "seed": int(seed),
            "weeks": int(weeks),
            "version": version or model_version(),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:ID_LENGTH]


def canonical_events(events: Sequence[Mapping[str, Any] | Event]) -> list[dict[str, Any]]:
    """Events as plain dicts in one order (by their JSON): the form hashed into a run id."""
    plain = [e.to_dict() if isinstance(e, Event) else dict(e) for e in events]
    return sorted(plain, key=lambda e: json.dumps(e, sort_keys=True, default=str))


def scenario_run_id(scenario: Scenario, seed: int, weeks: int, version: str | None = None) -> str:
    """The id of running ``scenario`` with ``seed`` for ``weeks`` weeks (see :func:`run_id`)."""
    events = getattr(scenario, "events", ())
    return run_id(scenario.params, scenario.typology, seed, weeks, events, version)


def is_run_id(value: Any) -> bool:
    """Tell whether an untrusted value looks like a run id (safe to use as a key or file name)."""
    return isinstance(value, str) and len(value) == ID_LENGTH and set(value) <= _HEX
