"""The report's host facts, per-row progress lines and failure hints (issue 10)."""

from __future__ import annotations

import io

from unirand.report.host import cpu_flags, host_info, probable_cause
from unirand.report.progress import Progress
from unirand.report.render import _features

REFERENCE = {"cpu_has_fma": True, "cpu_has_avx512_fp16": False, "libc": "glibc 2.36"}


def test_host_info_names_the_features_that_change_native_code():
    h = host_info()
    for field in ("cpu_has_fma", "cpu_has_avx512_fp16", "libc", "xla_flags", "machine"):
        assert field in h
    flags = cpu_flags()
    if flags is not None:
        assert h["cpu_has_avx512_fp16"] == ("avx512_fp16" in flags)
        assert h["cpu_has_fma"] == ("fma" in flags)


def test_header_features_text():
    fp16 = {**REFERENCE, "cpu_has_avx512_fp16": True, "xla_flags": "--xla_cpu_max_isa=AVX2"}
    text = _features(fp16)
    assert "AVX512-FP16 (XLA computes float16 natively)" in text
    assert "glibc 2.36" in text and "XLA_FLAGS=--xla_cpu_max_isa=AVX2" in text
    assert _features(REFERENCE) == "FMA, no AVX512-FP16, glibc 2.36"


def test_probable_cause_names_known_host_features():
    fp16 = {**REFERENCE, "cpu_has_avx512_fp16": True}
    assert "AVX512-FP16" in probable_cause("jax", "uniform/float16", fp16)
    assert "AVX512-FP16" in probable_cause("jax", "truncated_normal/bfloat16", fp16)
    assert probable_cause("numpy", "uniform/float16", fp16) is None
    assert "no FMA" in probable_cause("jax", "uniform/float32", {**REFERENCE, "cpu_has_fma": False})
    musl = {**REFERENCE, "libc": "musl 1.2"}
    assert "musl" in probable_cause("numpy", "normal/float64", musl)
    assert probable_cause("jax", "uniform/float16", REFERENCE) is None


def test_a_line_per_finished_row_without_a_terminal():
    out = io.StringIO()
    bar = Progress(4, out, enabled=False, rows={"numpy cpu": 2, "torch cpu": 2})
    bar.update("numpy cpu key", "numpy cpu")
    bar.update("torch cpu key", "torch cpu")
    assert out.getvalue() == ""
    bar.update("numpy cpu bits/uint32", "numpy cpu")
    assert out.getvalue().startswith("unirand: numpy cpu done (3/4 cells, ")
    bar.update("torch cpu bits/uint32", "torch cpu")
    bar.close()
    assert len(out.getvalue().splitlines()) == 2 and "torch cpu done (4/4" in out.getvalue()


def test_no_row_lines_on_a_terminal():
    out = io.StringIO()
    bar = Progress(1, out, enabled=True, rows={"numpy cpu": 1})
    bar.update("numpy cpu key", "numpy cpu")
    bar.close()
    assert "done" not in out.getvalue()
