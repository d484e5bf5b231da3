"""Fit between the coat (the four levels' types) and a family's needs ("de best passende jas").

A family needs *structure* (a clear norm, persistence, protocols: more so with safety problems
and a deviant own norm) and *flexibility* (maatwerk: more so with contra-indications, many
serious domains, basic needs unmet). The levels above it supply both, each through its traits.
Fit is high when supply matches need in both respects: too little structure leaves a family
unsafe, too much overasks it; too little flexibility leaves no fitting offer. No combination of
types wins for every family: the best coat depends on the family's profile.

Adjacent levels can also clash with each other (CCV2019 §6.5): an innovating professional in a
steadfast organisation, or a slow region under a restless political climate. The clashes are
measured here from the traits, and act in the workforce and region rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from sim.tables import clip

if TYPE_CHECKING:
    from sim.families import Families
    from sim.model import MpgModel

FIT_FLOOR = 0.1  # even a badly fitting coat does something for a family
NEUTRAL = 0.5  # supply assumed when there is no professional on that side (neither much nor little)
PACE_HALF = 1.0  # one new pilot or priority a year is the middle of the pace scale
MAATWERK_FITS = 0.5  # a maatwerk chance below one half is no fitting offer


def at_position(values: np.ndarray, pos: np.ndarray, missing) -> np.ndarray:
    """Gather ``values[pos]`` where ``pos >= 0``; ``missing`` elsewhere.

    A scalar ``missing`` is appended to the (short, float) per-position column, so position -1
    reads it: one gather instead of a mask, a clamp, a gather and a select.
    """
    if not isinstance(missing, np.ndarray):
        padded = np.empty(values.size + 1)  # np.append's result, without its two wrappers
        padded[:-1] = values
        padded[-1] = missing
        return padded[pos]
    return np.where(pos >= 0, values[np.maximum(pos, 0)], missing)


def _weighted(weights, parts) -> np.ndarray:
    """Weighted mean of ``parts`` (the weights are declared; they need not sum to one)."""
    total = sum(weights)
    return sum(w * x for w, x in zip(weights, parts, strict=True)) / max(total, 1e-9)


def social_org(model: MpgModel, fam: Families) -> np.ndarray:
    """Index of the organisation of each family's social professional (its wijkteam if none)."""
    return np.where(
        fam.social_pos >= 0,
        model.workforce.org[np.maximum(fam.social_pos, 0)],
        model.wijkteam_of[fam.municipality],
    )


def structure_supplied(
    model: MpgModel, fam: Families, org_index: np.ndarray | None = None
) -> np.ndarray:
    """Structure the coat gives each family: professional, organisation and climate.

    ``org_index`` is :func:`social_org` when the caller has it already.
    """
    p, wf, orgs = model.params, model.workforce, model.org_table
    if org_index is None:
        org_index = social_org(model, fam)
    prof = at_position(wf.structure, fam.social_pos, NEUTRAL)
    safety = at_position(wf.structure, fam.safety_pos, prof)
    org = orgs.mission_clarity[org_index]
    climate = model.climate.trait("norm_clarity")
    weights = (p.fit_structure_professional, p.fit_structure_safety, p.fit_structure_organisation)
    return _weighted((*weights, p.fit_structure_climate), (prof, safety, org, climate))


def flexibility_supplied(
    model: MpgModel, fam: Families, org_index: np.ndarray | None = None
) -> np.ndarray:
    """Flexibility the coat gives each family: opened treasure chests, adaptivity, pilots, money."""
    p, wf, orgs = model.params, model.workforce, model.org_table
    if org_index is None:
        org_index = social_org(model, fam)
    prof = at_position(wf.flexibility, fam.social_pos, 0.0)
    org = orgs.adaptivity[org_index]
    region = model.region_table.need_matching[fam.region]
    pooled = model.climate.pooled_funding
    weights = (p.fit_flexibility_professional, p.fit_flexibility_organisation)
    weights += (p.fit_flexibility_region, p.fit_flexibility_pooled)
    return _weighted(weights, (prof, org, region, pooled))


