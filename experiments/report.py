"""``mpgsim report DIR``: one self-contained HTML file (plotly.js inline, no CDN).

The report always analyses the runs as they are now (never a saved table that may be older),
and says so when the design is not finished. For a kwadrant sweep: per scenario and key
outcome a 9x9 heatmap of all 81 coats, the six 3x3 pair maps and a fan chart of the best and
the worst coat over time, plus the best-coat table. For an own design (grid, csv, lhs): the
mean and CI per design point and fan charts per point. For Sobol: first-order and total
indices with bootstrap CIs and the convergence plot; for Morris: mu* and mu* against sigma.
For a robust design: per profile P(best) per coat, the regret over the worlds, the trade-off
between minimax regret and satisficing, and the PRIM boxes and CART rules of the flip from
the most often best coat to the runner-up.
The figures come from :mod:`experiments.figures`.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from experiments import figures, kwadrant, pipeline
from experiments.design import varied_columns
from experiments.store import Store
from experiments.summary import quantiles_over_time
from experiments.timeline import event_marks
from sim.errors import ConfigError

_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}"
    "table{border-collapse:collapse;font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 6px}"
    ".warn{background:#fff3cd;padding:0.5em 1em;border-left:4px solid #d39e00}"
)
#: Fan charts are drawn per design point for designs up to this many points.
MAX_FAN_POINTS = 12


def write_report(store: Store, output: str | Path | None = None) -> Path:
    """Write the report of ``store`` to ``output`` (default ``DIR/report.html``)."""
    meta = store.meta()
    kind = meta.get("design_kind")
    if kind is None:
        raise ConfigError("DIR", str(store.root), "no design.parquet here; not a results store")
    tables = pipeline.analyse(store)
    sections = [_header(store, meta)]
    if kind == "kwadrant":
        sections += _kwadrant(store, tables)
    elif kind in pipeline.POINT_KINDS:
        sections += _points(store, tables["points"])
    elif kind == "robust":
        sections += _robust(store, tables)
    else:
        sections += _sensitivity(tables, kind)
    path = Path(output) if output else store.root / "report.html"
    path.write_text(_page(f"mpgsim {kind}: {store.root.name}", sections), encoding="utf-8")
    return path


def _page(title: str, sections: list[str]) -> str:
    # plotly.js goes in once, inline, before the first figure: the file works offline.
    js = f"<script type='text/javascript'>{get_plotlyjs()}</script>"
    body = "\n".join(sections)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style>{js}</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def _fig(fig) -> str:
    return pio.to_html(fig, full_html=False, include_plotlyjs=False)


def _header(store: Store, meta: dict) -> str:
    counts = store.status()
    items = "".join(f"<li>{k.replace('_', ' ')}: {v}</li>" for k, v in counts.items())
    ident = html.escape(str(meta.get("identity", {})))
    warn = ""
    if counts["remaining"] or counts["failed"]:
        warn = (
            f"<p class='warn'>{counts['remaining']} runs have no result yet and "
            f"{counts['failed']} failed: this report covers the {counts['done']} finished "
            "runs only. Rerun the experiment's command to complete it.</p>"
        )
    return (
        f"<p>Model version {html.escape(str(meta.get('version')))}</p>{warn}<ul>{items}</ul>"
        f"<details><summary>design</summary><pre>{ident}</pre></details>"
    )


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="n/a")


# --- kwadrant ------------------------------------------------------------------------------


def _kwadrant(store: Store, tables: dict[str, pd.DataFrame]) -> list[str]:
    cells, best = tables["kwadrant_cells"], tables["kwadrant_best"]
    runs = store.runs()
    shown = [o for o in kwadrant.KEY_OUTCOMES if o in set(cells.outcome)]
    out = []
    for scenario, group in cells.groupby("scenario"):
        out.append(f"<h2>Scenario {html.escape(str(scenario))}</h2>")
        for outcome in shown:
            one = group[group.outcome == outcome]
            direction = kwadrant.better(outcome)
            said = f"{direction} is better" if direction else "no better direction"
            out.append(f"<h3>{outcome} ({said})</h3>")
            out += [
                _fig(figures.full_heatmap(one, outcome)),
                _fig(figures.pair_heatmaps(one, outcome)),
            ]
            out.append(_fig(_extreme_fans(store, runs[runs.scenario == scenario], one, outcome)))
    best = best.copy()
    best["coat"] = best.apply(kwadrant.coat_label, axis=1)
    cols = ["scenario", "outcome", "better", "coat", "mean", "ci95", "runner_up", "lead"]
    cols += ["lead_ci95", "sure", "tied"]
    out.append("<h2>Best-fitting coat per outcome and family profile</h2>")
    out.append(
        "<p>Only outcomes with a better direction have a best coat. sure: the lead over the "
        "runner-up exceeds the 95% CI of the paired difference (same seeds per replication). "
        "tied: how many coats, the best included, lie within the paired 95% CI of the best: "
        "they fit about as well (n/a with one replication).</p>"
    )
    out.append(_table(best[[c for c in cols if c in best.columns]]))
    return out


def _extreme_fans(store: Store, runs: pd.DataFrame, cells: pd.DataFrame, outcome: str):
    """Fan chart of the best and the worst coat (highest and lowest without a direction)."""
    ranked = cells.dropna(subset=["mean"]).sort_values("mean", kind="stable")
    if kwadrant.better(outcome) == "higher":
        ranked = ranked.iloc[::-1]
    ends = {"best": ranked.iloc[0], "worst": ranked.iloc[-1]}
    if not kwadrant.better(outcome):
        ends = {"lowest": ranked.iloc[0], "highest": ranked.iloc[-1]}
    groups = {}
    for name, cell in ends.items():
        match = (runs[list(kwadrant.FACTORS)] == cell[list(kwadrant.FACTORS)].values).all(axis=1)
        groups[f"{name} {kwadrant.coat_label(cell, True)}"] = list(runs.run_id[match])
    weekly = store.weekly([i for ids in groups.values() for i in ids], [outcome])
    title = f"{outcome} over time: {' and '.join(ends)} coat across replications"
    marks = _marks(runs[runs.run_id.isin(weekly.run_id)])
    return figures.fan_chart(quantiles_over_time(weekly, outcome, groups), outcome, title, marks)


def _marks(runs: pd.DataFrame) -> dict[int, str]:
    """The policy events of these runs, to mark on charts over time (none in older stores)."""
    return event_marks(runs.events.dropna().unique()) if "events" in runs else {}


# --- own designs ---------------------------------------------------------------------------


def _points(store: Store, points: pd.DataFrame) -> list[str]:
    runs = store.runs()
    varied = varied_columns(store.design())
    shown = [o for o in kwadrant.KEY_OUTCOMES if o in set(points.outcome)]
    shown = shown or list(dict.fromkeys(points.outcome))[:6]
    out = ["<h2>Mean and 95% CI per design point</h2>"]
    wide = points[points.outcome.isin(shown)]
    out.append(_table(wide))
    labels = runs.drop_duplicates(["scenario", "sample_row"])
    if len(labels) > MAX_FAN_POINTS:
        out.append(f"<p>{len(labels)} design points: fan charts only up to {MAX_FAN_POINTS}.</p>")
        return out
    groups = {}
    for _, row in labels.iterrows():
        label = ", ".join(f"{v}={row[v]}" for v in varied)
        ids = runs.run_id[(runs.scenario == row.scenario) & (runs.sample_row == row.sample_row)]
        groups[f"{row.scenario}: {label}"] = list(ids)
    weekly = store.weekly([i for ids in groups.values() for i in ids], shown)
    out.append("<h2>Outcomes over time across replications</h2>")
    marks = _marks(runs[runs.run_id.isin(weekly.run_id)])
    for outcome in shown:
        fans = quantiles_over_time(weekly, outcome, groups)
        out.append(_fig(figures.fan_chart(fans, outcome, events=marks)))
    return out


# --- robust coats --------------------------------------------------------------------------


def _robust(store: Store, tables: dict[str, pd.DataFrame]) -> list[str]:
    from experiments import discovery

    summary, choice, regret = tables["robust"], tables["robust_choice"], tables["robust_regret"]
    worlds = store.results().get("robust_worlds")
    overrides = store.meta().get("identity", {}).get("overrides", {})
    out = [
        "<h2>Robustness: how sure is the best coat?</h2>",
        "<p>Each profile ran all 81 coats in every plausible world (one reading of the "
        "typology traits, mechanism coefficients and free parameters; same seeds for every "
        "coat). P(best): the share of worlds where the coat is best (a shared best is split). "
        "P(within CI): the coat cannot be told from the world's best (paired 95% CI). Regret: "
        "how far the coat falls short of the world's best. docs/robustness.md explains the "
        "method and its limits.</p>",
    ]
    for _, pick in choice.iterrows():
        name = str(pick.scenario)
        mine = summary[summary.scenario == name]
        out.append(f"<h3>{html.escape(name)} ({pick.outcome}, {pick.worlds} worlds)</h3>")
        out.append(f"<p>{html.escape(_sure_sentence(mine))}</p>")
        out.append(f"<p>{html.escape(pick.why_en)}</p><p lang='nl'>{html.escape(pick.why_nl)}</p>")
        out.append(_fig(figures.p_best_bars(mine, f"{name}: P(best) per coat")))
        top = list(mine.head(6).coat)
        for extra in (pick.minimax, pick.satisficing):
            if extra not in top:
                top.append(extra)
        regret_of = regret[regret.scenario == name]
        out.append(_fig(figures.regret_boxes(regret_of, top, f"{name}: regret over the worlds")))
        out.append(_fig(figures.robustness_tradeoff(mine, f"{name}: minimax vs satisficing")))
        cols = ["coat", "p_best", "p_within_ci", "p_satisficing", "regret_median", "regret_p90"]
        out.append(_table(mine[[*cols, "regret_max"]].head(15)))
        if worlds is not None and mine["p_best"].gt(0).sum() > 1:
            out += _discovery(discovery, regret_of, worlds, overrides.get(name, {}), mine, name)
    return out


def _sure_sentence(summary: pd.DataFrame) -> str:
    ranked = summary.sort_values(["p_best", "regret_median"], ascending=[False, True])
    first, second = ranked.iloc[0], ranked.iloc[1]
    return (
        f"Best in {first.p_best:.0%} of the plausible readings: {first.coat}; "
        f"{second.coat} in {second.p_best:.0%}. Worlds with a shared best: {int(first.ties)}."
    )


def _discovery(discovery, regret, worlds, overrides, summary, name) -> list[str]:
    coats = discovery.pick_coats(summary, None, None)
    found = discovery.discover(regret, worlds, overrides, coats)
    rows = pd.DataFrame([f.row() for f in found["findings"]])
    out = [f"<h4>When does {coats[0]} flip to {coats[1]}? (PRIM, CART)</h4>"]
    if rows.empty:
        return [*out, "<p>No box or rule separates the worlds.</p>"]
    out.append(_table(rows[["method", "rule_en", "rule_nl", "coverage", "density"]]))
    out.append(_fig(figures.discovery_tradeoff(rows, f"{name}: coverage and density")))
    if not found["scores"].empty:
        out.append("<p>Feature scores (extra trees), highest first:</p>")
        out.append(_table(found["scores"].head(10)))
    return out


# --- sensitivity ---------------------------------------------------------------------------


def _sensitivity(tables: dict[str, pd.DataFrame], kind: str) -> list[str]:
    out = []
    for outcome, group in tables[kind].groupby("outcome"):
        out.append(f"<h2>{html.escape(str(outcome))}</h2>")
        noise = group.noise_share.iloc[0]
        # with one replication per row the noise cannot be separated from the signal
        noise_text = "not measured (one replication)" if pd.isna(noise) else f"{noise:.3g}"
        out.append(
            f"<p>replications per sample row: {int(group.reps.iloc[0])}; noise share: "
            f"{noise_text}</p>"
        )
        if kind == "sobol":
            out.append(_fig(figures.sobol_bars(group, outcome)))
            conv = tables["sobol_convergence"]
            out.append(_fig(figures.convergence_plot(conv[conv.outcome == outcome], outcome)))
        else:
            out.append(_fig(figures.morris_bars(group, outcome)))
            out.append(_fig(figures.morris_scatter(group, outcome)))
        out.append(_table(group))
    return out
