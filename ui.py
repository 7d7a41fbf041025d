"""What the pages share: the example picker with f and point inputs kept in the URL, the
sandboxed computation with its one-sentence errors, and the share link.

UI only (streamlit); pages import it, clarke_core never does. Kept out of app_pages/, which
holds only pages.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from clarke_core import InputError
from clarke_core.engine.parsing import MAX_TEXT_LENGTH
from clarke_core.engine.primitives import PRIMITIVES
from clarke_core.service import sandbox
from clarke_core.views.examples import Example, find_example

OWN = "Your own function"
SOMETHING_WRONG = "Something went wrong on our side; please try another function or point."
# The session key (and URL parameter) of presentation mode; ui_present draws its toggle.
PRESENT = "present"
CHART_CONFIG = {"displaylogo": False}

# The characters that open Markdown or HTML constructs anywhere in a line (links, images,
# emphasis, code, tables, strikethrough, HTML and entities, $ maths, Streamlit's :directives[]):
# a backslash makes each one literal (CommonMark escapes any ASCII punctuation).
_INLINE = re.compile(r"[\\`*_{}\[\]<>#!|~$&@]|:(?=\S)")
# At the start of a line these open a list, quote or heading as well.
_LINE_START = re.compile(r"^(\s*|\s*\d+)((?<!\d)[-+=>]|(?<=\d)[.)])")
# Text-node rewrites that run after the escapes are resolved (so an escape cannot stop them):
# GFM's literal autolinks (www., http://, e-mail) and Streamlit's :material/…: icons,
# :streamlit: and emoji shortcodes. A zero-width space after each : and @ (a : before a space
# starts none of them) and inside www. breaks their patterns.
_AFTER_ESCAPES = re.compile(r"(?<=\\[:@])|(?<=\b[wW]{3})(?=\.)")
_ZERO_WIDTH_SPACE = "\u200b"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def user_text(text: str, *, inline: bool = False) -> str:
    """``text`` (a URL value, a typed function or answer, a file's content, or a message that may
    echo one) made safe to put inside Markdown: it shows as the very characters typed, on one
    line, and never as a link, image, heading, list, icon, emphasis or HTML.

    The one way pages show user-derived text in Markdown (``st.text`` and ``st.code`` need none).
    ``inline``: the caller puts it after other text on the line, so a leading "1." or "-" can
    start no list there and stays as typed.

    >>> print(user_text("[Log in](evil) x**2 - 1"))
    \\[Log in\\](evil) x\\*\\*2 - 1
    >>> print(user_text("- 1. item"))
    \\- 1. item
    """
    one_line = _CONTROL.sub(" ", str(text))
    escaped = _INLINE.sub(lambda m: "\\" + m.group(), one_line)
    if not inline:
        escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    return _AFTER_ESCAPES.sub(_ZERO_WIDTH_SPACE, escaped)


def markdown_table(rows: Sequence[Mapping[str, str]]) -> str:
    """A small static table as Markdown (a GFM table), each cell ``user_text``: drawn with the
    page's text, where ``st.table`` would load the frontend's Arrow reader first (on /autodiff its
    two tables cost about a fifth of the bare page's time to a drawn chart).

    >>> print(markdown_table([{"a": "1", "b": "x|y"}]))
    | a | b |
    |---|---|
    | 1 | x\\|y |
    """
    header = list(rows[0])
    lines = ["| " + " | ".join(user_text(h, inline=True) for h in header) + " |",
             "|---" * len(header) + "|"]
    lines += ["| " + " | ".join(user_text(row[h], inline=True) for h in header) + " |"
              for row in rows]
    return "\n".join(lines)


def quoted(raw: str, limit: int = 40) -> str:
    """A URL value or typed text quoted in a sentence: shortened to ``limit`` characters, then
    ``user_text``."""
    short = raw if len(raw) <= limit else raw[: limit - 1] + "…"
    return f"'{user_text(short, inline=True)}'"


def function_help(variables: str) -> str:
    """What a student may type, from the primitive table (so a new primitive shows up here).

    ``variables`` is "x" or "x and y".
    """
    functions = ", ".join(p.name for p in PRIMITIVES if not p.constant and p.name != "Piecewise")
    constants = " and ".join(p.name for p in PRIMITIVES if p.constant)
    return (f"Use {variables}, numbers, + - * / ^, {constants}, {functions}, and "
            "Piecewise((expr, condition), ..., (expr, True)).")


def function_inputs(prefix: str, examples: tuple[Example, ...], *, f_label: str, at_label: str,
                    f_help: str, at_help: str, typed_at: str) -> tuple[str, str]:
    """An example picker and the f and point inputs, under session keys ``<prefix>_example``,
    ``<prefix>_f`` and ``<prefix>_at``, mirrored in the URL (``f``, ``at``); returns (f, at).

    URL values are untrusted text: they are only ever shown in inputs and sent to the sandbox.
    ``typed_at`` is the point used when a URL gives a function but no point.
    """
    pick, f, at = f"{prefix}_example", f"{prefix}_f", f"{prefix}_at"
    labels = [e.label for e in examples] + [OWN]

    def label_of(text: str, point: str) -> str:
        example = find_example(examples, text, point)
        return example.label if example else OWN

    def on_pick() -> None:
        example = next((e for e in examples if e.label == st.session_state[pick]), None)
        if example:
            st.session_state[f], st.session_state[at] = example.expr, example.at

    def on_type() -> None:
        st.session_state[pick] = label_of(st.session_state[f], st.session_state[at])

    if f not in st.session_state:
        st.session_state[f] = url_text("f", examples[0].expr)
        st.session_state[at] = url_text(
            "at", examples[0].at if "f" not in st.query_params else typed_at)
        st.session_state[pick] = label_of(st.session_state[f], st.session_state[at])

    pick_col, f_col, at_col = st.columns([2, 3, 1.2])
    pick_col.selectbox("Example", labels, key=pick, on_change=on_pick)
    # max_chars is also enforced on the server: a longer value sent by a client is cut there.
    f_col.text_input(f_label, key=f, on_change=on_type, help=f_help, max_chars=MAX_TEXT_LENGTH)
    at_col.text_input(at_label, key=at, on_change=on_type, help=at_help,
                      max_chars=MAX_TEXT_LENGTH)
    text, point = st.session_state[f], st.session_state[at]
    if st.query_params.get("f") != text or st.query_params.get("at") != point:
        st.query_params.update({"f": text, "at": point})
    example = find_example(examples, text, point)
    if example:
        st.caption(f"**What this example teaches.** {example.note}")
    return text, point


def url_text(name: str, default: str) -> str:
    """The URL's text ``name`` (a function or a point) for a text field, or ``default`` (with one
    sentence) when it is longer than a field takes: nothing longer is kept in the session."""
    raw = st.query_params.get(name)
    if raw is None:
        return default
    if len(raw) > MAX_TEXT_LENGTH:
        st.warning(f"The link's {name} is too long ({len(raw)} characters; the limit is "
                   f"{MAX_TEXT_LENGTH}), so {quoted(default)} is used instead.")
        return default
    return raw


def computed(compute: Callable[[str, str], object], text: str, at: str, *, spinner: str,
             hint: str) -> object:
    """``compute(text, at)`` (a cached, sandboxed function of the page) behind a spinner; bad input
    shows its one sentence and stops the page, never a traceback."""
    if not text.strip() or not at.strip():
        st.info(hint)
        st.stop()
    try:
        with st.spinner(spinner), sandbox.acting_for(*session_owner()):
            return compute(text, at)
    except InputError as err:
        st.error(user_text(str(err)))
    except RuntimeError:
        st.error(SOMETHING_WRONG)
    st.stop()


@st.cache_resource(max_entries=1, show_spinner=False)
def classroom_store():
    """The classroom store of this server (``CLARKE_LAB_DATABASE_URL``, else the SQLite file in
    data/), opened once and shared by every session; serve.py opened and migrated it on start.
    A database that cannot be opened raises ``StoreError``, a sentence for ``st.error``."""
    from clarke_core.classroom import Store

    return Store()


def session_owner() -> tuple[str | None, Callable[[], bool] | None]:
    """This session's id, for the sandbox's fair queue (one worker per session), and a check
    that says when Streamlit wants this run to stop (a newer rerun, a closed tab), so that a
    call still waiting for a worker gives up; (None, None) outside a script run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return None, None
    requests = ctx.script_requests

    def cancelled() -> bool:  # ScriptRequests keeps its state private; read it, never consume it
        state = getattr(requests, "_state", None)
        return state is not None and getattr(state, "name", "CONTINUE") != "CONTINUE"

    return ctx.session_id, cancelled


