"""Plotly figures and their text alternatives, built from plain tables.

Every builder returns the figure together with a caption that says in words what the figure
shows, so no reader depends on seeing the chart. Colours are the Okabe-Ito palette (safe for
colour-blind readers) and series also differ in line style, so colour is never the only cue.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.i18n import t
from dashboard.numbers import separators
from dashboard.outcomes import (
    RING_LEVELS,
    Panel,
    fmt,
    label,
    level_pressure,
    present,
    scale,
    sign,
    unit,
)
from sim.params import TYPES
from sim.typology import LEVELS

COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
#: an event's label on a chart is cut to this many characters (the caption has it whole)
MARK_CHARS = 28
FONT = {
    "family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    "size": 14,
    "color": "#212529",
}


def _base(fig: go.Figure, height: int = 320, big: bool = False, lang: str = "nl") -> go.Figure:
    fig.update_layout(
        separators=separators(lang),
        template="simple_white",
        height=height,
        font={**FONT, "size": 20 if big else 14},
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.3, "x": 0},
        hovermode="x unified",
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return fig


def empty_figure(message: str, height: int = 320) -> go.Figure:
    """A blank figure with a message in the middle (instead of empty axes)."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        showarrow=False,
        font={**FONT, "size": 16, "color": "#555"},
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig, height)


def timeseries(
    table: pd.DataFrame,
    panel: Panel,
    lang: str,
    ref: pd.DataFrame | None = None,
    big: bool = False,
    marks: Mapping[int, str] | None = None,
) -> tuple[go.Figure, str]:
    """Chart one panel of weekly outcomes; ``ref`` is drawn dotted grey for comparison.

    ``marks`` (week -> short label) are policy events, drawn as dotted vertical lines.
    """
    title = t(f"panel.{panel.id}", lang)
    main = present(panel.series, table)
    second = present(panel.secondary, table)
    if not main and not second:
        return empty_figure(t("rings.no_data", lang)), f"{title}: {t('rings.no_data', lang)}."
    fig = make_subplots(specs=[[{"secondary_y": bool(second)}]])
    for i, name in enumerate(main + second):
        on_second = name in second
        y = _smooth(table, name) * scale(name)
        fig.add_trace(
            go.Scatter(
                x=table["week"],
                y=y,
                name=_legend(label(name, lang)),
                mode="lines",
                line={
                    "color": COLORS[i % len(COLORS)],
                    "dash": DASHES[i % len(DASHES)],
                    "width": 3 if big else 2,
                },
                stackgroup="one" if panel.stacked and not on_second else None,
            ),
            secondary_y=on_second if second else None,
        )
        if ref is not None and name in ref.columns and not panel.stacked:
            fig.add_trace(
                go.Scatter(
                    x=ref["week"],
                    y=_smooth(ref, name) * scale(name),
                    name=_legend(f"{label(name, lang)} ({t('common.reference', lang)})"),
                    mode="lines",
                    line={"color": "#6c757d", "dash": "dot", "width": 1.5},
                    showlegend=i == 0,
                    legendgroup="ref",
                ),
                secondary_y=on_second if second else None,
            )
    if panel.stacked and ref is not None and "stagnation_rate" in ref.columns:
        fig.add_trace(
            go.Scatter(
                x=ref["week"],
                y=ref["stagnation_rate"] * 100,
                mode="lines",
                name=f"{label('stagnation_rate', lang)} ({t('common.reference', lang)})",
                line={"color": "#6c757d", "dash": "dot", "width": 1.5},
            )
        )
    fig.update_xaxes(title_text=t("common.week", lang))
    fig.update_yaxes(
        title_text=axis_title(t(f"panel.axis.{panel.axis}", lang), 16 if big else 22),
        rangemode="tozero",
        secondary_y=False,
    )
    if second:
        # own round ticks: ticks synced to the left axis read 0,294 and 231,2
        fig.update_yaxes(
            title_text=axis_title(t(f"panel.axis.{panel.secondary_axis}", lang), 16 if big else 22),
            rangemode="tozero",
            secondary_y=True,
            showgrid=False,
            tickmode="auto",
            nticks=6,
        )
    _base(fig, 470 if big else 340, big, lang)
    if big:  # projector type: the legend goes lower, clear of the axis title
        fig.update_layout(margin={"b": 150}, legend={"y": -0.42})
    else:
        fig.update_layout(margin={"b": 80})
    items = ", ".join(f"{label(n, lang)} {fmt(n, table[n].iloc[-1], lang)}" for n in main + second)
    caption = t("panel.caption", lang, title=title, items=items)
    if ref is not None:
        ref_items = ", ".join(
            f"{label(n, lang)} {fmt(n, ref[n].iloc[-1], lang)}"
            for n in main + second
            if n in ref.columns
        )
        caption += t("panel.caption_ref", lang, items=ref_items)
    return fig, caption + mark_weeks(fig, marks, lang, big)


