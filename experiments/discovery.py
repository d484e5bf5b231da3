"""Scenario discovery on robust results: under which readings does the best coat flip?

The question "under which readings of the typology does the best coat for Jesse flip from X
to Y?" becomes a classification of the worlds of a robust design (:mod:`experiments.robust`):
a world is a *case of interest* when coat Y fits better there than coat X (a smaller regret).
Three methods then describe where the cases of interest lie in the uncertainty space:

- PRIM (Friedman1999), from the ``ema_workbench`` package (Kwakkel2017): a box of input
  ranges. Of the peeling trajectory we take, among the boxes whose density reaches
  ``min_density`` (else the densest), the one with the largest coverage x density, the
  simplest on a tie (Bryant2010 weigh the same two measures).
- CART (Breiman1984), scikit-learn's decision tree: each leaf that predicts the cases of
  interest is a rule.
- Feature scoring: ``ema_workbench``'s extra-trees feature scores, which rank every input
  by how much it explains the flip.

*Coverage* is the share of all cases of interest that a box or rule captures; *density* is
the share of cases of interest among the worlds inside it (Bryant2010). Each finding is
written as a plain-language rule in Dutch and English (:func:`rule_text`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from experiments import kwadrant
from sim.errors import ConfigError
from sim.params import PARAMETERS, TYPES
from sim.typology import LEVELS

DEFAULT_DENSITY = 0.8
#: The questions: Y fits better than X (a flip), or, when Y never does, Y comes closest to X
#: (its shortfall from X at most its median over the worlds).
FLIP, CLOSER = "flip", "closer"

# --- plain language ---------------------------------------------------------------------------

_LEVEL = {
    "professional": ("professional", "de", "professional"),
    "organisation": ("organisation", "de", "organisatie"),
    "region": ("region", "de", "regio"),
    "political_climate": ("political climate", "het", "politieke klimaat"),
}
_TYPE = {
    "vasthoudend": ("steadfast", "vasthoudende"),
    "balancerend": ("balancing", "balancerende"),
    "innoverend": ("innovating", "innoverende"),
}
#: Dutch words of each trait (the English ones are the trait's name in words).
TRAIT_NL = {
    "protocol_adherence": "protocollaire werkwijze",
    "persistence": "volharding",
    "creativity": "creativiteit (de schatkist)",
    "joint_goal": "gewicht van het gezamenlijke doel",
    "blind_spot_detection": "oog voor witte vlekken",
    "signal_push": "signalen agenderen",
    "overcompensation": "overcompensatie",
    "frustration": "frustratie bij niet gehoorde signalen",
    "protocol_rigidity": "bindende protocollen",
    "mission_clarity": "heldere missie",
    "backing": "rugdekking",
    "room_to_deviate": "ruimte om af te wijken",
    "adaptivity": "aanpassingsvermogen",
    "institutional_goal": "gewicht van het eigen institutionele doel",
    "signal_uptake": "oppakken van signalen",
    "flexibility_demand": "gevraagde flexibiliteit",
    "change_cost": "onrust van verandering",
    "base_capacity": "solide basis (gerealiseerde capaciteit)",
    "decision_weeks": "weken om te besluiten over opschaling",
    "pilots_per_year": "proeftuinen per jaar",
    "pilot_base_cost": "basiscapaciteit die een proeftuin kost",
    "need_matching": "aansluiting op de behoefte van het gezin",
    "shared_ownership": "gedeeld eigenaarschap",
    "norm_clarity": "heldere norm",
    "priority_shifts_per_year": "nieuwe speerpunten per jaar",
    "carry_forward": "resultaten die na een koerswijziging blijven",
    "pooling_drive": "drang om budgetten te ontschotten",
}


def label(name: str, lang: str) -> str:
    """An input in words: a trait as "creativity of the innovating professional"."""
    if name.count(".") == 2:
        level, type_, trait = name.split(".")
        level_en, article, level_nl = _LEVEL[level]
        type_en, type_nl = _TYPE[type_]
        if lang == "nl":
            return f"{TRAIT_NL.get(trait, trait)} van {article} {type_nl} {level_nl}"
        return f"{trait.replace('_', ' ')} of the {type_en} {level_en}"
    declared = PARAMETERS.get(name)
    if declared is not None and declared.group == "mechanism":
        return f"coëfficiënt {name}" if lang == "nl" else f"coefficient {name}"
    return f"parameter {name}"


def _number(value: float, lang: str) -> str:
    text = f"{value:.3g}"
    return text.replace(".", ",") if lang == "nl" else text


def condition_text(name: str, low: float | None, high: float | None, lang: str) -> str:
    """One restriction in words: "X ≥ a", "X ≤ b" or "X between a and b"."""
    what = label(name, lang)
    if low is not None and high is not None:
        word = ("tussen", "en") if lang == "nl" else ("between", "and")
        return f"{what} {word[0]} {_number(low, lang)} {word[1]} {_number(high, lang)}"
    if low is not None:
        return f"{what} ≥ {_number(low, lang)}"
    return f"{what} ≤ {_number(high, lang)}"


def rule_text(finding: Finding, lang: str) -> str:
    """A finding as one plain-language sentence with its coverage and density."""
    joiner = " en " if lang == "nl" else " and "
    conditions = joiner.join(condition_text(n, lo, hi, lang) for n, (lo, hi) in finding.limits)
    x, y = finding.coat_from, finding.coat_to
    if lang == "nl":
        then = f"past jas {y} beter dan {x}"
        if finding.question == CLOSER:
            then = f"komt jas {y} het dichtst bij {x}"
        return (
            f"Als {conditions}, dan {then} (dekking {finding.coverage:.0%}, "
            f"dichtheid {finding.density:.0%}, {finding.method.upper()})."
        )
    then = f"coat {y} fits better than {x}"
    if finding.question == CLOSER:
        then = f"coat {y} comes closest to {x}"
    return (
        f"When {conditions}, {then} (coverage {finding.coverage:.0%}, "
        f"density {finding.density:.0%}, {finding.method.upper()})."
    )


# --- the question -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A box or rule: restricted inputs with their limits (None: unbounded on that side)."""

    method: str
    coat_from: str
    coat_to: str
    limits: tuple[tuple[str, tuple[float | None, float | None]], ...]
    coverage: float
    density: float
    worlds: int
    question: str = FLIP

    def row(self) -> dict[str, Any]:
        """The finding as a table row, with its rule in both languages."""
        return {
            "method": self.method,
            "coat_from": self.coat_from,
            "coat_to": self.coat_to,
            "inputs": ", ".join(n for n, _ in self.limits),
            "coverage": self.coverage,
            "density": self.density,
            "worlds_in": self.worlds,
            "question": self.question,
            "rule_en": rule_text(self, "en"),
            "rule_nl": rule_text(self, "nl"),
        }


