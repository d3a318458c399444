"""The report as text: a header, the matrix (wrapped to the terminal), a legend, details."""

from __future__ import annotations

import textwrap
from typing import Any

from .host import probable_cause

__all__ = ["cell_text", "render"]

LABEL_GAP = 2
LEGEND = (
    "bitwise: every byte equals the golden vectors and the NumPy cross-check. "
    "'N ulp P%': largest distance in ULPs (integers: absolute difference) and the share of "
    "bitwise elements. n/a: the library has no such dtype (TypeError, as documented). "
    "! marks a cell that contradicts the documentation; * a row the documentation makes no "
    "claim for (measured only)."
)


def cell_text(cell: dict[str, Any]) -> str:
    status = cell["status"]
    if status == "bitwise":
        text = "bitwise"
    elif status == "unsupported":
        text = "n/a"
    elif status == "error":
        text = cell["error"]["type"]
    elif cell["max_ulp"] is None:
        text = "differs"
    else:
        text = f"{cell['max_ulp']} ulp {_share(cell['share_bitwise'])}"
    return text if cell["ok"] else "!" + text


def _share(share: float) -> str:
    """The share of bitwise elements, never rounded up to 100 % (nor down to 0 %)."""
    pct = share * 100
    if pct >= 99.99:
        return ">99.99%"
    if pct < 0.1:
        return "<0.1%" if pct > 0 else "0%"
    return f"{pct:.2f}%" if pct >= 99 else f"{pct:.1f}%"


def _row_label(row: dict[str, Any]) -> str:
    return row["label"] + ("" if row["claimed"] else " *")


def _header(report: dict[str, Any]) -> list[str]:
    h, libs = report["host"], report["libraries"]
    have = [f"{n} {ver}" for n, ver in libs.items() if ver]
    lacking = [m["backend"] + f" ({m['reason']})" for m in report["missing"]]
    files = "; ".join(
        f"{v['file']} ({v['cases']} cases from jax {v['jax']}, {v['platform']}, "
        f"{_FMA[v['cpu_has_fma']]}, x64 {v['jax_enable_x64']}, partitionable "
        f"{v['jax_threefry_partitionable']})"
        for v in report["vectors"]
    )
    lines = [
        f"unirand {report['unirand']} conformance report",
        f"golden vectors: {files}; replayed: {_replayed(report['options'])}",
        f"host: {h['system']} {h['machine']}, {_features(h)}, {h['cpu_count']} CPUs, "
        f"python {h['python']}",
        _engine(report.get("engine")),
        "libraries: " + ", ".join(have) + ("; missing: " + ", ".join(lacking) if lacking else ""),
        f"cross-check: {report['options']['size']} elements per function/dtype against numpy cpu",
    ]
    if report["absent_functions"]:
        names = ", ".join(report["absent_functions"])
        lines.append(f"not in this unirand's API, so not run: {names} (vectors ahead of the API)")
    return lines


_FMA = {True: "FMA", False: "no FMA", None: "FMA unknown"}


def _engine(e: dict[str, Any] | None) -> str:
    """Which engine computed the NumPy and torch CPU cells."""
    if not e:
        return "engine: unknown"
    if e["engine"] == "compiled":
        return f"engine (numpy, torch cpu): compiled, {e['compiler']}, {e['threads']} threads"
    return f"engine (numpy, torch cpu): vectorized ({e['reason']}), {e['threads']} threads"


def _features(h: dict[str, Any]) -> str:
    """The host features that change native code: FMA, native float16 arithmetic, libm."""
    fp16: dict[bool | None, str] = {
        True: "AVX512-FP16 (XLA computes float16 natively)",
        False: "no AVX512-FP16",
    }
    parts = [_FMA[h.get("cpu_has_fma")], fp16.get(h.get("cpu_has_avx512_fp16"), "FP16 unknown")]
    parts.append(h.get("libc") or "C library unknown")
    if h.get("xla_flags"):
        parts.append(f"XLA_FLAGS={h['xla_flags']}")
    return ", ".join(parts)


def _replayed(options: dict[str, Any]) -> str:
    if options["quick"]:
        return "a few per cell (--quick)"
    if options["full"]:
        return "all on every row (--full)"
    shapes = ", ".join(str(tuple(s)) for s in options["jax_shapes"])
    return (
        f"all; on JAX the key cases and those of shapes {shapes}, the portable engine with x64 "
        "on only (--full: all)"
    )


def _blocks(columns: list[str], widths: dict[str, int], room: int) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    used = 0
    for col in columns:
        if blocks[-1] and used + widths[col] > room:
            blocks.append([])
            used = 0
        blocks[-1].append(col)
        used += widths[col]
    return blocks


