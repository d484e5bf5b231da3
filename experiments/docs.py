"""The generated appendices of docs/ODD.md: parameters, typology traits, outcomes, patterns.

The ODD's body cites parameter names, never copied numbers; the numbers live in appendices
rendered here from the declarations the model itself reads:

- A. parameters by group (:data:`sim.params.PARAMETERS`), the mechanism coefficients grouped by
  mechanism (:data:`sim.coefficients.MECHANISMS`);
- B. typology traits per level (:data:`sim.typology.TRAITS`) with the default value of each
  type (``configs/typologies.toml``);
- C. outcomes (:data:`sim.measures.OUTCOMES`);
- D. the declared patterns (``configs/patterns.toml``): their role and criterion, no results;
- E. the named numeric constants of ``sim/`` (and the validation's drift limit), with the
  reason their comment gives.

Each appendix sits in docs/ODD.md between ``<!-- BEGIN GENERATED: key -->`` and ``<!-- END
GENERATED: key -->``. ``python -m experiments.docs`` rewrites them; ``python -m
experiments.docs --check`` exits 1 when one differs from the code (tests/test_odd.py does the
same in the test suite).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from sim.coefficients import MECHANISMS
from sim.measures import OUTCOMES
from sim.parameter import Parameter
from sim.params import PARAMETERS, TYPES
from sim.typology import TRAITS

ODD_PATH = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"

#: Scenario parameter groups, in the order the appendix shows them, with a heading each.
SCENARIO_GROUPS: Mapping[str, str] = {
    "typology": "Typology: the coat",
    "run": "Run",
    "region": "Region and structure",
    "family": "Families: the mix and their dynamics",
    "professional": "Professionals and positions",
    "organisation": "Organisations",
    "climate": "Political climate (levers)",
    "cost": "Costs that follow the money",
}

BEGIN = "<!-- BEGIN GENERATED: {key} -->"
END = "<!-- END GENERATED: {key} -->"


# --- formatting -------------------------------------------------------------------------------
def number(x) -> str:
    """A number as the appendices show it: whole numbers plain, others to 4 significant digits."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if x.is_integer() and abs(x) < 1e7:
            return str(int(x))
        return f"{x:.4g}"
    return str(x)


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell (pipes escaped, one line)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A Markdown table."""
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def default(p: Parameter) -> str:
    """The default of a parameter in words."""
    return f"`{p.default}`" if p.kind == "choice" else number(p.default)


def bounds(p: Parameter) -> str:
    """The allowed values of a parameter in words."""
    if p.kind == "choice":
        return ", ".join(p.choices or ())
    if p.kind == "bool":
        return "true, false"
    return f"{number(p.low)} – {number(p.high)}"


def source(p: Parameter) -> str:
    """Where the default comes from, with the calibrated range when there is one."""
    if p.plausible is None:
        return p.source
    low, high = p.plausible
    return f"{p.source}; kept range {number(low)} – {number(high)}"


# --- the appendices -----------------------------------------------------------------------------
def parameters_appendix() -> str:
    """Appendix A: scenario parameters by group, then the mechanism coefficients by mechanism."""
    scenario = [p for p in PARAMETERS.values() if p.group != "mechanism"]
    unknown = {p.group for p in scenario} - set(SCENARIO_GROUPS)
    if unknown:
        raise ValueError(f"parameter groups without a heading: {sorted(unknown)}")
    parts = [
        f"{len(PARAMETERS)} parameters: {len(scenario)} scenario parameters in "
        f"{len(SCENARIO_GROUPS)} groups and {len(PARAMETERS) - len(scenario)} mechanism "
        f'coefficients in {len(MECHANISMS)} mechanisms. "SA" marks the default sensitivity '
        'set. Sources are keys of docs/sources.md; "free" means no public figure.',
        "### A.1 Scenario parameters",
    ]
    for group, heading in SCENARIO_GROUPS.items():
        rows = [
            (
                f"`{p.name}`",
                default(p),
                p.unit,
                bounds(p),
                "SA" if p.sensitivity else "",
                source(p),
                p.doc,
            )
            for p in scenario
            if p.group == group
        ]
        if not rows:
            continue
        parts.append(f"**{heading}** (group `{group}`)")
        parts.append(
            table(("parameter", "default", "unit", "bounds", "SA", "source", "meaning"), rows)
        )
    parts.append("### A.2 Mechanism coefficients (group `mechanism`)")
    coefficients = [p for p in PARAMETERS.values() if p.group == "mechanism"]
    sources = sorted({p.source for p in coefficients})
    parts.append(
        "Every coefficient's source is "
        + " or ".join(f'"{s}"' for s in sources)
        + ". Setting `knockout` to a mechanism's name sets all its coefficients to zero."
    )
    for name, doc in MECHANISMS.items():
        mine = [p for p in coefficients if p.mechanism == name]
        parts.append(f"**`{name}`**: {doc}")
        if not mine:
            parts.append("*No coefficients: a knock-out of this mechanism changes nothing.*")
            continue
        rows = [(f"`{p.name}`", default(p), p.unit, bounds(p), p.doc) for p in mine]
        parts.append(table(("coefficient", "default", "unit", "bounds", "meaning"), rows))
    return "\n\n".join(parts)


def typology_appendix(typology=None) -> str:
    """Appendix B: each level's traits, their bounds and meaning, and each type's default."""
    if typology is None:
        from experiments.config import load_typology

        typology = load_typology()
    parts = [
        "Trait values are the defaults of `configs/typologies.toml` (our reading of "
        "CCV2019 §6.4-6.5); bounds and meanings are declared in `sim/typology.py`."
    ]
    for level, traits in TRAITS.items():
        rows = [
            (
                f"`{name}`",
                f"{number(low)} – {number(high)}",
                *(number(typology.trait(level, t, name)) for t in TYPES),
                doc,
            )
            for name, (low, high, doc) in traits.items()
        ]
        parts.append(f"**{level}**")
        parts.append(table(("trait", "bounds", *TYPES, "meaning"), rows))
    return "\n\n".join(parts)


def outcomes_appendix() -> str:
    """Appendix C: every declared outcome with unit, kind, better, level and meaning."""
    rows = [
        (f"`{o.name}`", o.unit, o.kind, o.better or "—", o.level, o.doc) for o in OUTCOMES.values()
    ]
    return "\n\n".join(
        [
            f'{len(OUTCOMES)} outcomes, read once per reported week after the step. "better" is '
            "the direction that is better for families (— when neither is).",
            table(("outcome", "unit", "kind", "better", "level", "meaning"), rows),
        ]
    )


def patterns_appendix(patterns=None) -> str:
    """Appendix D: the declared patterns by role (criteria and sources, never results)."""
    if patterns is None:
        from experiments.validation import load_patterns

        patterns = load_patterns()
    parts = [
        "The patterns of `configs/patterns.toml` as declared: role, criterion, mechanism and "
        "source. Whether they pass is reported by `mpgsim validate` and docs/TRACE.md §8, "
        "not here."
    ]
    for role in ("verification", "calibration", "corroboration"):
        rows = [
            (
                f"`{p.id}`",
                p.description,
                p.kind,
                p.describe_target(),
                f"`{p.mechanism}`" if p.mechanism else "—",
                p.source,
            )
            for p in patterns
            if p.role == role
        ]
        parts.append(f"**{role}**")
        parts.append(
            table(("pattern", "description", "kind", "criterion", "mechanism", "source"), rows)
        )
    return "\n\n".join(parts)


#: Modules whose named numeric constants appendix E lists.
CONSTANT_MODULES = (
    "sim.model",
    "sim.families",
    "sim.workforce",
    "sim.fit",
    "sim.regions",
    "sim.climate",
    "sim.flows",
    "sim.measures",
    "experiments.validation",
)


def _numeric(node: ast.expr) -> bool:
    """Whether ``node`` is a number written in the code (a literal or arithmetic on literals)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return _numeric(node.operand)
    if isinstance(node, ast.BinOp):
        return _numeric(node.left) and _numeric(node.right)
    return False


