"""The bodies of lesson pages, too long for one page file: streamlit UI only, like ui.py.

Pages import these modules; clarke_core never does (tests/test_layering.py checks both). Kept
out of app_pages/, which holds only pages.
"""

from __future__ import annotations

import ui


def plain(text: str) -> str:
    """Engine text shown as Markdown literally (no emphasis, links, HTML or $…$ maths): it may
    quote the student's function, so it goes through ``ui.user_text``.

    >>> print(plain("conv{(0, 1)} <b>x_i</b> $s$"))
    conv\\{(0, 1)\\} \\<b\\>x\\_i\\</b\\> \\$s\\$
    """
    return ui.user_text(text)
