"""Presentation mode and the layout rules for narrow screens and projectors (UI only).

``?present=1`` (kept in the URL, so share links open it too) collapses the sidebar, sets large
type, gives every chart the screen's width (chart columns stacked) and lets ← / → step the
animation a lecturer last touched (else the first one on screen). The narrow rules hold always:
columns of charts and formulas stack when the page's content is narrower than
``STACK_BELOW_PX`` (a browser at 800 px, a projector at 1280×720 with the sidebar open), all
columns below ``STACK_ALL_BELOW_PX``, and a formula too wide for its
column scrolls instead of being cut.

app.py calls ``sidebar_state`` for ``st.set_page_config`` and then ``chrome`` once per run.
"""

from __future__ import annotations

import functools

import streamlit as st

import ui
from clarke_core.figures import style
from clarke_core.figures.export import PRESENT_FONT

PRESENT = ui.PRESENT  # the session key of the toggle, and the URL parameter's name
URL = ui.UrlParam(PRESENT, "0", choices=("0", "1"))
# Rows of columns holding a chart, a formula or a table stack below this content width; rows of
# inputs only below the second (they still fit side by side at 800 px).
STACK_BELOW_PX, STACK_ALL_BELOW_PX = 900, 600

# The main column is a CSS size container, so columns stack by the width the page's content
# really has, with or without the sidebar (a viewport @media rule cannot see the sidebar).
_COLUMNS = '[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"])'
_PICTURES = ':has(.js-plotly-plot, .katex-display, [data-testid="stDataFrame"])'


def _stacked(rows: str) -> str:
    """CSS that lays the columns of ``rows`` (a selector) one under the other, full width."""
    return (f"{rows} {{ flex-direction: column; flex-wrap: wrap; row-gap: 1rem; }}\n"
            f'{rows} > [data-testid="stColumn"] {{ width: 100% !important; '
            "flex: 1 1 auto !important; min-width: 100% !important; }\n")


LAYOUT_CSS = f"""
[data-testid="stMainBlockContainer"] {{ container-type: inline-size; }}
@container (max-width: {STACK_BELOW_PX}px) {{ {_stacked(_COLUMNS + _PICTURES)} }}
@container (max-width: {STACK_ALL_BELOW_PX}px) {{ {_stacked(_COLUMNS)} }}
.katex-display {{ overflow-x: auto; overflow-y: hidden; max-width: 100%;
  padding-bottom: 0.25rem; }}
.js-plotly-plot, [data-testid="stPlotlyChart"] {{ max-width: 100%; }}
"""

# Large type, and one chart per screen width: a row of columns holding a chart is stacked.
PRESENT_CSS = f"""
html {{ font-size: {PRESENT_FONT}px; }}
[data-testid="stMainBlockContainer"] {{ padding-left: 2rem; padding-right: 2rem;
  max-width: 100%; }}
""" + _stacked(_COLUMNS + ":has(.js-plotly-plot)")