def named_constants(module_name: str) -> list[tuple[str, object, str]]:
    """Module-level UPPER_CASE numbers of a module: (name, value, reason from its comment)."""
    module = importlib.import_module(module_name)
    source = Path(module.__file__).read_text(encoding="utf-8")
    lines = source.splitlines()
    out = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Name) and target.id.isupper() and _numeric(node.value)):
            continue
        line = lines[node.lineno - 1]
        reason = line.split("#", 1)[1].strip() if "#" in line else ""
        if not reason:
            reason = _comment_above(lines, node.lineno - 1)
        out.append((target.id, getattr(module, target.id), reason))
    return out


def _comment_above(lines: list[str], index: int) -> str:
    """The ``#:`` comment block right above line ``index`` (0-based), joined into one text."""
    block = []
    while index > 0 and lines[index - 1].strip().startswith("#:"):
        index -= 1
        block.insert(0, lines[index].strip()[2:].strip())
    return " ".join(block)


def constants_appendix() -> str:
    """Appendix E: the named constants the body may quote, with their value and reason."""
    rows = [
        (f"`{name}`", number(value), f"`{module}`", reason or "(no reason given)")
        for module in CONSTANT_MODULES
        for name, value, reason in named_constants(module)
    ]
    return "\n\n".join(
        [
            "Numbers in the rules that are not parameters: each is a named constant with the "
            "reason its comment gives. Changing one changes the model.",
            table(("constant", "value", "module", "reason"), rows),
        ]
    )


