"""Workshop rooms: a trainer opens one, participants join with a short code and vote a coat.

Rooms live in the shared diskcache (every server worker sees them), expire after
:data:`ROOM_TTL`, and are bounded: at most :data:`MAX_ROOMS` open rooms and
:data:`MAX_VOTERS` voters per room. A vote is keyed by the participant's own id, so voting
again replaces the earlier vote: every participant counts exactly once. Changes go through a
diskcache transaction, so simultaneous votes never overwrite each other.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import diskcache

from sim.params import TYPES
from sim.typology import LEVELS

ROOM_TTL = 6 * 3600
MAX_ROOMS = 50
MAX_VOTERS = 300
#: no 0/O, 1/I/L: a code read from a projector is typed without doubt
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5
_INDEX = "rooms:open"


class RoomError(Exception):
    """A room action that cannot be done; ``key`` names the catalog message."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Tally:
    """The votes of a room: count, per level how many chose each type, the popular coat."""

    voters: int
    per_level: dict[str, dict[str, int]]
    popular: tuple[str, ...] | None
    popular_votes: int


def is_code(value: Any) -> bool:
    """Tell whether an untrusted value looks like a room code."""
    return (
        isinstance(value, str) and len(value) == CODE_LENGTH and all(c in ALPHABET for c in value)
    )


def clean_coat(values: Any) -> tuple[str, ...]:
    """Four types, one per level, or RoomError."""
    if not isinstance(values, list | tuple) or len(values) != len(LEVELS):
        raise RoomError("room.error.coat")
    if not all(v in TYPES for v in values):
        raise RoomError("room.error.coat")
    return tuple(values)


class Rooms:
    """The open rooms, in a diskcache shared by all server workers."""

    def __init__(self, cache: diskcache.Cache):
        self.cache = cache

    def _key(self, code: str) -> str:
        return f"room:{code}"

    def _open_codes(self) -> list[str]:
        codes = self.cache.get(_INDEX, [])
        return [c for c in codes if self._key(c) in self.cache]

    def open(self, case: str) -> tuple[str, str]:
        """Open a room for ``case``; return its code and the trainer's secret token."""
        with self.cache.transact(retry=True):
            codes = self._open_codes()
            if len(codes) >= MAX_ROOMS:
                raise RoomError("room.error.full_server")
            code = self._new_code(codes)
            token = secrets.token_hex(16)
            room = {"case": case, "token": token, "votes": {}, "revealed": None}
            room["created"] = time.time()
            self.cache.set(self._key(code), room, expire=ROOM_TTL)
            self.cache.set(_INDEX, [*codes, code], expire=ROOM_TTL)
        return code, token

    def _new_code(self, taken: list[str]) -> str:
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            if code not in taken:
                return code

    def get(self, code: Any) -> dict | None:
        """The room with ``code`` (None when unknown, expired or not a code)."""
        return self.cache.get(self._key(code)) if is_code(code) else None

    def vote(self, code: Any, voter: Any, coat: Any) -> None:
        """Record ``voter``'s coat (replacing an earlier vote of the same voter)."""
        coat = clean_coat(coat)
        if not (isinstance(voter, str) and 8 <= len(voter) <= 64 and voter.isalnum()):
            raise RoomError("room.error.voter")
        with self.cache.transact(retry=True):
            room = self.get(code)
            if room is None:
                raise RoomError("room.error.unknown")
            if room["revealed"] is not None:
                raise RoomError("room.error.closed")
            if voter not in room["votes"] and len(room["votes"]) >= MAX_VOTERS:
                raise RoomError("room.error.full")
            room["votes"][voter] = coat
            self.cache.set(self._key(code), room, expire=ROOM_TTL)

    def reveal(self, code: Any, token: Any, result: dict) -> None:
        """Close voting and store what the trainer revealed (only with the trainer's token)."""
        with self.cache.transact(retry=True):
            room = self.get(code)
            if room is None:
                raise RoomError("room.error.unknown")
            if not (isinstance(token, str) and secrets.compare_digest(token, room["token"])):
                raise RoomError("room.error.not_trainer")
            room["revealed"] = result
            self.cache.set(self._key(code), room, expire=ROOM_TTL)

    def tally(self, code: Any) -> Tally | None:
        """Count the votes of a room."""
        room = self.get(code)
        if room is None:
            return None
        votes = list(room["votes"].values())
        per_level = {
            level: {ty: sum(v[i] == ty for v in votes) for ty in TYPES}
            for i, level in enumerate(LEVELS)
        }
        if not votes:
            return Tally(0, per_level, None, 0)
        # the most votes; among equals the first coat in a fixed order, so every screen agrees
        counts = Counter(votes)
        top = max(counts.values())
        popular = min(c for c, n in counts.items() if n == top)
        return Tally(len(votes), per_level, popular, top)
