"""Help text polish: one example at the end of every command's help, and option types shown the
way a person reads them (no `<bool>` after a flag, `<path>` rather than `<list[Path]>` for a
repeatable option).

`polish(app)` is called once after every command is registered (cli/__init__.py);
tests/cli/test_help.py checks that every command has an example here.
"""

from __future__ import annotations

import re

import typer

# Command path (as typed after `aicapex`) -> one example command line.
EXAMPLES: dict[str, str] = {
    "": "aicapex financials --entity meta --years 2025:2028",
    "facts": "aicapex facts --entity meta --metric capex",
    "deals": "aicapex deals --entity openai --format csv",
    "entities": "aicapex entities --format json",
    "financials": "aicapex financials --entity meta --years 2025:2028 --format xlsx --out m.xlsx",
    "unit-economics": "aicapex unit-economics --gpu gb300 --price-per-hour 3.0 --life 4",
    "filings": "aicapex filings --entity alphabet --metric capex",
    "reconcile": "aicapex reconcile --entity alphabet",
    "simulate": "aicapex simulate --scenario burry --paths 100000 --metric fcf --entity meta",
    "sensitivity": "aicapex sensitivity --metric fcf --entity meta --year 2026 --method sobol",
    "compare": "aicapex compare base burry huang --metric fcf --year 2027",
    "scenarios": "aicapex scenarios burry",
    "report": "aicapex report --out build/report.html --xlsx --baseline build/old.run.json",
    "metrics": "aicapex metrics --layer financial",
    "explain": "aicapex explain --entity meta --metric fcf --year 2026",
    "diff": "aicapex diff build/report.run.json now --user my-facts.yaml",
    "company": "aicapex company meta --scenario burry",
    "dashboard": "aicapex dashboard --port 8501",
    "data": "aicapex data status",
    "data load": "aicapex data load --user my-facts.yaml",
    "data validate": "aicapex data validate my-facts.yaml",
    "data status": "aicapex data status --format json",
    "network": "aicapex network stress --shock openai=0.5",
    "network cycles": "aicapex network cycles --vendors",
    "network exposure": "aicapex network exposure --year 2026 --hhi",
    "network stress": "aicapex network stress --shock openai=0.5 --format json",
    "network debtrank": "aicapex network debtrank --method linear --default-equity 100",
    "network assets": "aicapex network assets --horizon 2026",
    "network edges": "aicapex network edges --format csv",
    "network export": "aicapex network export deals.graphml",
    "physical": "aicapex physical convert --capex-usd-bn 650",
    "physical convert": "aicapex physical convert --capex-usd-bn 650 --format json",
    "physical balance": "aicapex physical balance --years 2025:2030",
    "physical installed-base": "aicapex physical installed-base",
    "physical accelerators": "aicapex physical accelerators --format csv",
    "physical checks": "aicapex physical checks",
    "import": "aicapex import sec ../shared/data/sec-companyfacts/CIK0001652044_ALPHABET.json",
    "import sec": "aicapex import sec ../shared/data/sec-companyfacts/CIK0001652044_ALPHABET.json",
    "import epoch": "aicapex import epoch ../shared/data/epoch-ai-chip-counts",
    "import filed-quarterly": "aicapex import filed-quarterly ../shared/data/filed-quarterly-2025-2026",
    "sweep": "aicapex sweep show sweep.parquet --metric fcf",
    "sweep show": "aicapex sweep show sweep.parquet --metric fcf --entity meta",
    "roic": "aicapex roic forward --entity microsoft",
    "roic forward": "aicapex roic forward --entity microsoft --explain",
    "roic revenue-gap": "aicapex roic revenue-gap --invested 400 --life 5 --wacc 0.09 --cash-margin 0.6",
    "roic table": "aicapex roic table --wacc 0.09",
    "roic sources": "aicapex roic sources --entity oracle",
    "roic question": "aicapex roic question",
}

_LIST = re.compile(r"<list\[(\w+)\]>(\.\.\.)?")


def example(path: str) -> str | None:
    """The example of a command path ('financials', 'data status'), or None."""
    return EXAMPLES.get(path)


def _epilog(path: str) -> str | None:
    ex = example(path)
    return None if ex is None else f"Example: {ex}"


def _unset(value) -> bool:
    """None, or Typer's placeholder for a value nobody set (typer.models.DefaultPlaceholder)."""
    return value is None or type(value).__name__ == "DefaultPlaceholder"


def _set_epilogs(app: typer.Typer, prefix: str = "") -> None:
    text = _epilog(prefix.strip())
    if text and _unset(app.info.epilog):
        app.info.epilog = text
    callback = getattr(app, "registered_callback", None)  # the root's @app.callback() info
    if text and callback is not None and _unset(callback.epilog):
        callback.epilog = text
    for info in app.registered_commands:
        name = info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")
        path = f"{prefix}{name}".strip()
        if _unset(info.epilog) and _epilog(path):
            info.epilog = _epilog(path)
    for group in app.registered_groups:
        sub = group.typer_instance
        if sub is None:
            continue
        name = group.name or sub.info.name or ""
        path = f"{prefix}{name}".strip()
        if _unset(group.epilog) and _epilog(path):
            group.epilog = _epilog(path)
        _set_epilogs(sub, f"{path} ")


def _patch_type_display() -> None:
    """Flags show no type (`--quiet`, not `--quiet <bool>`); a repeatable option shows its item
    type (`--user <path>`). Typer renders types through display_type_rich."""
    try:
        from typer import core
    except ImportError:  # pragma: no cover
        return
    for cls in (getattr(core, "TyperOption", None), getattr(core, "TyperArgument", None)):
        if cls is None or getattr(cls.display_type_rich, "_aicapex", False):
            continue
        original = cls.display_type_rich

        def display_type_rich(self, ctx, _original=original):
            if getattr(self, "metavar", None) is not None:
                return self.metavar
            if getattr(self, "is_flag", False) or getattr(self, "count", False):
                return None
            text = _original(self, ctx)
            if isinstance(text, str):
                text = _LIST.sub(lambda m: f"<{m.group(1).lower()}>", text)
            return text

        display_type_rich._aicapex = True  # type: ignore[attr-defined]  # marks the patch
        cls.display_type_rich = display_type_rich


def polish(app: typer.Typer) -> None:
    """Examples as epilogs on every command and group, and readable option types."""
    _set_epilogs(app)
    _patch_type_display()


__all__ = ["EXAMPLES", "example", "polish"]