# ← / → move the step slider of the animation the lecturer last clicked or hovered (else the
# first one on screen, else the first on the page) by one step. Plotly is not a global of
# Streamlit's frontend, so the keys press plotly's own slider: a mousedown on its rail at the
# next step's tick, as a mouse would. Active only while the URL says present=1; installed once.
KEYS_JS = """
<script>
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  const win = doc.defaultView;
  if (win.__clarkePresentKeys) return;
  win.__clarkePresentKeys = true;
  let last = null;
  const animated = (gd) => gd && gd.layout && gd.layout.sliders && gd.layout.sliders.length
      && gd.querySelector('.slider-rail-touch-rect');
  doc.addEventListener('pointerdown', (e) => {
    const gd = e.target.closest && e.target.closest('.js-plotly-plot');
    if (animated(gd)) last = gd;
  }, true);
  doc.addEventListener('pointerover', (e) => {
    const gd = e.target.closest && e.target.closest('.js-plotly-plot');
    if (animated(gd)) last = gd;
  }, true);
  const onScreen = (gd) => {
    const r = gd.getBoundingClientRect();
    return r.bottom > 0 && r.top < win.innerHeight;
  };
  const target = () => {
    if (last && last.isConnected && animated(last)) return last;
    const all = [...doc.querySelectorAll('.js-plotly-plot')].filter(animated);
    return all.find(onScreen) || all[0] || null;
  };
  doc.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    if (new URLSearchParams(win.location.search).get('present') !== '1') return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)
              || (t.getAttribute && t.getAttribute('role') === 'slider'))) return;
    const gd = target();
    if (!gd) return;
    const slider = gd.layout.sliders[0];
    const ticks = [...gd.querySelectorAll('.slider-container .slider-tick-rect')];
    const count = (slider.steps || []).length;
    if (!count || ticks.length !== count) return;
    const now = slider.active || 0;
    const next = Math.max(0, Math.min(count - 1, now + (e.key === 'ArrowRight' ? 1 : -1)));
    e.preventDefault();
    if (next === now) return;
    const tick = ticks[next].getBoundingClientRect();
    const rail = gd.querySelector('.slider-rail-touch-rect');
    const at = {bubbles: true, cancelable: true, view: win, button: 0,
                clientX: tick.left + tick.width / 2, clientY: tick.top + tick.height / 2};
    rail.dispatchEvent(new win.MouseEvent('mousedown', at));
    gd.dispatchEvent(new win.MouseEvent('mouseup', at));
  });
})();
</script>
"""


@functools.cache  # a fact of the theme, the same on every run (computing it took ~12 ms a run)
def label_css(dark: bool) -> str:
    """CSS that draws figure text in a role colour too faint for the theme's background (teal
    labels on the dark theme, orange on the light one) in the readable variant of that colour
    (``style.text_colours``). Figures are drawn once for both themes, so the page, which knows
    the theme, recolours their text; lines and fills keep the role colours (3:1 is enough
    there)."""
    backgrounds = style.DARK_BACKGROUNDS if dark else (style.LIGHT_BACKGROUND,)
    return "".join(
        f'.js-plotly-plot text[style*="fill: {style.css_rgb(faint)};"] '
        f"{{ fill: {readable} !important; }}\n"
        for faint, readable in style.text_colours(backgrounds).items())


def presenting() -> bool:
    """Whether this session is in presentation mode: the toggle's value, started from the URL's
    ``present`` once per session (any other value than 0 or 1 is refused in one sentence)."""
    if PRESENT not in st.session_state:
        raw = st.query_params.get(PRESENT)
        value = None if raw is None else URL.read(raw)
        st.session_state[PRESENT] = value == "1"
        if raw is not None and value is None:
            st.session_state[f"{PRESENT}_refused"] = raw
    return bool(st.session_state[PRESENT])


def sidebar_state() -> str:
    """``initial_sidebar_state`` for ``st.set_page_config``: collapsed while presenting."""
    return "collapsed" if presenting() else "auto"


def chrome() -> None:
    """The layout CSS, the presentation toggle in the sidebar, and (while presenting) large type
    and the ← / → keys; keeps ``present=1`` in the URL, which pages' share links copy."""
    refused = st.session_state.pop(f"{PRESENT}_refused", None)
    if refused is not None:
        st.warning(f"The link's {PRESENT} = {ui.quoted(refused)} is not {URL.allowed()}, so the "
                   "page opens without presentation mode.")
    st.sidebar.toggle("Presentation mode", key=PRESENT,
                      help="Large type, one figure per screen width, and ← / → step the "
                           "animation. Kept in the share link (present=1).")
    on = bool(st.session_state[PRESENT])
    dark = getattr(st.context.theme, "type", None) == "dark"
    st.html(f"<style>{LAYOUT_CSS}{label_css(dark)}{PRESENT_CSS if on else ''}</style>")
    if on:
        st.sidebar.html(KEYS_JS, unsafe_allow_javascript=True)
        if st.query_params.get(PRESENT) != "1":
            st.query_params[PRESENT] = "1"
    elif PRESENT in st.query_params:
        del st.query_params[PRESENT]