#: Each generated section of docs/ODD.md and the function that renders it.
APPENDICES: Mapping[str, Callable[[], str]] = {
    "parameters": parameters_appendix,
    "typology": typology_appendix,
    "outcomes": outcomes_appendix,
    "patterns": patterns_appendix,
    "constants": constants_appendix,
}


def _section(key: str) -> re.Pattern:
    begin, end = re.escape(BEGIN.format(key=key)), re.escape(END.format(key=key))
    return re.compile(f"{begin}\n(.*?)\n?{end}", re.DOTALL)


def generated(text: str) -> dict[str, str | None]:
    """The generated sections found in ``text`` (None for a missing one)."""
    out: dict[str, str | None] = {}
    for key in APPENDICES:
        found = _section(key).search(text)
        out[key] = found.group(1) if found else None
    return out


def body(text: str) -> str:
    """``text`` with the generated sections taken out: what the authors wrote."""
    for key in APPENDICES:
        text = _section(key).sub("", text)
    return text


def stale(text: str) -> list[str]:
    """Keys of the generated sections that are missing or differ from what the code renders."""
    found = generated(text)
    return [key for key, render in APPENDICES.items() if found[key] != render()]


def regenerate(text: str) -> str:
    """``text`` with every generated section rendered anew (the markers must exist)."""
    for key, render in APPENDICES.items():
        pattern = _section(key)
        if not pattern.search(text):
            raise ValueError(f"docs/ODD.md has no section {BEGIN.format(key=key)}")
        block = f"{BEGIN.format(key=key)}\n{render()}\n{END.format(key=key)}"
        text = pattern.sub(lambda _m, block=block: block, text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated appendices of docs/ODD.md, or check them (``--check``)."""
    parser = argparse.ArgumentParser(prog="python -m experiments.docs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when an appendix is stale")
    parser.add_argument("--path", type=Path, default=ODD_PATH, help="the ODD to update")
    args = parser.parse_args(argv)
    text = args.path.read_text(encoding="utf-8")
    if args.check:
        out = stale(text)
        if out:
            print(f"stale appendices in {args.path}: {', '.join(out)}", file=sys.stderr)
            print("regenerate with: python -m experiments.docs", file=sys.stderr)
            return 1
        print(f"{args.path}: appendices up to date")
        return 0
    new = regenerate(text)
    if new != text:
        args.path.write_text(new, encoding="utf-8")
        print(f"{args.path}: appendices regenerated")
    else:
        print(f"{args.path}: appendices already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
