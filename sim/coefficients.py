"""Mechanism coefficients: every number inside a rule, declared with bounds and a meaning.

The rules read these as parameters (``p.trust_heard``), like the scenario levers, but they are
not levers: they are our reading of how strongly one thing drives another, with no public
figure behind them. They sit in group ``mechanism``, outside the default sensitivity set; an
experiment can vary them (``--params all``), and their bounds (half to one and a half times
the default, unless the coefficient is a share) are the range of readings we would defend.

Each coefficient belongs to a mechanism (:data:`MECHANISMS`). Setting ``knockout`` to the name
of one of the :data:`SWITCHES` switches it off - all its coefficients set to zero - which is how
the validation shows that a pattern comes from the mechanism it names (``mpgsim validate
--knockouts``). For those mechanisms zero means "this effect is absent", never "this effect is
maximal"; mechanisms without such an off state cannot be knocked out.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sim.parameter import Parameter

#: The mechanisms, with what each does. A knock-out sets all of a mechanism's coefficients to 0.
MECHANISMS: Mapping[str, str] = MappingProxyType(
    {
        "problem_dynamics": (
            "Problems worsen faster without basic needs, with an intergenerational background or a "
            "deviant own norm."
        ),
        "complexity": "How serious domains and contra-indications add to a family's complexity.",
        "intergenerational": (
            "Children's later risk follows their own problems, safety and the family's norm."
        ),
        "incidents": "Safety and nuisance incidents from burden, safety problems and the own norm.",
        "imbalance": (
            "More incidents the more a family's burden exceeds the help it effectively gets "
            "(disbalans)."
        ),
        "signalling": "Families come into view through incidents and social signals.",
        "safety_intake": "Which families in care the police know as unsafe and take on.",
        "blind_spots": (
            "The social side names crime only sometimes; unnamed crime is not worked on."
        ),
        "relapse": "Closed families' problems come back and they are signalled again.",
        "help": (
            "Help reaching a family: hours of the social and safety side, hesitance, failed "
            "collaboration."
        ),
        "alliance": (
            "Help needs a working alliance that only contact time builds (a workable caseload)."
        ),
        "specialist_gate": (
            "Without specialist care (waitlists), help on mental health, addiction and LVB is "
            "blocked."
        ),
        "safety_reach": (
            "Without the safety side or a frame, help reaches safety domains only partly."
        ),
        "cooperation": "Cooperation from trust and motivation, lowered by a deviant own norm.",
        "frame_pressure": (
            "How incidents, safety severity and non-cooperation add up to the pressure for a frame."
        ),
        "frame": (
            "Voluntary -> drang -> dwang under pressure; drang and dwang force part of the "
            "cooperation."
        ),
        "de_escalation": "Stepping down from dwang and drang once the pressure eases.",
        "collaboration": "Each pair of professionals around a family can fail to collaborate.",
        "stagnation": "How blockers are weighed when a case stagnates.",
        "trust": (
            "Trust and motivation: heard, quick wins, one contact up; overasking, waiting, dwang "
            "down."
        ),
        "continuity": (
            "Every change of professional costs the family trust and its working alliance "
            "(CCV2019 §2.2)."
        ),
        "dropout": "Families with very low trust drop out of voluntary care.",
        "needs": (
            "What a family needs: structure (safety, own norm) and flexibility "
            "(contra-indications, many domains)."
        ),
        "fit": "How the levels' traits add up to the structure and flexibility supplied.",
        "maatwerk": (
            "Whether a fitting non-standard offer can be made: treasure chest, pooled money, "
            "pilots."
        ),
        "coordination": (
            "Procesregie: a regisseur gives attention, repairs collaboration and makes roles clear."
        ),
        "escalation_request": "Which cases in care are put forward for procesregie.",
        "procesregie_review": "When a procesregie case is calm and moving enough to hand back.",
        "regional_decision": (
            "Escalations from regiogemeenten wait for the region's decision; the centre's do not."
        ),
        "workload": (
            "Stress from load, complexity, unheard signals and policy load; backing relieves it."
        ),
        "hesitance": "Handelingsverlegenheid as a logistic response to its causes (CCV2019 §3.2).",
        "hours": (
            "Hours a professional gives: overcompensation adds, stress, hesitance and policy load "
            "take away."
        ),
        "protocol": "Protocol adherence pulled by the organisation and by stress.",
        "fallback": (
            "New staff fall back on protocol and keep their treasure chest shut (CCV2019 §4.1)."
        ),
        "leaving": "Leaving grows with stress and with organisational turmoil.",
        "signals_up": (
            "Blind spots travel up; organisations learn, regions start pilots, the climate pools "
            "money."
        ),
        "policy_load": (
            "Priority shifts load organisations and local government, which work it off."
        ),
        "pilots": "Pilots raise how well collective arrangements match families' needs.",
        "clash_po": (
            "Professional-organisation clash: stress and leaving when types pull apart (CCV2019 "
            "§6.5)."
        ),
        "clash_rc": (
            "Region-climate clash: overload and unmatched pilots when paces of change pull apart "
            "(§6.5)."
        ),
    }
)

#: The mechanisms a knock-out can switch off: for these, all coefficients at zero means "this
#: effect is absent". The others (weights between alternatives, rates of adjustment,
#: thresholds) have no such off state and are varied, never knocked out.
SWITCHES: tuple[str, ...] = (
    "problem_dynamics",
    "complexity",
    "imbalance",
    "blind_spots",
    "relapse",
    "alliance",
    "specialist_gate",
    "safety_reach",
    "frame",
    "de_escalation",
    "collaboration",
    "continuity",
    "dropout",
    "maatwerk",
    "coordination",
    "regional_decision",
    "fallback",
    "pilots",
    "clash_po",
    "clash_rc",
)

SHARE_UNITS = ("share", "weight", "0-1")


def _c(
    name: str,
    default: float,
    mechanism: str,
    doc: str,
    unit: str = "coefficient",
    low=None,
    high=None,
) -> Parameter:
    """Declare one coefficient: bounds half to one and a half times the default (shares in 0-1)."""
    if mechanism not in MECHANISMS:
        raise ValueError(f"{name}: unknown mechanism {mechanism}")
    if low is None:
        low = default * 0.5
    if high is None:
        high = default * 1.5
        if unit in SHARE_UNITS:
            high = min(1.0, high)
    return Parameter(
        name,
        default,
        unit,
        doc,
        "free (our reading)",
        kind="float",
        low=float(low),
        high=float(high),
        group="mechanism",
        free=True,
        mechanism=mechanism,
    )


COEFFICIENTS: tuple[Parameter, ...] = (
    # --- problem dynamics and the family's own state -------------------------------------------
    _c(
        "drift_unmet_basic_needs",
        1.0,
        "problem_dynamics",
        "Extra pace of problem drift while basic needs (finances, housing) are not in order.",
        "factor",
    ),
    _c(
        "drift_intergenerational",
        0.67,
        "problem_dynamics",
        "Extra pace of problem drift per unit of intergenerational background.",
        "factor",
    ),
    _c(
        "drift_own_norm",
        0.6,
        "problem_dynamics",
        "Extra pace of safety problems per unit of own norm above the neutral middle.",
        "factor",
    ),
    _c(
        "complexity_per_serious", 0.04, "complexity", "Complexity added per serious problem domain."
    ),
    _c("complexity_contra", 0.15, "complexity", "Complexity added by a contra-indication."),
    _c(
        "child_risk_adaptation",
        0.02,
        "intergenerational",
        "Weekly adjustment of children's later risk towards its current target.",
        "per week",
    ),
    _c(
        "child_risk_from_child",
        0.4,
        "intergenerational",
        "Weight of the child's own problems in its later risk.",
        "weight",
    ),
    _c(
        "child_risk_from_safety",
        0.3,
        "intergenerational",
        "Weight of the family's safety problems in the child's later risk.",
        "weight",
    ),
    _c(
        "child_risk_from_norm",
        0.3,
        "intergenerational",
        "Weight of the family's own norm in the child's later risk.",
        "weight",
    ),
    # --- incidents and signals -------------------------------------------------------------------
    _c(
        "incident_base",
        0.5,
        "incidents",
        "Incident rate factor of a family in balance (burden fully met by effective help).",
        "factor",
    ),
    _c(
        "incident_burden_weight",
        0.3,
        "incidents",
        "Weight of overall burden (against safety severity) in the incident rate.",
        "weight",
    ),
    _c(
        "incident_own_norm",
        0.8,
        "incidents",
        "Change of the incident rate per unit of own norm above the neutral middle.",
        "factor",
    ),
    _c(
        "incident_memory",
        0.1,
        "incidents",
        "Weight of this week's incidents in the running estimate of a family's risk.",
        "per week",
    ),
    _c(
        "incident_imbalance",
        2.0,
        "imbalance",
        "Extra incident rate factor per unit of imbalance (burden not met by effective help).",
        "factor",
    ),
    _c(
        "signal_base",
        0.004,
        "signalling",
        "Weekly chance of a social signal for a family with no visible problems.",
        "per week",
    ),
    _c(
        "signal_per_severity",
        0.02,
        "signalling",
        "Extra weekly chance of a social signal per unit of parenting and school problems.",
        "per week",
    ),
    _c(
        "signal_help_request",
        0.02,
        "signalling",
        "Extra weekly chance of coming into view for a family that asks for help.",
        "per week",
    ),
    _c(
        "signal_per_incident",
        0.5,
        "signalling",
        "Hazard of being signalled per incident.",
        "per incident",
    ),
    _c(
        "blind_spot_naming",
        0.05,
        "blind_spots",
        "Weekly chance a social professional with a full eye names crime it sees.",
        "per week",
    ),
    _c(
        "naming_without_sharing",
        0.3,
        "blind_spots",
        "Share of that chance left when no information may be shared.",
        "share",
    ),
    _c(
        "crime_visible",
        0.4,
        "blind_spots",
        "Crime severity from which a social professional can see it.",
        "0-1",
    ),
    _c(
        "blind_spot_block",
        0.8,
        "blind_spots",
        "Share of help on crime that is lost while crime is not named.",
        "share",
    ),
    _c(
        "relapse_per_year",
        0.3,
        "relapse",
        "Hazard of a closed family returning when its burden is back at the closure line.",
        "per year",
        0.02,
        0.6,
    ),
    _c(
        "relapse_per_incident",
        0.3,
        "relapse",
        "Hazard of a closed family returning per incident.",
        "per incident",
        0.02,
        0.6,
    ),
    _c(
        "police_known_incidents",
        1.0,
        "safety_intake",
        "Incidents a year from which the police know a family in care as unsafe.",
        "per year",
    ),
    _c(
        "police_known_severity",
        0.5,
        "safety_intake",
        "Safety severity from which the police know a family in care as unsafe.",
        "0-1",
    ),
    # --- help ------------------------------------------------------------------------------------
    _c(
        "help_safety_weight",
        0.3,
        "help",
        "Weight of the safety side's hours in the help that reaches a family.",
        "weight",
    ),
    _c(
        "help_hv_loss",
        0.4,
        "help",
        "Share of help lost when the social professional is handelingsverlegen.",
        "share",
    ),
    _c(
        "help_failed_collaboration_loss",
        0.7,
        "help",
        "Share of a week's help lost when collaboration failed.",
        "share",
    ),
    _c(
        "alliance_build_rate",
        0.15,
        "alliance",
        "Weekly adjustment of the working alliance towards the contact the family gets.",
        "per week",
    ),
    _c(
        "help_alliance_weight",
        0.6,
        "alliance",
        "Share of help that depends on the working alliance (0: help is proportional to hours).",
        "share",
    ),
    _c(
        "quick_win_step",
        0.002,
        "trust",
        "Weekly drop in mean severity that the family feels as a quick win.",
        "0-1",
    ),
    _c(
        "specialist_block",
        0.75,
        "specialist_gate",
        "Share of help on specialist domains blocked without specialist care.",
        "share",
    ),
    _c(
        "maatwerk_unblock",
        0.35,
        "specialist_gate",
        "Share of that block a fitting maatwerk offer lifts.",
        "share",
    ),
    _c(
        "contra_block",
        1.0,
        "specialist_gate",
        "Share of specialist help lost to a contra-indication without maatwerk.",
        "share",
    ),
    _c(
        "safety_block",
        0.6,
        "safety_reach",
        "Share of help on safety domains lost without the safety side or a frame.",
        "share",
    ),
    # --- cooperation and frame -------------------------------------------------------------------
    _c(
        "coop_base",
        0.2,
        "cooperation",
        "Cooperation of a family with no trust and no motivation.",
        "0-1",
    ),
    _c(
        "coop_trust_weight",
        0.5,
        "cooperation",
        "Weight of trust (against motivation) in cooperation.",
        "weight",
    ),
    _c("coop_own_norm", 0.3, "cooperation", "Cooperation lost per unit of own norm.", "0-1"),
    _c("coop_floor_drang", 0.35, "frame", "Cooperation drang secures at least.", "0-1"),
    _c("coop_floor_dwang", 0.55, "frame", "Cooperation dwang secures at least.", "0-1"),
    _c(
        "frame_incident_weight",
        0.4,
        "frame_pressure",
        "Weight of incidents in the pressure to impose a frame.",
        "weight",
    ),
    _c(
        "frame_incidents_full",
        4.0,
        "frame_pressure",
        "Incidents a year at which incidents weigh fully in the pressure.",
        "per year",
    ),
    _c(
        "frame_safety_weight",
        0.4,
        "frame_pressure",
        "Weight of safety severity in the pressure to impose a frame.",
        "weight",
    ),
    _c(
        "frame_noncooperation_weight",
        0.2,
        "frame_pressure",
        "Weight of non-cooperation in the pressure to impose a frame.",
        "weight",
    ),
    _c(
        "frame_dwang_margin",
        0.15,
        "frame",
        "Extra pressure needed to go from drang to dwang.",
        "0-1",
    ),
    _c(
        "frame_step_up",
        0.08,
        "frame",
        "Weekly chance of stepping up a frame under pressure (clear norm, no hesitance).",
        "per week",
    ),
    _c(
        "frame_hv_hesitation",
        0.5,
        "frame",
        "Share of that chance lost when the professional is handelingsverlegen.",
        "share",
    ),
    _c(
        "frame_clarity_base",
        0.5,
        "frame",
        "Speed of up- and down-scaling at an entirely unclear norm (a clear norm adds one).",
        "factor",
    ),
    _c(
        "frame_containment",
        0.4,
        "frame",
        "Share of incidents dwang contains (drang half of it): coercion stops part of the unsafe "
        "behaviour.",
        "share",
    ),
    _c(
        "frame_step_down",
        0.04,
        "de_escalation",
        "Weekly chance of stepping down a frame once the pressure eased.",
        "per week",
    ),
    _c(
        "frame_down_margin",
        0.25,
        "de_escalation",
        "How far below the norm pressure must fall before stepping down.",
        "0-1",
    ),
    # --- collaboration, overruling, stagnation ---------------------------------------------------
    _c(
        "collab_base_hazard",
        0.01,
        "collaboration",
        "Weekly hazard of a failed collaboration per pair of professionals.",
        "per week",
    ),
    _c(
        "collab_domain_gap",
        0.04,
        "collaboration",
        "Extra hazard when social and safety both work with the family and may not share.",
        "per week",
    ),
    _c(
        "collab_goal_gap",
        0.04,
        "collaboration",
        "Extra hazard when the professionals put their own goals first.",
        "per week",
    ),
    _c(
        "collab_shared_ownership",
        0.5,
        "collaboration",
        "Share of the hazard shared ownership in the region takes away.",
        "share",
    ),
    _c(
        "blocker_memory",
        0.15,
        "stagnation",
        "Weight of this week's blockers in the running estimate of why a case is stuck.",
        "per week",
    ),
    _c(
        "stagnation_min_help",
        0.25,
        "stagnation",
        "Help below which a case in care counts as without a fitting offer.",
        "share of needed hours",
    ),
    _c(
        "stagnation_client_cooperation",
        0.35,
        "stagnation",
        "Cooperation below which the client counts as the blocker.",
        "0-1",
    ),
    # --- trust -----------------------------------------------------------------------------------
    _c(
        "trust_heard",
        0.006,
        "trust",
        "Weekly trust gained at full, fitting help (being heard).",
        "per week",
    ),
    _c("trust_quick_win", 0.008, "trust", "Trust gained by a quick win.", "per week"),
    _c(
        "trust_one_contact",
        0.003,
        "trust",
        "Weekly trust gained with one central contact person.",
        "per week",
    ),
    _c(
        "trust_drang_entry",
        0.006,
        "trust",
        "Extra trust from a quick win under drang (drang as an entry point).",
        "per week",
    ),
    _c(
        "trust_overasked",
        0.02,
        "trust",
        "Weekly trust lost per unit of structure beyond the family's need (overasking).",
        "per week",
    ),
    _c(
        "trust_waiting",
        0.006,
        "trust",
        "Weekly trust lost while waiting for specialist care.",
        "per week",
    ),
    _c(
        "trust_changed_professional",
        0.08,
        "continuity",
        "Trust lost per change of professional.",
        "per change",
    ),
    _c(
        "alliance_lost_on_change",
        1.0,
        "continuity",
        "Share of the working alliance lost when the social worker changes.",
        "share",
    ),
    _c(
        "trust_many_professionals",
        0.003,
        "trust",
        "Weekly trust lost per professional beyond two.",
        "per week",
    ),
    _c("trust_dwang", 0.008, "trust", "Weekly trust lost under dwang.", "per week"),
    _c(
        "trust_reversion",
        0.01,
        "trust",
        "Weekly pull of trust back to the family's own disposition (its trust at the start).",
        "per week",
    ),
    _c(
        "motivation_rate",
        0.05,
        "trust",
        "Weekly adjustment of motivation towards its target.",
        "per week",
    ),
    _c("motivation_from_trust", 0.5, "trust", "Weight of trust in motivation's target.", "weight"),
    _c(
        "motivation_from_quick_win",
        0.3,
        "trust",
        "Weight of quick wins in motivation's target (the rest is the own help request).",
        "weight",
    ),
    _c(
        "help_request_motivation",
        0.2,
        "trust",
        "Extra motivation of a family that asks for help itself.",
        "0-1",
    ),
    _c(
        "dropout_trust",
        0.12,
        "dropout",
        "Trust below which a family in voluntary care may drop out.",
        "0-1",
    ),
    _c(
        "dropout_per_week",
        0.03,
        "dropout",
        "Weekly chance of dropping out below that trust.",
        "per week",
    ),
    # --- needs and fit ---------------------------------------------------------------------------
    _c("need_structure_base", 0.25, "needs", "Structure every family needs.", "0-1"),
    _c(
        "need_structure_safety",
        0.5,
        "needs",
        "Structure needed per unit of safety severity.",
        "0-1",
    ),
    _c("need_structure_own_norm", 0.3, "needs", "Structure needed per unit of own norm.", "0-1"),
    _c(
        "need_structure_framed", 0.1, "needs", "Extra structure needed under drang or dwang.", "0-1"
    ),
    _c("need_flexibility_base", 0.15, "needs", "Flexibility every family needs.", "0-1"),
    _c(
        "need_flexibility_contra",
        0.4,
        "needs",
        "Flexibility needed with a contra-indication.",
        "0-1",
    ),
    _c(
        "need_flexibility_per_serious",
        0.06,
        "needs",
        "Flexibility needed per serious problem domain.",
        "0-1",
    ),
    _c(
        "need_flexibility_basic",
        0.15,
        "needs",
        "Extra flexibility needed while basic needs are not in order.",
        "0-1",
    ),
    _c(
        "fit_structure_professional",
        0.45,
        "fit",
        "Weight of the social professional in the structure supplied.",
        "weight",
    ),
    _c(
        "fit_structure_safety",
        0.15,
        "fit",
        "Weight of the safety professional in the structure supplied.",
        "weight",
    ),
    _c(
        "fit_structure_organisation",
        0.2,
        "fit",
        "Weight of the organisation's mission clarity in the structure supplied.",
        "weight",
    ),
    _c(
        "fit_structure_climate",
        0.2,
        "fit",
        "Weight of the climate's norm clarity in the structure supplied.",
        "weight",
    ),
    _c(
        "fit_flexibility_professional",
        0.45,
        "fit",
        "Weight of the professional's opened treasure chest in the flexibility supplied.",
        "weight",
    ),
    _c(
        "fit_flexibility_organisation",
        0.2,
        "fit",
        "Weight of the organisation's adaptivity in the flexibility supplied.",
        "weight",
    ),
    _c(
        "fit_flexibility_region",
        0.2,
        "fit",
        "Weight of the region's need matching in the flexibility supplied.",
        "weight",
    ),
    _c(
        "fit_flexibility_pooled",
        0.15,
        "fit",
        "Weight of pooled money in the flexibility supplied.",
        "weight",
    ),
    _c(
        "fit_mismatch_cost",
        0.8,
        "fit",
        "Fit lost per unit of mismatch in structure plus flexibility.",
        "factor",
    ),
    _c(
        "joint_goal_professional_weight",
        0.5,
        "fit",
        "Weight of the professional (against its organisation) in the orientation on the joint "
        "goal.",
        "weight",
    ),
    _c(
        "maatwerk_professional",
        0.6,
        "maatwerk",
        "Maatwerk chance per unit of the professional's opened treasure chest.",
        "factor",
    ),
    _c("maatwerk_pooled", 0.6, "maatwerk", "Maatwerk chance per unit of pooled funding.", "factor"),
    _c(
        "maatwerk_region",
        0.3,
        "maatwerk",
        "Maatwerk chance per unit of the region's need matching.",
        "factor",
    ),
    # --- procesregie and opschaling --------------------------------------------------------------
    _c(
        "coordination_attention",
        0.2,
        "coordination",
        "Attention a regisseur adds to a family's help.",
        "share of needed hours",
    ),
    _c(
        "coordination_collab_repair",
        0.7,
        "coordination",
        "Share of the collaboration hazard a regisseur takes away.",
        "share",
    ),
    _c(
        "coordination_role_clarity",
        0.8,
        "coordination",
        "Share of the confusion about who does what a regisseur takes away.",
        "share",
    ),
    _c(
        "escalation_complexity",
        0.65,
        "escalation_request",
        "Complexity from which an unsafe case is put forward for procesregie.",
        "score",
    ),
    _c(
        "escalation_incidents_per_year",
        2.0,
        "escalation_request",
        "Incidents a year from which a complex case counts as unsafe.",
        "per year",
    ),
    _c(
        "escalation_decision_scale",
        1.0,
        "regional_decision",
        "Multiplier on the region type's decision weeks for escalations from regiogemeenten.",
        "factor",
    ),
    _c(
        "decision_load_slowdown",
        1.0,
        "regional_decision",
        "Extra decision time per unit of policy load on local government.",
        "factor",
    ),
    _c(
        "procesregie_settled_incidents",
        1.0,
        "procesregie_review",
        "Incidents a year below which a procesregie case counts as calm.",
        "per year",
    ),
    _c(
        "procesregie_settled_stall",
        4.0,
        "procesregie_review",
        "Weeks without progress below which a procesregie case counts as moving.",
        "weeks",
    ),
    # --- professionals ---------------------------------------------------------------------------
    _c(
        "stress_base",
        0.2,
        "workload",
        "Stress target of a professional with no load or strain.",
        "0-1",
    ),
    _c(
        "stress_load",
        0.5,
        "workload",
        "Stress per unit of caseload above the free share of the workable caseload.",
        "0-1",
    ),
    _c(
        "stress_load_free",
        0.8,
        "workload",
        "Share of the workable caseload that brings no stress.",
        "share",
    ),
    _c(
        "stress_complexity",
        0.25,
        "workload",
        "Stress per unit of mean complexity of the caseload.",
        "0-1",
    ),
    _c(
        "stress_overcompensation",
        0.4,
        "workload",
        "Stress per unit of overcompensation and excess load.",
        "0-1",
    ),
    _c(
        "stress_unheard",
        0.2,
        "workload",
        "Stress per unit of unheard signals and frustration.",
        "0-1",
    ),
    _c(
        "stress_policy_load",
        0.15,
        "workload",
        "Stress per unit of policy load on the organisation.",
        "0-1",
    ),
    _c("stress_hv", 0.1, "workload", "Stress from being handelingsverlegen.", "0-1"),
    _c(
        "stress_backing",
        0.25,
        "workload",
        "Stress taken away per unit of the organisation's backing.",
        "0-1",
    ),
    _c(
        "stress_rate",
        0.1,
        "workload",
        "Weekly adjustment of stress towards its target.",
        "per week",
    ),
    _c(
        "hv_unclear_mission",
        0.2,
        "hesitance",
        "Hesitance per unit of unclear mission (tasks and powers).",
        "0-1",
    ),
    _c(
        "hv_unclear_roles",
        0.2,
        "hesitance",
        "Hesitance per unit of caseload with many professionals and nobody arranging roles.",
        "0-1",
    ),
    _c(
        "hv_unclear_norm",
        0.15,
        "hesitance",
        "Hesitance per unit of unclear norm (up- and down-scaling).",
        "0-1",
    ),
    _c("hv_no_backing", 0.2, "hesitance", "Hesitance per unit of missing backing.", "0-1"),
    _c(
        "hv_privacy_fear",
        0.15,
        "hesitance",
        "Hesitance per unit of missing room to share information (fear of the AVG).",
        "0-1",
    ),
    _c(
        "hv_no_follow_up",
        0.2,
        "hesitance",
        "Hesitance per unit of caseload without a fitting follow-up.",
        "0-1",
    ),
    _c(
        "hv_load",
        0.25,
        "hesitance",
        "Hesitance per unit of caseload above the workable one.",
        "0-1",
    ),
    _c("hv_stress", 0.15, "hesitance", "Hesitance per unit of stress.", "0-1"),
    _c(
        "hv_slope",
        0.05,
        "hesitance",
        "Width of the logistic response around hv_threshold (smaller: sharper).",
        "0-1",
        0.025,
        0.1,
    ),
    _c(
        "hours_overcompensation",
        0.25,
        "hours",
        "Extra hours per unit of overcompensation.",
        "share",
    ),
    _c(
        "hours_stress_loss",
        0.3,
        "hours",
        "Hours lost per unit of stress above the free level.",
        "share",
    ),
    _c("stress_hours_free", 0.6, "hours", "Stress below which no hours are lost.", "0-1"),
    _c("hours_hv_loss", 0.3, "hours", "Hours lost when handelingsverlegen.", "share"),
    _c(
        "hours_policy_load_loss",
        0.3,
        "hours",
        "Hours lost per unit of policy load on the organisation.",
        "share",
    ),
    _c(
        "sharing_time_cost",
        0.1,
        "hours",
        "Share of client hours that sharing information at full room costs (meetings, "
        "registration).",
        "share",
    ),
    _c(
        "structure_protocol_weight",
        0.5,
        "protocol",
        "Weight of protocol (against persistence) in the structure a professional gives.",
        "weight",
    ),
    _c(
        "protocol_org_pull",
        0.35,
        "protocol",
        "Pull of the organisation's protocol rigidity on adherence.",
        "factor",
    ),
    _c("protocol_stress_pull", 0.2, "protocol", "Pull of stress towards protocol.", "factor"),
    _c(
        "fallback_protocol",
        0.35,
        "fallback",
        "Extra protocol adherence of a new professional.",
        "0-1",
    ),
    _c(
        "chest_fallback_closing",
        0.5,
        "fallback",
        "Share of the treasure chest a new professional keeps shut.",
        "share",
    ),
    _c(
        "chest_hv_closing",
        0.5,
        "hesitance",
        "Share of the treasure chest a hesitant professional keeps shut.",
        "share",
    ),
    _c(
        "leaving_base",
        0.4,
        "leaving",
        "Leaving rate factor at zero stress (1 at average stress with leaving_stress).",
        "factor",
    ),
    _c("leaving_stress", 1.2, "leaving", "Leaving rate factor per unit of stress.", "factor"),
    _c(
        "leaving_org_turmoil",
        0.5,
        "leaving",
        "Extra leaving per unit of the organisation's change cost.",
        "factor",
    ),
    _c(
        "unheard_decay",
        0.05,
        "signals_up",
        "Weekly decay of the feeling of being unheard when there is nothing to signal.",
        "per week",
    ),
    _c(
        "unheard_memory",
        0.2,
        "signals_up",
        "Weight of the latest signal's fate in the feeling of being unheard.",
        "per week",
    ),
    _c(
        "learning_per_signal",
        0.01,
        "signals_up",
        "Adaptivity an organisation gains per picked-up signal.",
        "0-1",
    ),
    _c(
        "learning_cap",
        0.2,
        "signals_up",
        "Most adaptivity an organisation can gain from signals.",
        "0-1",
    ),
    _c(
        "learning_room_share",
        0.5,
        "signals_up",
        "Share of learned adaptivity that becomes room to deviate and less rigidity.",
        "share",
    ),
    _c(
        "pilot_per_signal",
        0.2,
        "signals_up",
        "Chance a region starts a pilot on a signal it picks up.",
        "share",
    ),
    _c(
        "pooling_per_signal",
        0.002,
        "signals_up",
        "Pooled share added per picked-up signal at full pooling drive.",
        "share",
    ),
    _c(
        "capacity_per_signal",
        0.005,
        "signals_up",
        "Specialist capacity added per picked-up signal at no pooling drive.",
        "factor",
    ),
    _c(
        "policy_load_decay",
        0.1,
        "policy_load",
        "Share of an organisation's policy load worked off per week.",
        "per week",
    ),
    _c(
        "shift_load",
        0.3,
        "policy_load",
        "Policy load a priority shift lands on every organisation.",
        "0-1",
    ),
    _c(
        "shift_load_change_cost",
        0.3,
        "policy_load",
        "Extra load per unit of an organisation's change cost.",
        "0-1",
    ),
    _c(
        "region_load_decay",
        0.05,
        "policy_load",
        "Share of local government's policy load worked off per week.",
        "per week",
    ),
    _c(
        "shift_region_load",
        0.5,
        "policy_load",
        "Policy load a priority shift lands on local government.",
        "0-1",
    ),
    _c("pilot_need_matching", 0.06, "pilots", "Need matching a running pilot adds.", "0-1"),
    _c(
        "clash_po_stress",
        0.5,
        "clash_po",
        "Stress per unit of clash between a professional and its organisation.",
        "0-1",
    ),
    _c(
        "clash_po_leaving",
        1.0,
        "clash_po",
        "Extra leaving per unit of clash between a professional and its organisation.",
        "factor",
    ),
    _c(
        "clash_rc_load",
        1.0,
        "clash_rc",
        "Extra policy load per priority shift per unit of region-climate clash.",
        "factor",
    ),
    _c(
        "clash_rc_matching",
        0.5,
        "clash_rc",
        "Share of need matching lost per unit of region-climate clash.",
        "share",
    ),
)


def of_mechanism(name: str) -> tuple[str, ...]:
    """The coefficients that belong to mechanism ``name``."""
    return tuple(c.name for c in COEFFICIENTS if c.mechanism == name)


def knocked_out(params):
    """Return ``params`` with the mechanisms named by ``params.knockout`` switched off.

    ``knockout`` names one of the :data:`SWITCHES`, or several joined by "+" when a pattern
    rests on them together. The knock-out bypasses the coefficients' bounds on purpose: zero
    means "this effect is absent", which lies outside the range of readings we defend for a
    working mechanism.
    """
    names = [n for n in params["knockout"].split("+") if n in SWITCHES]
    zeros = {c: 0.0 for n in names for c in of_mechanism(n)}
    return type(params)({**params, **zeros}) if zeros else params