def _matrix(report: dict[str, Any], width: int) -> list[str]:
    rows, columns = report["rows"], report["columns"]
    if not rows:
        return ["(no backend to run)"]
    texts = {(r["id"], c): cell_text(r["cells"][c]) for r in rows for c in columns}
    label_w = max(len(_row_label(r)) for r in rows) + LABEL_GAP
    widths = {}
    for c in columns:
        top, _, bottom = c.partition("/")
        widths[c] = max(len(top), len(bottom), *(len(texts[r["id"], c]) for r in rows)) + 2
    lines: list[str] = []
    for block in _blocks(columns, widths, max(width - label_w, 1)):
        if lines:
            lines.append("")
        top = "".join(c.partition("/")[0].ljust(widths[c]) for c in block)
        bottom = "".join(c.partition("/")[2].ljust(widths[c]) for c in block)
        lines += [" " * label_w + top.rstrip(), " " * label_w + bottom.rstrip()]
        for r in rows:
            cells = "".join(texts[r["id"], c].ljust(widths[c]) for c in block)
            lines.append((_row_label(r).ljust(label_w) + cells).rstrip())
    return lines


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(text, width=max(width, 40), subsequent_indent=indent)


def _details(report: dict[str, Any]) -> list[str]:
    lines = []
    for row in report["rows"]:
        for col, cell in row["cells"].items():
            if cell["status"] in ("bitwise", "unsupported") and cell["ok"]:
                continue
            mark = "!" if not cell["ok"] else " "
            claim = cell["claim"]
            said = {
                "bitwise": "documented bitwise",
                "ulp": f"documented within {claim['max_ulp']} ulp ({claim['reason']})",
                "err": f"documented within {claim.get('max_err', 0):.3g} of max(1, |x|) "
                f"({claim['reason']})",
                "unsupported": f"documented unsupported ({claim['reason']})",
                "none": "no documented claim",
            }[claim["kind"]]
            if cell["error"]:
                what = f"{cell['error']['type']}: {cell['error']['message']}"
            else:
                f = cell["first_difference"] or {}
                what = f"first difference in {f.get('case')}: " + (
                    f["mismatch"]
                    if f.get("mismatch")
                    else f"index {f.get('index')}: got {f.get('got')}, want {f.get('want')} "
                    f"({f.get('ulp')} ulp)"
                )
            hint = probable_cause(row["backend"], col, report["host"]) if not cell["ok"] else None
            lines.append(
                f"{mark} {row['label']} {col}: {said}; {what}"
                + (f"; probable cause: {hint}" if hint else "")
            )
    return lines


def _paths(report: dict[str, Any]) -> list[str]:
    """Per native JAX row, the cells that ran the portable engine because the probe failed."""
    lines = []
    for row in report["rows"]:
        if row["backend"] != "jax" or row["path"] != "native":
            continue
        portable = [c for c, cell in row["cells"].items() if cell.get("jax_path") == "portable"]
        which = ", ".join(portable) if portable else "none"
        lines.append(
            f"{row['label']}: jax.random where the probe proved it; portable engine for: {which}"
        )
    return lines


def _summary(report: dict[str, Any]) -> str:
    cells = [c for r in report["rows"] for c in r["cells"].values()]
    count: dict[str, int] = {}
    for c in cells:
        key = c["status"] if c["claim"]["kind"] != "none" else "unclaimed"
        count[key] = count.get(key, 0) + 1
    parts = ", ".join(f"{n} {k}" for k, n in sorted(count.items()))
    bad = sum(not c["ok"] for c in cells)
    verdict = (
        "OK: every documented claim holds"
        if report["ok"]
        else f"FAILED: {bad} cells contradict the documentation"
    )
    return f"{verdict} ({len(cells)} cells: {parts}) in {report['seconds']:.1f} s"


def render(report: dict[str, Any], width: int = 100) -> str:
    """The whole text report, lines at most ``width`` wide where possible."""
    header = [w for line in _header(report) for w in _wrap(line, width, indent="  ")]
    lines = [*header, "", *_matrix(report, width), "", *_wrap(LEGEND, width)]
    details = [
        wrapped for line in _details(report) for wrapped in _wrap(line, width, indent="    ")
    ]
    paths = [w for line in _paths(report) for w in _wrap(line, width, indent="    ")]
    if paths:
        lines += ["", "paths:", *paths]
    if details:
        lines += ["", "details:", *details]
    lines += ["", _summary(report)]
    return "\n".join(lines) + "\n"
