"""``mpgsim report DIR``: one self-contained HTML file (plotly.js inline, no CDN).

For a kwadrant sweep: per scenario and key outcome a 9x9 heatmap of all 81 coats (professional
x organisation against region x climate) and the six 3x3 pair maps with the other two levels
averaged, plus the best-coat table. For Sobol: first-order and total indices with their
bootstrap CIs and the convergence plot; for Morris: mu* with CIs and mu* against sigma.
"""

from __future__ import annotations

import html
import itertools
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from experiments import kwadrant, pipeline
from experiments.store import Store
from sim.errors import ConfigError
from sim.params import TYPES

_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}"
    "table{border-collapse:collapse;font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 6px}"
)


def write_report(store: Store, output: str | Path | None = None) -> Path:
    """Write the report of ``store`` to ``output`` (default ``DIR/report.html``)."""
    meta = store.meta()
    kind = meta.get("design_kind")
    if kind is None:
        raise ConfigError("DIR", str(store.root), "no design.parquet here; not a results store")
    sections = [_header(store, meta)]
    if kind == "kwadrant":
        sections += _kwadrant(store)
    else:
        sections += _sensitivity(store, kind)
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


def _fig(fig: go.Figure) -> str:
    return pio.to_html(fig, full_html=False, include_plotlyjs=False)


def _header(store: Store, meta: dict) -> str:
    counts = store.status()
    items = "".join(f"<li>{k}: {v}</li>" for k, v in counts.items())
    ident = html.escape(str(meta.get("identity", {})))
    return f"<p>Model version {html.escape(str(meta.get('version')))}</p><ul>{items}</ul>" + (
        f"<details><summary>design</summary><pre>{ident}</pre></details>"
    )


# --- kwadrant ------------------------------------------------------------------------------


def _kwadrant(store: Store) -> list[str]:
    tables = pipeline.load_results(store.root)
    if "kwadrant_cells" not in tables:
        tables = pipeline.analyse_kwadrant(store)
    cells = tables["kwadrant_cells"]
    shown = [o for o in kwadrant.KEY_OUTCOMES if o in set(cells.outcome)]
    out = []
    for scenario, group in cells.groupby("scenario"):
        out.append(f"<h2>Scenario {html.escape(str(scenario))}</h2>")
        for outcome in shown:
            one = group[group.outcome == outcome]
            out.append(f"<h3>{outcome} ({kwadrant.better(outcome)} is better)</h3>")
            out += [_fig(full_heatmap(one, outcome)), _fig(pair_heatmaps(one, outcome))]
    best = tables["kwadrant_best"].copy()
    best["coat"] = best.apply(kwadrant.coat_label, axis=1)
    cols = [
        "scenario",
        "outcome",
        "better",
        "coat",
        "mean",
        "ci95",
        "runner_up",
        "lead",
        "lead_ci95",
        "sure",
        "tied",
    ]
    out.append("<h2>Best-fitting coat per outcome and family profile</h2>")
    out.append(
        "<p>sure: the lead over the runner-up exceeds the 95% CI of the paired "
        "difference (same seeds per replication). tied: how many coats, the best included, "
        "lie within the paired 95% CI of the best: they fit about as well.</p>"
    )
    out.append(
        best[[c for c in cols if c in best.columns]].to_html(
            index=False, float_format=lambda v: f"{v:.4g}"
        )
    )
    return out


def full_heatmap(cells: pd.DataFrame, outcome: str) -> go.Figure:
    """All 81 coats: professional x organisation (rows) against region x climate (columns)."""
    rows = [f"{a[0].upper()}/{b[0].upper()}" for a, b in itertools.product(TYPES, TYPES)]
    frame = (
        cells.assign(
            row=cells.professional_type.str[0].str.upper()
            + "/"
            + cells.organisation_type.str[0].str.upper(),
            col=cells.region_type.str[0].str.upper()
            + "/"
            + cells.political_climate_type.str[0].str.upper(),
        )
        .pivot_table(index="row", columns="col", values="mean")
        .reindex(index=rows, columns=rows)
    )
    fig = go.Figure(
        go.Heatmap(
            z=frame.values, x=rows, y=rows, colorscale=_scale(outcome), colorbar={"title": outcome}
        )
    )
    fig.update_layout(
        title=f"{outcome}: all 81 coats",
        height=520,
        width=620,
        xaxis_title="region / climate",
        yaxis_title="professional / organisation",
    )
    return fig