def parse_coat(text: str) -> str:
    """A coat written as V/B/I/I or with full type names, as its short label.

    Raises:
        ConfigError: not four types separated by "/".
    """
    parts = [p.strip().lower() for p in text.split("/")]
    names = {t[0]: t for t in TYPES} | {t: t for t in TYPES}
    if len(parts) != len(LEVELS) or any(p not in names for p in parts):
        raise ConfigError(
            "coat", text, "write it as four types, e.g. V/B/I/I (vasthoudend/balancerend/...)"
        )
    full = [names[p] for p in parts]
    return kwadrant.coat_label(dict(zip(kwadrant.FACTORS, full, strict=True)), short=True)


def pick_coats(summary: pd.DataFrame, coat_from: str | None, coat_to: str | None) -> tuple:
    """The two coats to compare: by default the most often best and the runner-up.

    The runner-up is the next coat by P(best), then by median regret.

    Raises:
        ConfigError: a coat that is not in the results, or the same coat twice.
    """
    ranked = summary.sort_values(["p_best", "regret_median"], ascending=[False, True])
    known = list(ranked["coat"])
    first = parse_coat(coat_from) if coat_from else known[0]
    second = parse_coat(coat_to) if coat_to else next(c for c in known if c != first)
    for name, coat in (("--from", first), ("--to", second)):
        if coat not in known:
            raise ConfigError(name, coat, "not a coat of these results")
    if first == second:
        raise ConfigError("--to", second, "choose another coat than --from")
    return first, second


