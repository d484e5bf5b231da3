"""Locale catalogs (Dutch default, English switch) and the ``t(key, lang)`` helper.

Strings live in ``locales/nl.json`` and ``locales/en.json``, one flat key per string, the way
the Energy Transition Model keeps a text per slider. A key missing in English falls back to
Dutch, and a key missing in both shows the key itself, so a gap is visible but never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"
_DIR = Path(__file__).with_name("locales")


@cache
def catalog(lang: str) -> Mapping[str, str]:
    """Return the catalog of ``lang`` (read once per process)."""
    return json.loads((_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def clean_lang(value: object) -> str:
    """Map any untrusted value to a supported language (Dutch when unknown)."""
    return value if isinstance(value, str) and value in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` from ``fmt``."""
    lang = clean_lang(lang)
    text = catalog(lang).get(key) or catalog(DEFAULT_LANG).get(key) or key
    return text.format(**fmt) if fmt else text


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    """Tell whether ``key`` is translated in ``lang``."""
    return key in catalog(clean_lang(lang))