def mark_weeks(
    fig: go.Figure, marks: Mapping[int, str] | None, lang: str, big: bool = False
) -> str:
    """Draw each event week as a dotted vertical line with its label; return the caption part.

    The label runs up along the line, so marks a few weeks apart do not cover each other.
    """
    if not marks:
        return ""
    for week, text in sorted(marks.items()):
        fig.add_shape(
            type="line",
            x0=week,
            x1=week,
            y0=0,
            y1=1,
            xref="x",
            yref="paper",
            line={"color": "#343a40", "dash": "dot", "width": 1.5},
        )
        fig.add_annotation(
            x=week,
            y=1,
            xref="x",
            yref="paper",
            text=text if len(text) <= MARK_CHARS else text[: MARK_CHARS - 1] + "…",
            textangle=-90,
            xanchor="right",
            yanchor="top",
            showarrow=False,
            font={**FONT, "size": 14 if big else 11, "color": "#343a40"},
        )
    items = "; ".join(
        t("events.mark_item", lang, week=w, label=x) for w, x in sorted(marks.items())
    )
    return t("events.caption", lang, items=items)


def _legend(name: str) -> str:
    """A legend entry in lines: one line wider than a narrow chart is cut off."""
    return "<br>".join(textwrap.wrap(name, 34)) or name


def axis_title(text: str, width: int = 22) -> str:
    """An axis title in lines of at most ``width`` characters.

    One rotated line longer than the plot is taller than the plot and gets cut off.
    """
    return "<br>".join(textwrap.wrap(text, width)) or text


#: weekly counts turned into yearly rates jump from week to week; charts show a 4-week mean
SMOOTHED = frozenset({"turnover_rate", "incidents_per_family_year"})


def _smooth(table: pd.DataFrame, name: str) -> pd.Series:
    if name in SMOOTHED:
        return table[name].rolling(4, min_periods=1).mean()
    return table[name]


def _pressure_colour(value: float | None) -> str:
    """White-yellow-red scale for pressure 0-1; grey when unknown."""
    if value is None:
        return "#e9ecef"
    stops = (
        (0.0, (255, 255, 255)),
        (0.35, (254, 224, 139)),
        (0.7, (244, 109, 67)),
        (1.0, (165, 0, 38)),
    )
    for (x0, c0), (x1, c1) in zip(stops, stops[1:], strict=False):
        if value <= x1:
            f = (value - x0) / (x1 - x0)
            rgb = [round(a + (b - a) * f) for a, b in zip(c0, c1, strict=True)]
            return "rgb({},{},{})".format(*rgb)
    return "rgb(165,0,38)"


