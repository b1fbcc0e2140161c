"""Render report sections as one self-contained HTML file (plotly.js inlined once, no network
access needed to view it), a Markdown twin, and one CSV per table."""

from __future__ import annotations

import html
import math
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import plotly.offline

from .content import Section, Table
from .provenance import PROVENANCE_COLUMNS

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans CJK SC',sans-serif;max-width:1180px;
margin:0 auto;padding:0 24px 60px;color:#1d2330;line-height:1.45}
h1{margin-top:28px}h2{border-bottom:2px solid #dde3ec;padding-bottom:4px;margin-top:42px}
nav ol{columns:2}table{border-collapse:collapse;font-size:13px;margin:8px 0 18px;width:100%}
th,td{border:1px solid #dde3ec;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f2f5f9}td.num{text-align:right;font-variant-numeric:tabular-nums}
.tablewrap{max-height:460px;overflow:auto}figure{margin:12px 0 24px}figcaption{font-size:13px;color:#4a5568}
.headline li{margin:4px 0}.unavailable{color:#8a6d3b;background:#fcf8e3;padding:8px 12px;border-radius:4px}
details{margin:8px 0 16px}summary{cursor:pointer;color:#2b6cb0}.quote{font-size:12px}.small{font-size:12px;color:#666}
"""

# Opens a collapsed <details> when a link points inside it, so provenance links always land visibly.
OPEN_DETAILS_JS = """
function aicapexOpen(){var t=document.getElementById(decodeURIComponent(location.hash.slice(1)));
while(t){if(t.tagName==='DETAILS'){t.open=true;}t=t.parentElement;}
var e=document.getElementById(decodeURIComponent(location.hash.slice(1)));if(e){e.scrollIntoView();}}
window.addEventListener('hashchange',aicapexOpen);window.addEventListener('load',function(){if(location.hash){aicapexOpen();}});
"""


_LINK = re.compile(r"\[\[#([a-z0-9-]+)\|([^\]]+)\]\]")  # "[[#anchor|label]]" in a section line


def _html_line(text: str) -> str:
    out, last = [], 0
    for m in _LINK.finditer(text):
        out += [
            html.escape(text[last : m.start()]),
            f'<a href="#{m.group(1)}">{html.escape(m.group(2))}</a>',
        ]
        last = m.end()
    return "".join(out) + html.escape(text[last:])


def _md_line(text: str) -> str:
    # prose lines carry user strings too (entity names in the answers): escape HTML first
    text = html.escape(text, quote=False)
    return _LINK.sub(lambda m: f"[{m.group(2)}](#{m.group(1)})", text)


def _cell(v) -> str:
    if v is None or v is pd.NA:
        return "n/a"  # missing is shown, never blank (docs/analyst.md)
    if isinstance(v, float):
        if math.isnan(v):
            return "n/a"
        return f"{v:,.4g}" if abs(v) < 1e5 else f"{v:,.0f}"
    return str(v)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A table as written to CSV: reference lists become space-separated strings."""
    out = df.copy()
    if "refs" in out.columns:
        out["refs"] = out["refs"].map(
            lambda refs: " ".join(refs) if isinstance(refs, list) else refs
        )
    return out


def anchor(section_id: str, ref: str) -> str:
    return f"{section_id}--{ref}"


# ---- HTML ------------------------------------------------------------------------------------------------
def _html_table(df: pd.DataFrame, section_id: str, row_ids: list[str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for i, row in enumerate(df.itertuples(index=False)):
        cells = []
        for col, v in zip(df.columns, row):
            if col == "refs" and isinstance(v, list):
                links = " ".join(
                    f'<a href="#{anchor(section_id, r)}">{html.escape(r)}</a>' for r in v
                )
                cells.append(f"<td>{links}</td>")
            elif _is_num(v):
                cells.append(f'<td class="num">{html.escape(_cell(v))}</td>')
            else:
                cls = ' class="quote"' if col == "quote" else ""
                cells.append(f"<td{cls}>{html.escape(_cell(v))}</td>")
        rid = f' id="{row_ids[i]}"' if row_ids else ""
        body.append(f"<tr{rid}>{''.join(cells)}</tr>")
    return f'<div class="tablewrap"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _shown(df: pd.DataFrame, names: dict[str, str] | None) -> pd.DataFrame:
    """A report table for people: entity names, metric labels with units (CSV keeps the ids)."""
    from ..views.labels import humanize

    return humanize(df, names or {})


def _html_section(s: Section, csv_dir: str, names: dict[str, str] | None = None) -> str:
    parts = [f'<section id="{s.id}"><h2>{html.escape(s.title)}</h2>']
    if not s.available:
        parts.append(f'<p class="unavailable">{html.escape(" ".join(s.lines))}</p></section>')
        return "".join(parts)
    if s.lines:
        parts.append(
            '<ul class="headline">'
            + "".join(f"<li>{_html_line(x)}</li>" for x in s.lines)
            + "</ul>"
        )
    prov_link = f'<a href="#prov-{s.id}">Provenance: inputs used and their sources</a>'
    for fig in s.figures:
        from ..views.labels import label_figure

        div = label_figure(fig.fig, names or {}).to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=fig.name,
            config={"displaylogo": False, "responsive": True},
        )
        parts.append(
            f'<figure id="fig-{fig.name}">{div}<figcaption>{html.escape(fig.caption)} '
            f"{prov_link}</figcaption></figure>"
        )
    for t in s.tables:
        parts.append(f'<h3 id="table-{t.name}">{html.escape(t.title)}</h3>')
        if t.note:
            parts.append(f'<p class="small">{html.escape(t.note)}</p>')
        parts.append(_html_table(_shown(t.df, names), s.id))
        parts.append(
            f'<p class="small">CSV: <a href="{csv_dir}/{t.name}.csv">{t.name}.csv</a> · {prov_link}</p>'
        )
    prov = s.provenance if s.provenance is not None else pd.DataFrame(columns=PROVENANCE_COLUMNS)
    if prov.empty and not s.figures and not s.tables:
        parts.append("</section>")
        return "".join(parts)
    parts.append(
        f'<details id="prov-{s.id}"><summary>Provenance: {len(prov)} inputs used, with source file, '
        f"outlet and quoted sentence</summary>"
    )
    if prov.empty:
        parts.append("<p>No dataset inputs.</p>")
    else:
        parts.append(_html_table(prov, s.id, [anchor(s.id, r) for r in prov["ref"]]))
    parts.append("</details></section>")
    return "".join(parts)


def render_html(
    title: str,
    subtitle: str,
    sections: list[Section],
    csv_dir: str,
    names: dict[str, str] | None = None,
) -> str:
    """The report as one HTML page; `names` (entity id -> name) labels the tables."""
    toc = "".join(f'<li><a href="#{s.id}">{html.escape(s.title)}</a></li>' for s in sections)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "".join(_html_section(s, csv_dir, names) for s in sections)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style>'
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>'
        f"<script>{OPEN_DETAILS_JS}</script></head><body>"
        f'<h1>{html.escape(title)}</h1><p class="small">{html.escape(subtitle)} Generated {generated}. '
        f"Charts are interactive and need no network access.</p><nav><ol>{toc}</ol></nav>{body}</body></html>"
    )


# ---- Markdown --------------------------------------------------------------------------------------------
def _md_escape(text: str) -> str:
    # user text may hold HTML (`<script>` in a note): Markdown renders raw HTML, so escape it
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _md_table(df: pd.DataFrame, section_id: str, row_ids: list[str] | None = None) -> str:
    cols = list(df.columns)
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for i, row in enumerate(df.itertuples(index=False)):
        cells = []
        for col, v in zip(cols, row):
            if col == "refs" and isinstance(v, list):
                cells.append(" ".join(f"[{r}](#{anchor(section_id, r)})" for r in v))
            else:
                cells.append(_md_escape(_cell(v)))
        if row_ids:
            cells[0] = f'<a id="{row_ids[i]}"></a>{cells[0]}'
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def render_markdown(
    title: str,
    subtitle: str,
    sections: list[Section],
    csv_dir: str,
    html_name: str,
    names: dict[str, str] | None = None,
) -> str:
    out = [f"# {title}", "", f"{subtitle} Interactive charts: [{html_name}]({html_name}).", ""]
    out += [f"- [{s.title}](#{s.id})" for s in sections] + [""]
    for s in sections:
        out += [f'<a id="{s.id}"></a>', f"## {s.title}", ""]
        if not s.available:
            out += [f"> {html.escape(' '.join(s.lines), quote=False)}", ""]
            continue
        out += [f"- {_md_line(x)}" for x in s.lines] + [""]
        for fig in s.figures:
            out += [
                (
                    f"**Figure {fig.name}.** {fig.caption} (interactive chart in {html_name}; "
                    f"[provenance](#prov-{s.id}))"
                ),
                "",
            ]
        for t in s.tables:
            out += [
                f"### {t.title}",
                "",
                _md_table(_shown(t.df, names), s.id),
                "",
                f"CSV: [{t.name}.csv]({csv_dir}/{t.name}.csv)",
                "",
            ]
        prov = s.provenance
        if prov is not None and not prov.empty:
            out += [
                f'<a id="prov-{s.id}"></a>',
                f"### Provenance: {s.title}",
                "",
                _md_table(prov, s.id, [anchor(s.id, r) for r in prov["ref"]]),
                "",
            ]
    return "\n".join(out)


def write_csvs(sections: list[Section], csv_dir: Path) -> list[Path]:
    from ..views.safe import csv_safe  # no spreadsheet formulas from user text

    csv_dir.mkdir(parents=True, exist_ok=True)
    written = []
    provs = []
    for s in sections:
        for t in s.tables:
            path = csv_dir / f"{t.name}.csv"
            csv_safe(csv_frame(t.df)).to_csv(path, index=False)
            written.append(path)
        if s.provenance is not None and not s.provenance.empty:
            provs.append(s.provenance.assign(section=s.id))
    if provs:
        path = csv_dir / "provenance.csv"
        csv_safe(pd.concat(provs, ignore_index=True)).to_csv(path, index=False)
        written.append(path)
    return written


def all_tables(sections: list[Section]) -> list[Table]:
    return [t for s in sections for t in s.tables]