def flips(regret: pd.DataFrame, coat_from: str, coat_to: str) -> tuple[pd.Series, str]:
    """Per world, whether it is a case of interest, and the question asked.

    A case of interest is a world where ``coat_to`` has a smaller regret than ``coat_from``
    (a flip). When there is no such world, or only such worlds, the question becomes where
    ``coat_to`` comes closest: its shortfall from ``coat_from`` at most its median.
    """
    wide = regret.pivot_table(index="world", columns="coat", values="regret")
    gap = wide[coat_to] - wide[coat_from]
    flip = gap < 0
    if 0 < flip.sum() < len(flip):
        return flip.rename("case"), FLIP
    return (gap <= gap.median()).rename("case"), CLOSER


def inputs(worlds: pd.DataFrame, overrides: Mapping[str, Any]) -> pd.DataFrame:
    """The inputs that vary across the worlds of a profile (world as the index)."""
    x = worlds.set_index("world")
    x = x[[c for c in x.columns if c not in overrides]]
    return x.loc[:, x.nunique() > 1].astype(float)


# --- methods ---------------------------------------------------------------------------------


def _prim_module():
    with warnings.catch_warnings():  # ema_workbench warns about optional parallel back ends
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    return prim


def prim_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    coats: tuple[str, str] = ("X", "Y"),
    boxes: int = 2,
    min_density: float = DEFAULT_DENSITY,
) -> list[Finding]:
    """Up to ``boxes`` PRIM boxes for the cases of interest ``y`` (see the module docstring)."""
    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return []
    prim = _prim_module()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x.reset_index(drop=True), y, peel_alpha=0.05, mass_min=0.05)
        found = []
        for _ in range(boxes):
            box = finder.find_box()
            if box is None:
                break
            finding = _chosen_box(box, finder.box_init, x, y, coats, min_density)
            if finding is not None and _adds_cases(finding, found, x, y):
                found.append(finding)
    return found


def _chosen_box(box, box_init, x, y, coats, min_density) -> Finding | None:
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= min_density]
    if dense.empty:
        dense = trajectory[trajectory["density"] == trajectory["density"].max()]
    dense = dense[dense["res_dim"] > 0]
    if dense.empty:
        return None
    dense = dense.assign(sharp=dense["coverage"] * dense["density"])
    best = dense.sort_values(["sharp", "res_dim"], ascending=[False, True])
    i = int(best.iloc[0]["id"])
    limits = _restrictions(box.box_lims[i], box_init)
    return _measured("prim", limits, x, y, coats)


def _adds_cases(finding: Finding, found: list[Finding], x, y) -> bool:
    """Whether a box captures cases of interest that the earlier boxes do not."""
    earlier = np.zeros(len(x), dtype=bool)
    for other in found:
        earlier |= inside_mask(x, other.limits)
    return bool((inside_mask(x, finding.limits) & y & ~earlier).any())


def inside_mask(x: pd.DataFrame, limits) -> np.ndarray:
    """Which rows of ``x`` lie within ``limits`` (bounds inclusive)."""
    inside = np.ones(len(x), dtype=bool)
    for name, (lo, hi) in limits:
        if lo is not None:
            inside &= x[name].to_numpy() >= lo
        if hi is not None:
            inside &= x[name].to_numpy() <= hi
    return inside


def _restrictions(box_lim: pd.DataFrame, box_init: pd.DataFrame) -> tuple:
    out = []
    for name in box_lim.columns:
        low, high = float(box_lim.loc[0, name]), float(box_lim.loc[1, name])
        low0, high0 = float(box_init.loc[0, name]), float(box_init.loc[1, name])
        lo = low if low > low0 else None
        hi = high if high < high0 else None
        if lo is not None or hi is not None:
            out.append((name, (lo, hi)))
    return tuple(out)