def rings(
    table: pd.DataFrame,
    lang: str,
    ref: pd.DataFrame | None = None,
    levels: Mapping[str, str] | None = None,
    big: bool = False,
) -> tuple[go.Figure, str]:
    """Four concentric rings (family at the centre) coloured by the pressure at each level.

    ``levels`` optionally names the type at each ring (the coat), shown under the level name.
    The arrows on either side say which way decisions (inwards) and signals (outwards) travel,
    with the signal counts when the run table has them.
    """
    pressure = level_pressure(table)
    ref_pressure = level_pressure(ref) if ref is not None else None
    fig = go.Figure()
    radii = {"government": 4.0, "organisation": 3.0, "professional": 2.0, "family": 1.0}
    coat_of = {
        "government": "political_climate",
        "organisation": "organisation",
        "professional": "professional",
    }
    for level in reversed(RING_LEVELS):
        r = radii[level]
        fig.add_shape(
            type="circle",
            x0=-r,
            y0=-r,
            x1=r,
            y1=r,
            fillcolor=_pressure_colour(pressure[level]),
            line={"color": "#343a40", "width": 2},
        )
    for level in RING_LEVELS:
        r = radii[level]
        y = 0.0 if level == "family" else r - 0.5
        value = pressure[level]
        text = f"<b>{t(f'level.{level}', lang)}</b>"
        if levels and level in coat_of:
            text += f" · {t('type.' + levels[coat_of[level]], lang)}"
        text += "<br>" + (
            t("rings.no_data", lang)
            if value is None
            else f"{t('rings.pressure', lang)} {round(value * 100)}"
        )
        if ref_pressure and value is not None and ref_pressure[level] is not None:
            delta = round((value - ref_pressure[level]) * 100)
            text += f" ({delta:+d})"
        dark = value is not None and value > 0.8  # white text only on the deep reds
        fig.add_annotation(
            x=0,
            y=y,
            text=text,
            showarrow=False,
            font={**FONT, "size": 17 if big else 13, "color": "white" if dark else "#212529"},
        )
    down = t("rings.decisions", lang)
    up = t("rings.signals", lang)
    for name in ("signals_raised", "signals_to_government"):
        if name in table.columns:
            shown = unit(name, lang)
            value = fmt(name, table[name].iloc[-1], lang)
            # narrow lines: the label sits right of the rings, where a long one is cut off
            lines = textwrap.wrap(f"{label(name, lang)}:", 16) + textwrap.wrap(
                f"{value} {shown}", 16
            )
            up += "<br>" + "<br>".join(lines)
    fig.add_annotation(
        x=-4.1,
        y=-3.2,
        ax=-4.1,
        ay=3.2,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=3,
        arrowwidth=3,
        arrowcolor="#343a40",
        text="",
    )
    fig.add_annotation(
        x=4.1,
        y=3.2,
        ax=4.1,
        ay=-3.2,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=3,
        arrowwidth=3,
        arrowcolor="#0072B2",
        text="",
    )
    fig.add_annotation(
        x=-4.35,
        y=0,
        text=down,
        textangle=-90,
        showarrow=False,
        font={**FONT, "size": 15 if big else 13},
    )
    fig.add_annotation(  # right of the arrow, never over it
        x=4.35,
        y=0,
        xanchor="left",
        text=up,
        showarrow=False,
        align="left",
        font={**FONT, "size": 15 if big else 12, "color": "#0b4f7c"},
    )
    fig.update_xaxes(visible=False, range=[-5.0, 6.8], scaleanchor="y")
    fig.update_yaxes(visible=False, range=[-4.3, 4.3])
    _base(fig, 640 if big else 420, big, lang)  # big type needs big rings to stay apart
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, hovermode=False)
    items = ", ".join(
        f"{t(f'level.{lv}', lang)} "
        f"{t('rings.no_data', lang) if pressure[lv] is None else round(pressure[lv] * 100)}"
        for lv in RING_LEVELS
    )
    return fig, t("rings.caption", lang, items=items)


def bands(
    stats: Mapping[str, pd.DataFrame],
    outcome: str,
    lang: str,
    diff: bool = False,
    marks: Mapping[int, str] | None = None,
) -> tuple[go.Figure, str]:
    """Mean lines with 10-90% bands per scenario; ``stats`` tables have week, mean, lo, hi.

    ``marks`` (week -> short label) are policy events, drawn as dotted vertical lines.
    """
    fig = go.Figure()
    k = scale(outcome)
    for i, (name, s) in enumerate(stats.items()):
        colour = COLORS[i % len(COLORS)]
        r, g, b = (int(colour[j : j + 2], 16) for j in (1, 3, 5))
        fig.add_trace(
            go.Scatter(
                x=pd.concat([s["week"], s["week"][::-1]]),
                y=pd.concat([s["hi"], s["lo"][::-1]]) * k,
                fill="toself",
                fillcolor=f"rgba({r},{g},{b},0.18)",
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                name=f"{name} 10-90%",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=s["week"],
                y=s["mean"] * k,
                mode="lines",
                name=name,
                line={"color": colour, "dash": DASHES[i % len(DASHES)], "width": 2.5},
            )
        )
    if diff:
        fig.add_hline(y=0, line={"color": "#343a40", "width": 1})
    title = label(outcome, lang)
    shown = unit(outcome, lang, diff)
    # the card's title names the outcome; a long name leaves the axis to say what it counts
    axis = f"{title} ({shown})" if shown and len(title) + len(shown) <= 36 else shown or title
    if diff:
        axis = f"{t('compare.diff_axis', lang)} ({axis})"
    fig.update_yaxes(title_text=axis_title(axis), automargin=True)
    fig.update_xaxes(title_text=t("common.week", lang))
    _base(fig, 340, lang=lang)
    items = ", ".join(
        f"{name} {_fmt_signed(outcome, _tail(s), lang, diff)}" for name, s in stats.items()
    )
    key = "compare.diff_caption" if diff else "compare.caption"
    caption = t(key, lang, outcome=title, items=items)
    return fig, caption + mark_weeks(fig, marks, lang)