def pair_heatmaps(cells: pd.DataFrame, outcome: str) -> go.Figure:
    """The six two-level maps (3x3), each averaged over the other two levels."""
    pairs = list(itertools.combinations(kwadrant.FACTORS, 2))
    fig = make_subplots(
        rows=2,
        cols=3,
        subplot_titles=[f"{a.removesuffix('_type')} x {b.removesuffix('_type')}" for a, b in pairs],
    )
    for i, (a, b) in enumerate(pairs):
        grid = cells.pivot_table(index=a, columns=b, values="mean", aggfunc="mean")
        grid = grid.reindex(index=list(TYPES), columns=list(TYPES))
        fig.add_trace(
            go.Heatmap(
                z=grid.values,
                x=list(TYPES),
                y=list(TYPES),
                colorscale=_scale(outcome),
                coloraxis="coloraxis",
            ),
            row=i // 3 + 1,
            col=i % 3 + 1,
        )
    fig.update_layout(
        title=f"{outcome}: two levels against each other, the rest averaged",
        height=600,
        coloraxis={"colorscale": _scale(outcome)},
    )
    return fig


def _scale(outcome: str) -> str:
    # Green is always "better", whichever direction the outcome runs.
    return "RdYlGn" if kwadrant.better(outcome) == "higher" else "RdYlGn_r"


# --- sensitivity ---------------------------------------------------------------------------


def _sensitivity(store: Store, kind: str) -> list[str]:
    tables = pipeline.load_results(store.root)
    if kind not in tables:
        raise ConfigError(
            "DIR",
            str(store.root),
            f"no {kind} results yet; finish the sensitivity command first (rerun it to resume)",
        )
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
            out.append(_fig(sobol_bars(group, outcome)))
            conv = tables["sobol_convergence"]
            out.append(_fig(convergence_plot(conv[conv.outcome == outcome], outcome)))
        else:
            out += [_fig(morris_bars(group, outcome)), _fig(morris_scatter(group, outcome))]
        out.append(group.to_html(index=False, float_format=lambda v: f"{v:.4g}"))
    return out


def sobol_bars(indices: pd.DataFrame, outcome: str) -> go.Figure:
    """First-order and total Sobol indices with their bootstrap 95% CIs."""
    ordered = indices.sort_values("ST", ascending=False)
    fig = go.Figure()
    for key, name in (("S1", "first order S1"), ("ST", "total ST")):
        fig.add_trace(
            go.Bar(
                x=ordered.parameter,
                y=ordered[key],
                name=name,
                error_y={"type": "data", "array": ordered[f"{key}_conf"]},
            )
        )
    fig.update_layout(
        title=f"Sobol indices of {outcome} (N={int(indices.n.iloc[0])})",
        barmode="group",
        yaxis_title="index",
        height=450,
    )
    return fig


def convergence_plot(conv: pd.DataFrame, outcome: str) -> go.Figure:
    """Total indices (with CIs) against the base sample size N of nested prefixes."""
    fig = go.Figure()
    for parameter, group in conv.groupby("parameter"):
        fig.add_trace(
            go.Scatter(
                x=group.n,
                y=group.ST,
                name=parameter,
                mode="lines+markers",
                error_y={"type": "data", "array": group.ST_conf},
            )
        )
    fig.update_layout(
        title=f"Convergence of ST for {outcome}",
        xaxis_type="log",
        xaxis_title="N (base sample size)",
        yaxis_title="ST",
        height=450,
    )
    return fig


def morris_bars(indices: pd.DataFrame, outcome: str) -> go.Figure:
    """Morris mu* with its bootstrap 95% CI, largest first."""
    ordered = indices.sort_values("mu_star", ascending=False)
    fig = go.Figure(
        go.Bar(
            x=ordered.parameter,
            y=ordered.mu_star,
            error_y={"type": "data", "array": ordered.mu_star_conf},
        )
    )
    fig.update_layout(title=f"Morris mu* of {outcome}", yaxis_title="mu*", height=450)
    return fig


def morris_scatter(indices: pd.DataFrame, outcome: str) -> go.Figure:
    """mu* against sigma: high sigma means interactions or non-linearity."""
    fig = go.Figure(
        go.Scatter(
            x=indices.mu_star,
            y=indices.sigma,
            text=indices.parameter,
            mode="markers+text",
            textposition="top center",
        )
    )
    fig.update_layout(
        title=f"Morris mu* vs sigma ({outcome})", xaxis_title="mu*", yaxis_title="sigma", height=450
    )
    return fig
