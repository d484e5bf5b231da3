"""Fit between the coat (the four levels' types) and a family's needs ("de best passende jas").

A family needs *structure* (a clear norm, persistence, protocols: more so with safety problems
and a deviant own norm) and *flexibility* (maatwerk: more so with contra-indications, many
serious domains, basic needs unmet). The levels above it supply both, each through its traits.
Fit is high when supply matches need in both respects: too little structure leaves a family
unsafe, too much overasks it; too little flexibility leaves no fitting offer. No combination of
types wins for every family: the best coat depends on the family's profile (MODEL.md §4.3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.families import Families
    from sim.model import MpgModel


def _at(values: np.ndarray, pos: np.ndarray, missing: float) -> np.ndarray:
    """Gather ``values[pos]`` where ``pos >= 0``; ``missing`` elsewhere."""
    return np.where(pos >= 0, values[np.maximum(pos, 0)], missing)


def social_org(model: MpgModel, fam: Families) -> np.ndarray:
    """Index of the organisation of each family's social professional (its wijkteam if none)."""
    return np.where(
        fam.social_pos >= 0,
        model.workforce.org[np.maximum(fam.social_pos, 0)],
        model.wijkteam_of[fam.municipality],
    )


def structure_supplied(model: MpgModel, fam: Families) -> np.ndarray:
    """Structure the coat gives each family: professional, organisation and climate."""
    wf, orgs = model.workforce, model.org_table
    prof = _at(wf.structure, fam.social_pos, 0.5)
    safety = _at(wf.structure, fam.safety_pos, prof)
    org = orgs.mission_clarity[social_org(model, fam)]
    return 0.45 * prof + 0.15 * safety + 0.2 * org + 0.2 * model.climate.trait("norm_clarity")


def flexibility_supplied(model: MpgModel, fam: Families) -> np.ndarray:
    """Flexibility the coat gives each family: opened treasure chests, adaptivity, pilots, money."""
    wf, orgs = model.workforce, model.org_table
    prof = _at(wf.flexibility, fam.social_pos, 0.0)
    org = orgs.adaptivity[social_org(model, fam)]
    region = model.region_table.need_matching[fam.region]
    return 0.45 * prof + 0.2 * org + 0.2 * region + 0.15 * model.climate.pooled_funding


def coat_fit(model: MpgModel, fam: Families) -> np.ndarray:
    """Fit in [0.1, 1]: one minus the mismatch in structure and in flexibility."""
    miss = np.abs(structure_supplied(model, fam) - fam.structure_need())
    miss += np.abs(flexibility_supplied(model, fam) - fam.flexibility_need())
    return np.clip(1 - 0.8 * miss, 0.1, 1.0)


def maatwerk(model: MpgModel, fam: Families) -> np.ndarray:
    """Chance that a fitting non-standard offer exists for a family (0-1).

    Contra-indicated families fall outside standard offers (CCV §3.3); an innovator's opened
    treasure chest, pooled money and the region's pilots can make an offer that fits.
    """
    prof = _at(model.workforce.flexibility, fam.social_pos, 0.0)
    region = model.region_table.need_matching[fam.region]
    return np.clip(0.6 * prof + 0.6 * model.climate.pooled_funding + 0.3 * region, 0, 1)


def joint_orientation(model: MpgModel, fam: Families) -> np.ndarray:
    """How much the professionals around a family put the joint goal first (0-1)."""
    prof = _at(model.workforce.joint_goal, fam.social_pos, 0.5)
    org = model.org_table.institutional_goal[social_org(model, fam)]
    return 0.5 * prof + 0.5 * (1 - org)


def specialist_institutional_goal(model: MpgModel, fam: Families) -> np.ndarray:
    """Institutional-goal weight of each family's regional specialist organisation."""
    return model.org_table.institutional_goal[model.specialist_of[fam.region]]
