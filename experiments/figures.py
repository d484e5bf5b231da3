"""The figures of the HTML report and the dashboard (plotly), one definition of each.

Heatmaps of the kwadrant's 81 coats, Sobol and Morris indices, and fan charts: an outcome
over time across replications (median, 50% and 90% bands) for a few coats or design points.
Every function takes a tidy table and returns a ``plotly.graph_objects.Figure``; none reads a
store or a file.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.measures import OUTCOMES
from sim.params import TYPES
from sim.typology import LEVELS

FACTORS = tuple(f"{level}_type" for level in LEVELS)
#: Fan bands: (low, high) quantiles, outermost first.
BANDS = ((0.05, 0.95), (0.25, 0.75))
_COLOURS = ("31,119,180", "214,39,40", "44,160,44", "148,103,189", "255,127,14", "140,86,75")


def fan_chart(
    quantiles: pd.DataFrame,
    outcome: str,
    title: str | None = None,
    events: Mapping[int, str] | None = None,
) -> go.Figure:
    """An outcome over time across replications: per group the median and 50%/90% bands.

    Args:
        quantiles: as :func:`experiments.summary.quantiles_over_time` returns it: columns
            ``group``, ``week``, ``n`` and ``q05``, ``q25``, ``q50``, ``q75``, ``q95``.
        outcome: the outcome's name (axis title, unit).
        title: figure title; default names the outcome.
        events: policy events to mark, week -> label (see
            :func:`experiments.timeline.event_marks`): a dotted vertical line each.
    """
    fig = go.Figure()
    unit = OUTCOMES[outcome].unit if outcome in OUTCOMES else ""
    for i, (group, g) in enumerate(quantiles.groupby("group", sort=False)):
        rgb = _COLOURS[i % len(_COLOURS)]
        for (low, high), alpha in zip(BANDS, (0.15, 0.3), strict=True):
            upper, lower = g[_q(high)], g[_q(low)]
            fig.add_trace(
                go.Scatter(
                    x=[*g.week, *g.week[::-1]],
                    y=[*upper, *lower[::-1]],
                    fill="toself",
                    fillcolor=f"rgba({rgb},{alpha})",
                    line={"width": 0},
                    hoverinfo="skip",
                    name=f"{group}: {int(low * 100)}-{int(high * 100)}%",
                    legendgroup=str(group),
                    showlegend=False,
                )
            )
        n = int(g["n"].max())
        fig.add_trace(
            go.Scatter(
                x=g.week,
                y=g[_q(0.5)],
                line={"color": f"rgb({rgb})"},
                name=f"{group} (median of {n})",
                legendgroup=str(group),
            )
        )
    fig.update_layout(
        title=title or f"{outcome} over time across replications (median, 50% and 90% bands)",
        xaxis_title="reported week",
        yaxis_title=f"{outcome} ({unit})" if unit else outcome,
        height=420,
    )
    for week, label in sorted((events or {}).items()):
        fig.add_vline(
            x=week,
            line={"dash": "dot", "color": "grey", "width": 1},
            annotation={"text": label, "textangle": -90, "font": {"size": 10}},
            annotation_position="top left",
        )
    return fig


def _q(level: float) -> str:
    return f"q{round(level * 100):02d}"


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
    pairs = list(itertools.combinations(FACTORS, 2))
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
    # Green is always "better", whichever direction the outcome runs; neutral when neither.
    direction = OUTCOMES[outcome].better if outcome in OUTCOMES else None
    return {"higher": "RdYlGn", "lower": "RdYlGn_r"}.get(direction, "Viridis")


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


#: Morris bars show at most this many inputs (``--params all`` screens 300 and more).
MORRIS_TOP = 40


def morris_bars(indices: pd.DataFrame, outcome: str, top: int = MORRIS_TOP) -> go.Figure:
    """Morris mu* with its bootstrap 95% CI, largest first (the ``top`` largest)."""
    ordered = indices.sort_values("mu_star", ascending=False).head(top)
    fig = go.Figure(
        go.Bar(
            x=ordered.parameter,
            y=ordered.mu_star,
            error_y={"type": "data", "array": ordered.mu_star_conf},
        )
    )
    shown = f"the {top} largest of {len(indices)}" if len(indices) > top else "all inputs"
    fig.update_layout(title=f"Morris mu* of {outcome} ({shown})", yaxis_title="mu*", height=450)
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


# --- robust coats --------------------------------------------------------------------------


def p_best_bars(summary: pd.DataFrame, title: str, top: int = 15) -> go.Figure:
    """P(best) and P(within the CI of the best) of a profile's most often best coats."""
    ranked = summary.sort_values(["p_best", "regret_median"], ascending=[False, True]).head(top)
    fig = go.Figure(
        [
            go.Bar(x=ranked.coat, y=ranked.p_best, name="P(best)"),
            go.Bar(x=ranked.coat, y=ranked.p_within_ci, name="P(within CI of the best)"),
        ]
    )
    fig.update_layout(
        title=title, yaxis_title="share of worlds", yaxis_tickformat=".0%", height=420
    )
    return fig


def regret_boxes(regret: pd.DataFrame, coats: list[str], title: str) -> go.Figure:
    """The regret of ``coats`` over the worlds: one box per coat (0 = the world's best)."""
    fig = go.Figure(
        [
            go.Box(y=regret.loc[regret.coat == coat, "regret"], name=coat, boxpoints="all")
            for coat in coats
        ]
    )
    fig.update_layout(title=title, yaxis_title="regret (shortfall from the best)", height=420)
    return fig


def robustness_tradeoff(summary: pd.DataFrame, title: str, label_top: int = 8) -> go.Figure:
    """Every coat's worst regret against how often it satisfices: the two criteria's trade-off.

    Minimax regret looks left (small worst regret), satisficing looks up (often good enough);
    coats on the upper left frontier are robust under both.
    """
    ranked = summary.sort_values(["p_best", "regret_median"], ascending=[False, True])
    labels = [c if i < label_top else "" for i, c in enumerate(ranked.coat)]
    fig = go.Figure(
        go.Scatter(
            x=ranked.regret_max,
            y=ranked.p_satisficing,
            text=labels,
            hovertext=ranked.coat,
            mode="markers+text",
            textposition="top center",
            marker={"size": 6 + 30 * ranked.p_best, "opacity": 0.7},
        )
    )
    fig.update_layout(
        title=title,
        xaxis_title="worst regret over the worlds (minimax: smaller is better)",
        yaxis_title="share of worlds within the tolerance (satisficing)",
        yaxis_tickformat=".0%",
        height=450,
    )
    return fig


def discovery_tradeoff(findings: pd.DataFrame, title: str) -> go.Figure:
    """Coverage against density of the PRIM boxes and CART rules found."""
    fig = go.Figure()
    for method, group in findings.groupby("method"):
        fig.add_trace(
            go.Scatter(
                x=group.coverage,
                y=group.density,
                text=group.inputs,
                mode="markers",
                name=str(method).upper(),
                marker={"size": 12},
            )
        )
    fig.update_layout(
        title=title,
        xaxis={"title": "coverage", "range": [0, 1.05], "tickformat": ".0%"},
        yaxis={"title": "density", "range": [0, 1.05], "tickformat": ".0%"},
        height=400,
    )
    return fig