def _tail(stats: pd.DataFrame) -> float:
    return float(stats["mean"].iloc[-min(52, max(1, len(stats) // 2)) :].mean())


def _fmt_signed(outcome: str, value: float, lang: str, signed: bool) -> str:
    return fmt(outcome, value, lang, diff=signed)


def kwadrant(grid: pd.DataFrame, outcome: str, lang: str) -> tuple[go.Figure, str]:
    """81 cells as a 3x3 grid of 3x3 heatmaps: region (columns) x political climate (rows).

    ``grid`` has one row per coat with the four ``<level>_type`` columns and ``value``.
    """
    short = [t(f"type.{x}", lang) for x in TYPES]
    fig = make_subplots(
        rows=3,
        cols=3,
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        vertical_spacing=0.07,
        column_titles=[f"{t('level.region', lang)}: {t('type.' + x, lang)}" for x in TYPES],
        # two lines: one rotated line is taller than its row and runs into the next title
        row_titles=[
            f"{t('level.political_climate', lang)}:<br>{t('type.' + x, lang)}" for x in TYPES
        ],
    )
    k = scale(outcome)
    lo, hi = grid["value"].min() * k, grid["value"].max() * k
    # blue is good and red is bad whichever way the outcome points
    colorscale = "RdYlBu" if sign(outcome) > 0 else "RdYlBu_r"
    for row, climate in enumerate(TYPES, start=1):
        for col, region in enumerate(TYPES, start=1):
            sub = grid[(grid.region_type == region) & (grid.political_climate_type == climate)]
            z, text = [], []
            for org in TYPES:
                zr, tr = [], []
                for prof in TYPES:
                    cell = sub[(sub.professional_type == prof) & (sub.organisation_type == org)]
                    v = float(cell["value"].iloc[0]) if len(cell) else math.nan
                    zr.append(v * k)
                    tr.append(fmt(outcome, v, lang))
                z.append(zr)
                text.append(tr)
            fig.add_trace(
                go.Heatmap(
                    z=z,
                    x=short,
                    y=short,
                    text=text,
                    texttemplate="%{text}",
                    zmin=lo,
                    zmax=hi,
                    colorscale=colorscale,
                    showscale=(row == 1 and col == 3),
                    colorbar={
                        "title": {"text": label(outcome, lang), "side": "right"},
                        "len": 0.9,
                        "x": 1.09,
                    },
                    hovertemplate=(
                        f"{t('level.professional', lang)}: %{{x}}<br>"
                        f"{t('level.organisation', lang)}: %{{y}}<br>"
                        f"{label(outcome, lang)}: %{{text}}<extra></extra>"
                    ),
                    xgap=2,
                    ygap=2,
                ),
                row=row,
                col=col,
            )
    fig.update_xaxes(title_text=t("level.professional", lang), row=3)
    fig.update_yaxes(title_text=t("level.organisation", lang), col=1)
    _base(fig, 720, lang=lang)
    fig.update_layout(hovermode="closest", margin={"l": 110, "r": 150, "t": 50, "b": 70})
    best = grid.loc[grid["value"].idxmin()]
    worst = grid.loc[grid["value"].idxmax()]
    caption = t(
        "kwadrant.caption",
        lang,
        outcome=label(outcome, lang),
        low=coat_text(best, lang),
        low_value=fmt(outcome, best["value"], lang),
        high=coat_text(worst, lang),
        high_value=fmt(outcome, worst["value"], lang),
    )
    return fig, caption


def kwadrant_cell(curve, x, y, lang: str) -> dict[str, str] | None:
    """The coat of a cell of :func:`kwadrant`: from its trace number and its axis labels.

    Trace ``3 * row + col`` is the map of climate ``row`` and region ``col`` (in TYPES order);
    inside it, x names the professional's type and y the organisation's, as shown in ``lang``.
    A click reports only these, so this is the one place that turns them back into a coat.
    """
    names = {t(f"type.{ty}", lang): ty for ty in TYPES}
    if not (isinstance(curve, int) and 0 <= curve < len(TYPES) ** 2):
        return None
    if not (isinstance(x, str) and isinstance(y, str) and x in names and y in names):
        return None
    climate, region = divmod(curve, len(TYPES))
    return {
        "professional_type": names[x],
        "organisation_type": names[y],
        "region_type": TYPES[region],
        "political_climate_type": TYPES[climate],
    }


def coat_text(row: Mapping[str, str], lang: str) -> str:
    """Name a coat from a row with ``<level>_type`` fields, e.g. 'Vasthoudend / ... / ...'."""
    return " / ".join(t(f"type.{row[f'{lv}_type']}", lang) for lv in LEVELS)


def sensitivity(table: pd.DataFrame, method: str, lang: str) -> tuple[go.Figure, str]:
    """Horizontal bars with confidence whiskers: Sobol S1/ST or Morris mu*/sigma."""
    if method == "sobol":
        bars = [
            ("ST", "ST_conf", "sensitivity.sobol_st"),
            ("S1", "S1_conf", "sensitivity.sobol_s1"),
        ]
        order = "ST" if "ST" in table.columns else "S1"
    else:
        bars = [
            ("mu_star", "mu_star_conf", "sensitivity.morris_mu"),
            ("sigma", None, "sensitivity.morris_sigma"),
        ]
        order = "mu_star"
    table = table.sort_values(order, ascending=True)
    names = [_param_label(p, lang) for p in table["parameter"]]
    fig = go.Figure()
    for i, (col, conf, key) in enumerate(bars):
        if col not in table.columns:
            continue
        error = None
        if conf and conf in table.columns:
            error = {
                "type": "data",
                "array": table[conf].tolist(),
                "visible": True,
                "color": "#343a40",
                "thickness": 1.5,
            }
        fig.add_trace(
            go.Bar(
                y=names,
                x=table[col],
                orientation="h",
                name=t(key, lang),
                error_x=error,
                marker_color=COLORS[i],
                marker_pattern_shape="" if i == 0 else "/",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=t(f"sensitivity.axis.{method}", lang))
    fig.update_yaxes(title_text=t("sensitivity.parameter", lang))
    _base(fig, max(320, 36 * len(table) + 120), lang=lang)
    fig.update_layout(hovermode="closest", margin={"l": 220, "r": 20, "t": 20, "b": 60})
    top = table.sort_values(order, ascending=False).head(3)
    items = ", ".join(
        f"{_param_label(p, lang)} ({fmt('index', v, lang)})"
        for p, v in zip(top["parameter"], top[order], strict=True)
    )
    return fig, t("sensitivity.caption", lang, items=items)


def _param_label(name: str, lang: str) -> str:
    key = f"param.{name}.label"
    text = t(key, lang)
    return name.replace("_", " ") if text == key else text


def scores_bar(scores: pd.DataFrame, chosen: str, lang: str, top: int = 5) -> go.Figure:
    """Bar chart of the best coats' scores, the chosen coat highlighted (big, for projectors)."""
    best = scores.head(top)
    if chosen not in set(best["coat"]):
        best = pd.concat([best, scores[scores["coat"] == chosen]])
    colours = ["#D55E00" if c == chosen else "#0072B2" for c in best["coat"]]
    fig = go.Figure(
        go.Bar(
            x=best["score"],
            y=[coat_text(r, lang) for _, r in best.iterrows()],
            orientation="h",
            marker_color=colours,
            text=[f"{s:.0f}" for s in best["score"]],
            textposition="outside",
            marker_pattern_shape=["x" if c == chosen else "" for c in best["coat"]],
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(range=[0, 110], title_text="score")
    _base(fig, 90 + 60 * len(best), big=True, lang=lang)
    fig.update_layout(margin={"l": 20, "r": 20, "t": 10, "b": 60}, hovermode=False)
    fig.update_yaxes(automargin=True)
    return fig