def coat_fit(
    model: MpgModel,
    fam: Families,
    org_index: np.ndarray | None = None,
    structure: np.ndarray | None = None,
) -> np.ndarray:
    """Fit in [FIT_FLOOR, 1]: one minus the mismatch in structure and in flexibility.

    ``org_index`` and ``structure`` are :func:`social_org` and :func:`structure_supplied`
    when the caller has them already.
    """
    if org_index is None:
        org_index = social_org(model, fam)
    if structure is None:
        structure = structure_supplied(model, fam, org_index)
    miss = np.abs(structure - fam.structure_need())
    miss += np.abs(flexibility_supplied(model, fam, org_index) - fam.flexibility_need())
    return clip(1 - model.params.fit_mismatch_cost * miss, FIT_FLOOR, 1.0)


def maatwerk(model: MpgModel, fam: Families, rows: np.ndarray | None = None) -> np.ndarray:
    """Chance that a fitting non-standard offer exists for a family (0-1).

    Contra-indicated families fall outside standard offers (CCV2019 §3.3); an innovator's
    opened treasure chest, pooled money (VJI-RA: one money stream for maatwerk) and the
    region's pilots can make an offer that fits. Only for the families ``rows``, when given.
    """
    p = model.params
    social_pos, region = fam.social_pos, fam.region
    if rows is not None:
        social_pos, region = social_pos[rows], region[rows]
    prof = at_position(model.workforce.flexibility, social_pos, 0.0)
    region = model.region_table.need_matching[region]
    supply = p.maatwerk_professional * prof + p.maatwerk_pooled * model.climate.pooled_funding
    return clip(supply + p.maatwerk_region * region, 0, 1)


def joint_orientation(
    model: MpgModel, fam: Families, org_index: np.ndarray | None = None
) -> np.ndarray:
    """How much the professionals around a family put the joint goal first (0-1)."""
    w = model.params.joint_goal_professional_weight
    if org_index is None:
        org_index = social_org(model, fam)
    prof = at_position(model.workforce.joint_goal, fam.social_pos, NEUTRAL)
    org = model.org_table.institutional_goal[org_index]
    return w * prof + (1 - w) * (1 - org)


def specialist_institutional_goal(model: MpgModel, fam: Families) -> np.ndarray:
    """Institutional-goal weight of each family's regional specialist organisation."""
    return model.org_table.institutional_goal[model.specialist_of[fam.region]]


def professional_organisation_clash(wf, orgs, o: np.ndarray) -> np.ndarray:
    """Clash between each professional's type and its organisation's, 0-1 (CCV2019 §6.5).

    The mean of three mismatches read from the traits: the joint goal the professional puts
    first against the goal its organisation holds; the creativity the organisation gives no
    room to (an innovator in a steadfast organisation); and the flexibility the organisation
    demands of a professional who holds to protocol (a steadfast one in an innovating
    organisation).
    """
    goal_gap = np.abs(wf.joint_goal - (1 - orgs.institutional_goal[o]))
    unused = wf.creativity * (1 - orgs.room_to_deviate[o])
    overdemand = orgs.flexibility_demand[o] * wf.protocol_adherence
    return (goal_gap + unused + overdemand) / 3 * wf.occupied


def pace(per_year: float) -> float:
    """A rate of change (pilots or priorities a year) on a 0-1 scale."""
    return per_year / (per_year + PACE_HALF)


def region_climate_clash(region: Mapping[str, float], climate: Mapping[str, float]) -> float:
    """How far a region's pace of change and its political climate's pull apart, 0-1.

    A slow region under a climate that keeps setting priorities cannot keep up; a region full
    of pilots under a climate that does not pick them up sees their results go nowhere
    (CCV2019 §6.5).
    """
    return abs(pace(region["pilots_per_year"]) - pace(climate["priority_shifts_per_year"]))