def _measured(method, limits, x, y, coats) -> Finding:
    inside = inside_mask(x, limits)
    hits = int((inside & y).sum())
    return Finding(
        method,
        coats[0],
        coats[1],
        limits,
        coverage=hits / int(y.sum()),
        density=hits / int(inside.sum()) if inside.any() else 0.0,
        worlds=int(inside.sum()),
    )


def cart_rules(
    x: pd.DataFrame, y: np.ndarray, coats: tuple[str, str] = ("X", "Y"), depth: int = 3, seed=1
) -> list[Finding]:
    """The leaves of a CART tree that predict the cases of interest, as rules."""
    from sklearn.tree import DecisionTreeClassifier

    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return []
    leaf = max(1, round(0.05 * len(y)))
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=leaf, random_state=seed)
    tree.fit(x.to_numpy(), y)
    found = [
        _measured("cart", limits, x, y, coats)
        for limits in _leaf_limits(tree.tree_, list(x.columns))
    ]
    return sorted(found, key=lambda f: (-f.coverage * f.density, -f.density))


def _leaf_limits(tree, names: Sequence[str], node: int = 0, path=()) -> list[tuple]:
    if tree.children_left[node] == -1:  # a leaf
        counts = tree.value[node][0]
        positive = len(counts) > 1 and counts[1] > counts[0]
        return [_merge(path)] if positive and path else []
    name, threshold = names[tree.feature[node]], float(tree.threshold[node])
    left = _leaf_limits(tree, names, tree.children_left[node], (*path, (name, None, threshold)))
    right = _leaf_limits(tree, names, tree.children_right[node], (*path, (name, threshold, None)))
    return left + right


def _merge(path) -> tuple:
    bounds: dict[str, list] = {}
    for name, low, high in path:
        lo, hi = bounds.setdefault(name, [None, None])
        if low is not None:
            bounds[name][0] = low if lo is None else max(lo, low)
        if high is not None:
            bounds[name][1] = high if hi is None else min(hi, high)
    return tuple((name, (lo, hi)) for name, (lo, hi) in bounds.items())


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int = 1) -> pd.DataFrame:
    """Extra-trees feature scores (``ema_workbench``), highest first: input, score."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring

        scores, _model = feature_scoring.get_ex_feature_scores(
            x.reset_index(drop=True), np.asarray(y, dtype=int), random_state=seed
        )
    table = scores.reset_index()
    table.columns = ["input", "score"]
    return table.sort_values("score", ascending=False, ignore_index=True)


# --- all at once -----------------------------------------------------------------------------


def discover(
    regret: pd.DataFrame,
    worlds: pd.DataFrame,
    overrides: Mapping[str, Any],
    coats: tuple[str, str],
    boxes: int = 2,
    min_density: float = DEFAULT_DENSITY,
    depth: int = 3,
    seed: int = 1,
) -> dict[str, Any]:
    """PRIM boxes, CART rules and feature scores for one profile's flip from X to Y.

    Args:
        regret: the profile's rows of ``robust_regret``.
        worlds: the ``robust_worlds`` table.
        overrides: the profile's own overrides (inputs it sets are not discovered over).
        coats: (X, Y): the worlds where Y beats X are the cases of interest.
        boxes: PRIM boxes to find.
        min_density: the density a PRIM box should reach.
        depth: depth of the CART tree.
        seed: seed of CART and the extra trees.

    Returns:
        ``y`` (per world), ``question`` (:data:`FLIP` or :data:`CLOSER`), ``findings``
        (PRIM first, then CART) and ``scores``.
    """
    y, question = flips(regret, *coats)
    x = inputs(worlds, overrides).loc[y.index]
    findings = prim_boxes(x, y.to_numpy(), coats, boxes, min_density)
    findings += cart_rules(x, y.to_numpy(), coats, depth, seed)
    findings = [replace(f, question=question) for f in findings]
    scores = feature_scores(x, y.to_numpy(), seed) if 0 < y.sum() < len(y) else pd.DataFrame()
    return {"y": y, "question": question, "findings": findings, "scores": scores}