def share_link(text: str | None = None, at: str | None = None) -> None:
    """The address that reopens this page as it is: the function and point (when the page has
    them) and every control kept in the URL by ``keep_in_url``."""
    shown = "the same function, point and settings" if text is not None else "the same settings"
    st.caption(f"**Share this view**: this link opens {shown}.")
    typed = {"f": text, "at": at} if text is not None else {}
    url = f"{st.context.url or ''}?{urlencode({**st.query_params.to_dict(), **typed})}"
    # A link, not st.code: the code box loads a 1.5 MB highlighter before the first chart is
    # drawn. urlencode escapes every character markdown could read ([, ], (, ), *, _ ...).
    st.markdown(f"[{url}]({url})")


@dataclass(frozen=True)
class UrlParam:
    """A page control kept in the URL as ``name``: a number in [lo, hi] (an integer when
    ``integer``) or, when ``choices`` is given, one of those strings."""

    name: str
    default: object
    lo: float | None = None
    hi: float | None = None
    integer: bool = False
    choices: tuple[str, ...] = ()

    def read(self, raw: str):
        """The value that URL text stands for, or None when it is not allowed."""
        if self.choices:
            return raw if raw in self.choices else None
        try:
            value = float(raw)
        except ValueError:
            return None
        if not math.isfinite(value) or (self.integer and not value.is_integer()):
            return None
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            return None
        return int(value) if self.integer else value

    def allowed(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        what = "a whole number" if self.integer else "a number"
        return f"{what} from {self.lo:g} to {self.hi:g}" if self.lo is not None else what


def restore_from_url(params: dict[str, UrlParam]) -> None:
    """Start each control (session key -> its URL parameter) from the URL, once per session.

    URL values are untrusted text: only a value ``UrlParam.read`` allows is taken; any other
    keeps the default and the page says so in one sentence. Call it before the widgets, and
    give those widgets ``key=`` only (no ``value=``), so the session value is the one shown.
    """
    for key, param in params.items():
        if key in st.session_state:
            continue
        raw = st.query_params.get(param.name)
        value = None if raw is None else param.read(raw)
        if raw is not None and value is None:
            st.warning(f"The link's {param.name} = {quoted(raw)} is not {param.allowed()}, "
                       f"so {param.default} is used instead.")
        st.session_state[key] = param.default if value is None else value


def check_bound_value(name: str, allowed: tuple[str, ...]) -> None:
    """For a widget that Streamlit binds to the URL itself (``bind="query-params"``): Streamlit
    drops a value it does not know without a word, so say so in one sentence. Call it before
    the widget (afterwards the value is gone from the URL)."""
    param, raw = UrlParam(name, None, choices=allowed), st.query_params.get(name)
    if raw is not None and param.read(raw) is None:
        st.warning(f"The link's {name} = {quoted(raw)} is not {param.allowed()}, so it is "
                   "ignored.")


def forget_in_url(names: tuple[str, ...]) -> None:
    """Take ``names`` out of the URL (a page's other mode leaves them behind). Those bound to a
    widget, like a lazy expander's open state, leave with their widget."""
    from streamlit.errors import StreamlitAPIException

    for name in names:
        if name in st.query_params:
            try:
                del st.query_params[name]
            except StreamlitAPIException:
                pass


def keep_in_url(params: dict[str, UrlParam]) -> None:
    """Write the controls' current values into the URL, so that a copied address restores the
    view (call it after the widgets)."""
    wanted = {p.name: str(st.session_state[k]) for k, p in params.items() if k in st.session_state}
    if any(st.query_params.get(name) != value for name, value in wanted.items()):
        st.query_params.update(wanted)


_EDITOR_START = {
    1: [{"expression": "-x", "condition": "x < 0"}, {"expression": "x", "condition": "True"}],
    2: [{"expression": "x + y", "condition": "x + y >= 0"},
        {"expression": "-(x + y)", "condition": "True"}],
}


@st.cache_data(max_entries=64, show_spinner=False)
def _checked_pieces(rows: tuple[tuple[str, str], ...], dim: int):
    from clarke_core.service import sandbox
    from clarke_core.views.piecewise_editor import check_rows

    # The cells are a stranger's text: parsed and checked in a limited worker process.
    return sandbox.run(check_rows, rows, dim, timeout=10.0)


def editor_edits_fit(key: str, rows: int, columns: int, *, max_rows: int | None = None) -> bool:
    """Call before ``st.data_editor(..., key=key)`` on a table of ``rows`` × ``columns``: the
    edits the browser sent for it are dropped (and False returned) unless they leave at most
    ``max_rows`` rows (None: a fixed table, no row added or deleted) and touch only cells that
    are there. Streamlit applies added rows one by one before the page sees the table, so a
    crafted message with thousands of rows would cost seconds of the server's CPU."""
    try:
        state = st.session_state.get(key)
    except Exception:  # an edit state that does not even deserialize
        state = False
    if state is None or _edits_fit(state, rows, columns, max_rows):
        return True
    try:
        del st.session_state[key]
    except KeyError:
        pass
    return False


def _edits_fit(state, rows: int, columns: int, max_rows: int | None) -> bool:
    try:
        edited, added, deleted = (state["edited_rows"], state["added_rows"],
                                  state["deleted_rows"])
        if max_rows is None and (added or deleted):
            return False
        if len(added) > len(deleted) + (max_rows or rows) - rows or len(deleted) > rows:
            return False
        if not all(isinstance(r, int) and 0 <= r < rows for r in deleted):
            return False
        return len(edited) <= rows + len(added) and all(
            isinstance(r, int) and 0 <= r < rows + len(added) and len(cells) <= columns
            for r, cells in edited.items()) and all(len(row) <= columns for row in added)
    except (KeyError, TypeError, AttributeError):
        return False


def piecewise_editor(prefix: str, dim: int) -> str | None:
    """Rows of (expression, condition) for students who do not know the ``Piecewise`` syntax,
    checked as they type (cells, gaps, overlaps, continuity). When all is well, shows the
    ``Piecewise(...)`` text and a button that puts it in the field ``<prefix>_f`` of
    ``function_inputs``; returns the text (None while there are problems)."""
    variables = "x" if dim == 1 else "x and y"
    from clarke_core.views.piecewise_editor import MAX_ROWS

    if not editor_edits_fit(f"{prefix}_pieces", len(_EDITOR_START[dim]), 2, max_rows=MAX_ROWS):
        st.warning(f"The table's edits were dropped: it holds at most {MAX_ROWS} rows.")
    table = st.data_editor(
        _EDITOR_START[dim], num_rows="dynamic", key=f"{prefix}_pieces", hide_index=True,
        column_config={
            "expression": st.column_config.TextColumn(
                "expression", help=f"A function of {variables}, such as x**2 or abs(x) - 1."),
            "condition": st.column_config.TextColumn(
                "condition", help="Where this row holds, such as x < 0 or (x >= 0) & (x < 1); "
                                  "end with True for everything else."),
        })
    rows = tuple((str(r.get("expression") or ""), str(r.get("condition") or ""))
                 for r in table)
    try:
        check = _checked_pieces(rows, dim)
    except InputError as err:
        st.error(user_text(str(err)))
        return None
    except RuntimeError:
        st.error(SOMETHING_WRONG)
        return None
    if check.problems:
        st.warning("\n".join(f"- {user_text(p)}" for p in check.problems))
    for note in check.notes:
        st.caption(user_text(note))
    if check.text is None:
        return None

    def fill() -> None:
        st.session_state[f"{prefix}_f"] = check.text
        st.session_state[f"{prefix}_example"] = OWN

    st.code(check.text, language=None, wrap_lines=True)
    st.button("Use this function", key=f"{prefix}_use_pieces", on_click=fill, type="primary")
    return check.text


def pieces_expander(prefix: str, dim: int) -> None:
    """The piecewise editor in a lazy expander: it (a data grid, and a sandbox call to check its
    rows) runs only when opened, so the page's first chart does not wait for it; its open state
    is kept in the URL (``pieces``)."""
    check_bound_value("pieces", ("true", "false"))
    variables = "x" if dim == 1 else "x and y"
    pieces = st.expander(f"Build f({'x' if dim == 1 else 'x, y'}) from pieces (no Piecewise "
                         "syntax needed)", key="pieces", on_change="rerun", bind="query-params")
    if pieces.open:
        with pieces:
            st.caption(f"One row per piece: its expression in {variables} and the condition "
                       "where it holds. Rows are checked as you type; the theory needs a "
                       "continuous f, so jumps are reported.")
            piecewise_editor(prefix, dim)


# One PNG at a time per server: each render starts a Chromium of about 1 GiB, and the pod's memory
# limit (deploy/k8s/deployment.yaml) counts one.
_PNG_SLOT = threading.BoundedSemaphore(1)

# The files a download button hands out, built once per figure and kept by a digest of the
# figure's JSON: every click on the same figure returns the same bytes object, so Streamlit's
# media storage (which names a file by a hash of its bytes) keeps one copy, not one per click.
# At most _FILES_KEPT files for the whole server (about 5 MB each for HTML: 20 MB), the least
# recently used first out. Streamlit's storage drops its own reference to a downloaded file two
# script runs later; this copy is then the only one.
_FILES_KEPT = 4
_FILES: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_FILES_LOCK = threading.Lock()
# plotly gives every figure div a random id; a fixed one makes the file a function of the figure.
_DIV_ID = "clarke-lab-figure"


def chart(fig, *, modebar: bool = True, **options) -> None:
    """``st.plotly_chart(fig)`` with the app's chart settings (no plotly logo; no mode bar at all
    when ``modebar`` is false), ``options`` passed on (``key``, ``width``). In presentation mode
    the figure's text is drawn as large as the page's type (``export.presentation_figure``, a
    copy: the figure itself, maybe shared by a cache, is not changed)."""
    config = CHART_CONFIG if modebar else {**CHART_CONFIG, "displayModeBar": False}
    if st.session_state.get(PRESENT):
        from clarke_core.figures.export import presentation_figure
        fig = presentation_figure(fig)
    st.plotly_chart(fig, config=config, **options)


def _figure_digest(fig) -> str:
    return hashlib.sha256(fig.to_json().encode()).hexdigest()


def _kept_file(kind: str, fig, build: Callable[[str], bytes]) -> bytes:
    """``build(digest)`` for ``fig``, or the bytes built before for the same figure."""
    key = (kind, _figure_digest(fig))
    with _FILES_LOCK:
        if key in _FILES:
            _FILES.move_to_end(key)
            return _FILES[key]
    data = build(key[1])
    with _FILES_LOCK:
        data = _FILES.setdefault(key, data)  # a parallel click's copy wins, so only one is kept
        _FILES.move_to_end(key)
        while len(_FILES) > _FILES_KEPT:
            _FILES.popitem(last=False)
    return data


def _picture_renderer() -> Callable[[object, str], bytes] | None:
    """A function ``render(fig, format)`` that draws a plotly figure as PNG or SVG with kaleido
    and a locally installed Chromium, or None when kaleido or a Chromium is missing. Nothing is
    downloaded: the browser is the system's (``BROWSER_PATH``, else ``chromium`` on the PATH),
    plotly.js is plotly.py's own copy, and MathJax is off (the labels are Unicode, and MathJax
    would come from a CDN). A figure already drawn in a format is not drawn again (the bytes
    are kept, see ``_kept_file``)."""
    try:
        import kaleido
    except ImportError:
        return None
    browser = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    if not browser:
        return None
    os.environ.setdefault("BROWSER_PATH", browser)

    def draw(fig, fmt: str) -> bytes:
        # PNG at twice the slide's pixels, for a crisp picture on a large screen; SVG is vector.
        with _PNG_SLOT:
            return kaleido.calc_fig_sync(fig, opts={"format": fmt, "scale": 2 if fmt == "png"
                                                    else 1}, kopts={"mathjax": False})

    def render(fig, fmt: str) -> bytes:
        return _kept_file(fmt, fig, lambda _digest: draw(fig, fmt))

    return render


def _figure_html(fig) -> bytes:
    """``fig`` as one HTML page with plotly.js inside (about 5 MB, UTF-8): opens offline,
    animation too. The same figure always gives the same bytes (a fixed div id), built once.
    The figure's digest is written near the end of the file: Streamlit names a file over 1 MiB by
    a hash of its length, head, middle and last 64 KiB only, so two figures of the same length
    that differ early in a long data array would otherwise share one name (and one download)."""

    def build(digest: str) -> bytes:
        html = fig.to_html(include_plotlyjs=True, full_html=True, div_id=_DIV_ID)
        html = html.replace("</body>", f"<!-- figure sha256:{digest} -->\n</body>", 1)
        return html.encode()

    return _kept_file("html", fig, build)


def figure_downloads(fig, name: str, title: str | None = None) -> None:
    """A Download menu whose buttons download ``fig`` as a standalone HTML file (plotly.js
    inside, so it works offline, animation included) and, when kaleido and a Chromium are
    installed, as a slide-ready PNG and SVG: the picture at its last step, without Play, Pause
    or slider, at 16:9, with ``title`` (the line ``f(x) = …, x₀ = …, ∂f(x₀) = …``, see
    ``export.slide_title``) above it. Each file is made only when its button is clicked
    (Streamlit's deferred download: a rerun registers a callable, nothing is built), once per
    figure, and every later click on the same figure gets the same file; ``name`` is the file
    name without extension and must be unique on the page."""
    from clarke_core.figures.export import slide_figure

    # One button that opens the three: a closed popover's buttons are not drawn, so each chart
    # costs the page's first paint one button, not three.
    row = st.popover("Download", icon=":material/download:",
                     help="The figure as an HTML file, or as a PNG or SVG for a slide.")
    row.download_button(
        "Download HTML", lambda: _figure_html(fig),
        file_name=f"{name}.html", mime="text/html", key=f"download_{name}_html",
        on_click="ignore", icon=":material/download:",
        help="The interactive figure as one HTML file (about 5 MB, as plotly.js is inside: "
             "it works offline).")
    render = _picture_renderer()
    if render is None:
        return
    for fmt, mime, icon in (("png", "image/png", ":material/image:"),
                            ("svg", "image/svg+xml", ":material/draw:")):
        row.download_button(
            f"Download {fmt.upper()}", lambda fmt=fmt: render(slide_figure(fig, title), fmt),
            file_name=f"{name}.{fmt}", mime=mime, key=f"download_{name}_{fmt}",
            on_click="ignore", icon=icon,
            help="For a slide: the figure at its last step, without controls, 16:9, with a "
                 "title line naming f, x₀ and ∂f(x₀) (takes a few seconds to make).")
