"""Time to a drawn chart in a real browser: each page of the app against a bare Streamlit + plotly
page served in the same run (target, issue 16: at most 1.2 times the bare page).

The app, the bare page and the app's frame around the bare chart (the floor under every page) are
served here, warmed once (their "/" opened and run to the end), then each page URL is opened in 5
fresh browser contexts of headless Chromium, each load right after a load of the bare page, so
that both see the same machine (a busy moment slows the pair, not one side); the time counted
runs from ``page.goto`` to the first visible plotly chart, or to the end of the script run on a
page that has no chart. A page's median of 5 is divided by the median of all the bare loads.
Needs Playwright and /usr/bin/chromium.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

from . import app_server
from .table import Row

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PAGES = ("/", "/clarke?dim=1", "/clarke?dim=2", "/subgradients", "/clarke-properties",
         "/homogeneity", "/relu-network", "/gradient-inclusion", "/autodiff", "/homework",
         "/lecture-check")
BARE_CHART = "st.plotly_chart(go.Figure(go.Scatter(y=[1, 3, 2])))"
BARE_PAGE = f"import streamlit as st, plotly.graph_objects as go\n{BARE_CHART}\n"
# The app's frame around the bare chart: app.py itself (page config, sidebar, navigation of every
# page, the layout CSS), with its default page swapped for the bare chart. Its row is the floor
# that the app's own chrome puts under every page, measured like a page.
FRAME = "(app frame)"
FRAME_PAGE = f"""import runpy, sys
from pathlib import Path
import streamlit as st, plotly.graph_objects as go
ROOT = Path({str(ROOT)!r})
sys.path.insert(0, str(ROOT))
app_page = st.Page


def bare():
    {BARE_CHART}


def page(source, *args, **options):
    if options.get("default"):
        return app_page(bare, title=options["title"], default=True)
    return app_page(ROOT / source, *args, **options)


st.Page = page
runpy.run_path(str(ROOT / "app.py"))
"""
LOADS = 5
TARGET = 1.2
TIMEOUT_MS = 120_000

GRACE_MS = 5_000
# Pages that draw no chart when first opened: timed to the end of their script run. Every other
# page is timed to its first drawn chart, however long after the run that comes.
NO_CHART = ("/", "/homework", "/lecture-check")

# Polled in the page: {kind: "chart", t} once a plotly chart is drawn and visible; {kind: "idle",
# t} when the script run has ended and no chart has appeared for GRACE_MS after it (t is when
# the run was first seen ended). Plotly charts are drawn a moment after the run ends, so the
# grace is needed to tell a page without charts; t is the page's clock (performance.now()).
DRAWN = """(grace) => {
  const now = performance.now();
  for (const p of document.querySelectorAll('.js-plotly-plot')) {
    const r = p.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && getComputedStyle(p).visibility !== 'hidden')
      return {kind: 'chart', t: now, now};
  }
  const idle = document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']");
  if (!idle) { window.__idleAt = undefined; return false; }
  if (window.__idleAt === undefined) window.__idleAt = now;
  return now - window.__idleAt >= grace ? {kind: 'idle', t: window.__idleAt, now} : false;
}"""


def _start(servers: contextlib.ExitStack, script: Path, log_dir: Path) -> str:
    """Serve ``script`` until ``servers`` closes; returns its base URL."""
    port = app_server.free_port()
    proc = app_server.start(script, port, log_dir / f"{script.stem}-{port}.log")
    servers.callback(app_server.stop, proc)
    base = f"http://{app_server.HOST}:{port}"
    problem = app_server.wait_healthy(proc, base, limit=60)
    if problem:
        raise RuntimeError(f"{problem} for {script}")
    return base


def _load(browser, url: str, grace_ms: int = GRACE_MS) -> tuple[float, str]:
    """Seconds from goto to a drawn chart (or the end of the run, when no chart has come
    ``grace_ms`` after it), in a fresh context."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        handle = page.wait_for_function(DRAWN, arg=grace_ms, timeout=TIMEOUT_MS)
        waited = time.perf_counter() - start
        seen = handle.json_value()
        # Back from the moment the poll returned to the moment the chart or the end was seen.
        return waited - (seen["now"] - seen["t"]) / 1000, seen["kind"]
    finally:
        context.close()


def _median(browser, base: str, path: str, chart: bool, bare: str,
            bare_loads: list[float]) -> tuple[float, str]:
    """The median of LOADS loads of ``base + path``, each after a load of the bare page (its time
    appended to ``bare_loads``)."""
    loads = []
    for _ in range(LOADS):
        bare_loads.append(_load(browser, bare + "/")[0])
        loads.append(_load(browser, base + path, TIMEOUT_MS if chart else GRACE_MS))
    return statistics.median(t for t, _ in loads), loads[-1][1]


def main(pages: tuple[str, ...] = PAGES) -> list[Row]:
    """Measure ``pages`` (URL paths; all pages by default)."""
    from playwright.sync_api import sync_playwright

    print(__doc__.splitlines()[0] + " " + __doc__.splitlines()[1])
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as servers:
        scripts = {"bare": BARE_PAGE, "frame": FRAME_PAGE}
        for name, text in scripts.items():
            (Path(tmp) / f"{name}.py").write_text(text, encoding="utf-8")
        app_url = _start(servers, ROOT / "app.py", Path(tmp))
        bare_url = _start(servers, Path(tmp) / "bare.py", Path(tmp))
        frame_url = _start(servers, Path(tmp) / "frame.py", Path(tmp))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            try:
                for url in (app_url, bare_url, frame_url):
                    _load(browser, url + "/")  # warm each server once
                bare_loads: list[float] = []
                results = [(FRAME, *_median(browser, frame_url, "/", True, bare_url,
                                             bare_loads))]
                results += [(path, *_median(browser, app_url, path, path not in NO_CHART,
                                            bare_url, bare_loads))
                            for path in pages]
                bare_s = statistics.median(bare_loads)
            finally:
                browser.close()

    print(f"{'page':22} {'until':6} {'median ms':>10} {'bare ms':>8} {'× bare':>7}  ≤ {TARGET}×")
    rows = []
    for path, seconds, until in results:
        ratio = seconds / bare_s
        met = None if path == FRAME else ratio <= TARGET
        print(f"{path:22} {until:6} {seconds * 1000:10.0f} {bare_s * 1000:8.0f} {ratio:7.2f}  "
              f"{'-' if met is None else 'yes' if met else 'NO'}")
        rows.append(Row(f"time to chart {path}", seconds * 1000, "ms",
                        "bare Streamlit + plotly page", bare_s * 1000,
                        "the floor: no target" if met is None else f"≤ {TARGET:g}× bare", met))
    print(f"median of {LOADS} fresh loads each, the bare page's of all {len(bare_loads)}; "
          f"'until' is chart (drawn) or idle (no chart); {FRAME} is the bare chart inside the "
          "app's own page config, sidebar, navigation and CSS")
    return rows


if __name__ == "__main__":
    # `python -m benchmarks.time_to_chart /clarke-2d /subgradients` measures only those pages.
    main(tuple(sys.argv[1:]) or PAGES)
