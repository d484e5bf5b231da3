"""``mpgsim discover DIR``: scenario discovery on the results of ``mpgsim robust``.

For each profile in DIR: in which worlds does coat Y fit better than coat X (by default the
most often best coat and the runner-up)? PRIM boxes, CART rules and feature scores (see
:mod:`experiments.discovery`), each box or rule printed in Dutch and English with its
coverage and density, and saved as ``results/discover.parquet`` and
``results/discover_scores.parquet``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sim.errors import ConfigError

console = Console(stderr=True)
out = Console()


def discover(
    directory: Annotated[Path, typer.Argument(help="Results directory of `mpgsim robust`.")],
    scenario: Annotated[
        str | None, typer.Option(help="Only this profile (default: every one in DIR).")
    ] = None,
    coat_from: Annotated[
        str | None, typer.Option("--from", help="Coat X, e.g. V/B/I/I (default: most often best).")
    ] = None,
    coat_to: Annotated[
        str | None, typer.Option("--to", help="Coat Y (default: the runner-up by P(best)).")
    ] = None,
    boxes: Annotated[int, typer.Option(min=1, max=5, help="PRIM boxes to find.")] = 2,
    density: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Density a PRIM box should reach.")
    ] = 0.8,
    depth: Annotated[int, typer.Option(min=1, max=6, help="Depth of the CART tree.")] = 3,
    top: Annotated[int, typer.Option(min=1, help="Feature scores shown.")] = 8,
) -> None:
    """Scenario discovery: under which readings does the best coat flip from X to Y?"""
    import pandas as pd

    from experiments import discovery, pipeline
    from experiments.store import Store

    store = Store(directory)
    meta = store.meta()
    if meta.get("design_kind") != "robust":
        raise ConfigError("DIR", str(directory), "not a results directory of `mpgsim robust`")
    store.tidy()  # a large store is read in few files, not one per run
    # analysed afresh, as the report does: a saved table may predate runs finished since
    tables = {**store.results(), **pipeline.analyse_robust(store)}
    overrides = meta.get("identity", {}).get("overrides", {})
    summary, regret = tables["robust"], tables["robust_regret"]
    profiles = sorted(summary["scenario"].unique())
    if scenario is not None and scenario not in profiles:
        raise ConfigError("--scenario", scenario, "profiles here: " + ", ".join(profiles))
    rows, scores = [], []
    for name in [scenario] if scenario else profiles:
        coats = discovery.pick_coats(summary[summary.scenario == name], coat_from, coat_to)
        found = discovery.discover(
            regret[regret.scenario == name],
            tables["robust_worlds"],
            overrides.get(name, {}),
            coats,
            boxes,
            density,
            depth,
        )
        _print(name, coats, found, top)
        rows += [{"scenario": name, **f.row()} for f in found["findings"]]
        scores.append(found["scores"].assign(scenario=name))
    store.save_result("discover", pd.DataFrame(rows))
    store.save_result("discover_scores", pd.concat(scores, ignore_index=True))


def _print(name: str, coats: tuple[str, str], found: dict, top: int) -> None:
    from experiments import discovery

    x, y = coats
    cases = found["y"]
    if found["question"] == discovery.FLIP:
        out.print(
            f"[bold]{name}[/bold]: {y} fits better than {x} in {int(cases.sum())} of "
            f"{len(cases)} worlds / {y} past beter dan {x} in {int(cases.sum())} van "
            f"{len(cases)} werelden"
        )
    else:
        out.print(
            f"[bold]{name}[/bold]: {y} never fits better than {x} in these worlds; where does it "
            f"come closest? / {y} past in geen wereld beter dan {x}; waar komt die het dichtst bij?"
        )
    if not found["findings"]:
        out.print("  no box or rule separates these worlds / geen box of regel onderscheidt ze")
    for finding in found["findings"]:
        out.print(f"  EN  {discovery.rule_text(finding, 'en')}")
        out.print(f"  NL  {discovery.rule_text(finding, 'nl')}")
    if not found["scores"].empty:
        out.print("  feature scores (extra trees) / belang van elke invoer:")
        for _, r in found["scores"].head(top).iterrows():
            out.print(f"    {r.score:.3f}  {r.input}")
