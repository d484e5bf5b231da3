"""Names of the domain: life domains, members, case statuses, frames and stagnation causes."""

from __future__ import annotations

from enum import IntEnum

import numpy as np

#: The ten life domains (CCV2019 §2.1), in array order.
DOMAINS = (
    "finances",
    "housing",
    "mental_health",
    "addiction",
    "lvb",
    "parenting",
    "domestic_violence",
    "crime",
    "school_work",
    "nuisance",
)
N_DOMAINS = len(DOMAINS)
D = {name: i for i, name in enumerate(DOMAINS)}

#: Basic needs (VJI-RA: "basis op orde") must be in order before the rest improves durably.
BASIC = np.array([D["finances"], D["housing"]])
#: Domains that call for specialist care (GGZ, addiction care, LVB care) with a waitlist.
SPECIALIST = np.array([D["mental_health"], D["addiction"], D["lvb"]])
#: Safety and nuisance (V&O) domains; the social domain acts on signals, the safety domain on
#: these phenomena (CCV §3.1).
SAFETY = np.array([D["domestic_violence"], D["crime"], D["nuisance"]])
SOCIAL = np.array([i for i in range(N_DOMAINS) if i not in SAFETY])
#: Contra-indications: combinations that standard offers cannot serve (CCV §3.3).
CONTRA_PAIRS = ((D["addiction"], D["lvb"]), (D["mental_health"], D["domestic_violence"]))

#: Household members carried per family; the partner is absent in single-parent families.
MEMBERS = ("parent", "partner", "child")
#: How strongly each member carries each domain relative to the family's mean severity.
MEMBER_WEIGHT = np.array(
    [
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.8],  # parent
        [0.8, 0.8, 0.7, 0.8, 0.7, 0.8, 0.9, 0.8, 0.7, 0.7],  # partner
        [0.3, 0.3, 0.6, 0.3, 0.8, 0.9, 0.5, 0.6, 1.2, 1.1],  # child: school, nuisance, care
    ]
)


class Status(IntEnum):
    """Where a family stands with the system (a case's status)."""

    NOT_IN_VIEW = 0
    SIGNALLED = 1  # known, waiting for intake
    IN_CARE = 2
    PROCESREGIE = 3  # escalated (opgeschaald) to process coordination
    CLOSED = 4


#: Case statuses for the outside world, combining :class:`Status` with the stagnation and
#: return flags (CCV2019 §3.1: signalled, in care, escalated, stagnated, closed, returned).
CASE_STATUSES = (
    "not_in_view",
    "signalled",
    "in_care",
    "escalated",
    "stagnated",
    "closed",
    "returned",
)


class Frame(IntEnum):
    """The frame of intervention: voluntary, drang or dwang.

    *Drang* is a conditional framework (cooperate or face consequences); *dwang* is coercion by
    a court or the public prosecutor (CCV §3.2, §4.2).
    """

    VOLUNTARY = 0
    DRANG = 1
    DWANG = 2


class Cause(IntEnum):
    """Why a case stagnates (CCV §2.1, §4.3)."""

    NONE = 0
    COLLABORATION = 1  # professionals do not come to collaboration
    CLIENT = 2  # the client does not (or cannot) cooperate
    OFFER = 3  # no fitting offer, waitlists
    OVERRULING = 4  # a specialist overrules the joint plan on dossier knowledge alone


class Sector(IntEnum):
    """The domain a professional works in."""

    SOCIAL = 0  # wijkteam, youth care, school/JGZ: acts on signals
    SAFETY = 1  # police, probation: acts on phenomena
    COORDINATION = 2  # procesregisseur, gezinsmanager
