"""Markdown injection from a share link (issue 12, item 4): every page's URL parameters get each
payload, and no rendered Markdown (text, caption, header, warning, error, ...) may carry a link,
image, heading or icon that came from it; the payload must show as the characters typed.

The check reads each element's Markdown source as Streamlit's frontend would: a construct is
active when its syntax is in the source (links, images, headings), and the text-node rewrites that
run after backslash escapes are resolved (GFM's literal autolinks, Streamlit's icons) are active
when their pattern is in the unescaped text.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

import ui

LINK = "[Log in again](https://evil.example/x)"
IMAGE = "![](http://evil.example/p.png)"
PAYLOADS = {
    "link": LINK,
    "image": IMAGE,
    "www": "www.evil.example/login",
    "email": "admin@evil.example",
    "setext": "Heading\n===",
    "atx": "# Heading",
    "icon": ":material/warning: :material_lock:",
    "autolink": "<https://evil.example/x>",
}
# The issue's f: a # comment hiding an image, with the bracket closed on the next line.
F_PAYLOADS = {**PAYLOADS, "comment": "log(0 #![](http://evil.example/a.png)\n)",
              "inline": f"abs(x) + {LINK}"}

# page -> the URL parameters it reads besides f and at (control values; a valid f is kept).
PAGES = {
    "subgradients_page.py": ("path", "x0", "eta", "schedule", "steps", "choice", "section",
                             "pieces"),
    "clarke_lesson.py": ("dim", "g"),
    "properties.py": ("dim", "r", "pieces", "section"),
    "relu_network.py": ("depth", "width", "seed", "weights", "lr", "steps"),
    "gradient_inclusion.py": ("T",),
    "homework_checker.py": ("assignment", "kind"),
}
FUNCTION_PAGES = ("subgradients_page.py", "clarke_lesson.py", "properties.py",
                  "positive_homogeneity.py", "gradient_inclusion.py", "autodiff_vs_clarke.py")
WALK_PARAMS = ("walk", "eps", "view")  # the 2D lesson's controls (dim=2)

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_EMAIL = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+")


def _bodies(at: AppTest) -> list[str]:
    """The Markdown source of every element on the page that renders Markdown."""
    found = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        body = getattr(proto, "body", None)
        if isinstance(body, str) and body:
            found.append(body)
    return found


def _active(body: str) -> list[str]:
    """The payload constructs that this Markdown source would render as live markup."""
    text = _ESCAPE.sub(r"\1", body)
    problems = []
    if re.search(r"(?<!\\)\]\((?:https?:)?//evil", body) or "](https://evil" in body:
        problems.append("link")
    if re.search(r"(?<!\\)!(?<!\\!)\[[^\]]*(?<!\\)\]\(", body):
        problems.append("image")
    if re.search(r"(?<!\\)<https?:", body):
        problems.append("autolink")
    if re.search(r"(?i)(?<![\w])www\.evil", text) or re.search(r"https?://evil", text):
        problems.append("literal autolink")
    if _EMAIL.search(text) and "evil.example" in _EMAIL.search(text).group():
        problems.append("e-mail link")
    if re.search(r"(?m)^ {0,3}#{1,6}\s+Heading|Heading[ \t]*\n {0,3}(=+|-+)[ \t]*$", body):
        problems.append("heading")
    if ":material/" in body or re.search(r":material_\w+:", text):
        problems.append("icon")
    return problems


def _assert_inert(at: AppTest, payload: str, *, echoed: bool) -> None:
    assert not at.exception, at.exception
    bodies = _bodies(at)
    for body in bodies:
        assert not _active(body), (_active(body), body)
    if echoed:
        shown = ui.user_text(payload)
        assert any(shown in body for body in bodies), (shown, bodies)


# Pages that link to themselves run through the router, which registers the pages.
ROUTED = ("autodiff_vs_clarke.py",)


def _run(page: str, **query: str) -> AppTest:
    if page in ROUTED:
        at = AppTest.from_file("../app.py", default_timeout=120).run()
        at.query_params.update(query)
        at.switch_page(f"app_pages/{page}")
        return at.run()
    at = AppTest.from_file(f"../app_pages/{page}", default_timeout=120)
    at.query_params.update(query)
    return at.run()


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("page_file", PAGES, ids=lambda p: p.removesuffix(".py"))
def test_url_controls_show_payloads_as_text(page_file, payload):
    at = _run(page_file, **dict.fromkeys(PAGES[page_file], payload))
    _assert_inert(at, payload, echoed=True)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_2d_lesson_controls_show_payloads_as_text(payload):
    at = _run("clarke_lesson.py", dim="2", **dict.fromkeys(WALK_PARAMS, payload))
    _assert_inert(at, payload, echoed=True)


@pytest.mark.parametrize("payload", F_PAYLOADS.values(), ids=F_PAYLOADS.keys())
@pytest.mark.parametrize("page_file", FUNCTION_PAGES, ids=lambda p: p.removesuffix(".py"))
def test_url_function_and_point_are_inert(page_file, payload):
    at = _run(page_file, f=payload, at="0")
    _assert_inert(at, payload, echoed=False)
    assert at.error, "a payload is not a function: the page must refuse it"
    at = _run(page_file, f="abs(x)", at=payload)
    _assert_inert(at, payload, echoed=False)


def test_the_issue_comment_payload_is_refused_without_echoing_the_comment():
    at = _run("subgradients_page.py", f=F_PAYLOADS["comment"], at="0")
    message = " ".join(e.value for e in at.error)
    assert "evil" not in message and "#" in ui.user_text("#") and "comment" in message.lower()


def test_the_active_form_is_detected():
    """The check itself: raw payloads in Markdown count as active, their escaped form not."""
    for name, payload in PAYLOADS.items():
        assert _active(payload), name
        assert not _active(ui.user_text(payload)), name


# --- the door's length check, in the page process --------------------------------------------

FIELDS = {"subgradients_page.py": ("subgradients_f", "subgradients_at"),
          "properties.py": ("properties_f", "properties_at"),
          "autodiff_vs_clarke.py": ("autodiff_f", "autodiff_at")}


@pytest.mark.parametrize("page_file", FIELDS, ids=lambda p: p.removesuffix(".py"))
def test_function_and_point_fields_keep_at_most_the_parsers_limit(page_file):
    """A crafted client may send a field value up to the widget-state cap (1 MB,
    server.maxWidgetStateSize; more closes its socket, tests/test_deploy.py): the server keeps
    MAX_TEXT_LENGTH of it."""
    from clarke_core.engine.parsing import MAX_TEXT_LENGTH

    at = _run(page_file)
    for key in FIELDS[page_file]:
        assert at.text_input(key=key).proto.max_chars == MAX_TEXT_LENGTH
    at.text_input(key=FIELDS[page_file][0]).set_value("x" * 500_000).run()
    assert len(at.session_state[FIELDS[page_file][0]]) == MAX_TEXT_LENGTH
    assert not at.exception and at.error


def test_a_url_function_over_the_limit_keeps_the_default_and_says_so():
    from clarke_core.engine.parsing import MAX_TEXT_LENGTH

    at = _run("subgradients_page.py", f="abs(x)+" * MAX_TEXT_LENGTH, at="0")
    assert not at.exception
    assert len(at.text_input(key="subgradients_f").value) < MAX_TEXT_LENGTH
    assert any("too long" in w.value for w in at.warning)


# --- in a real browser: what the frontend makes of the escaped text ---------------------------

BROWSER_CASES = [
    ("relu-network", {"depth": LINK, "width": IMAGE, "lr": "www.evil.example",
                      "weights": "admin@evil.example"}),
    ("clarke-properties", {"section": ":material/warning: :material_lock: :streamlit:",
                           "pieces": "<https://evil.example/x>", "r": "Heading\n==="}),
    ("subgradients", {"f": "log(0 #![](http://evil.example/a.png)\n)", "at": "0"}),
]


@pytest.mark.browser
@pytest.mark.parametrize(("path", "query"), BROWSER_CASES, ids=[c[0] for c in BROWSER_CASES])
def test_the_browser_renders_payloads_as_text(streamlit_server, page, path, query):
    from urllib.parse import urlencode, urlparse

    from browser_util import wait_for_app

    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{streamlit_server}/{path}?{urlencode(query)}")
    wait_for_app(page)
    alerts = page.locator("[data-testid='stAlert'], [data-testid='stAlertContainer']")
    alerts.first.wait_for(timeout=60_000)
    markdown = page.locator("[data-testid='stMarkdownContainer']")
    assert markdown.locator("a[href*='evil'], img[src*='evil']").count() == 0
    assert not [url for url in fetched if "evil" in (urlparse(url).hostname or "")]
    for box in alerts.all():
        assert box.locator("a, img, h1, h2, h3, h4, h5, h6, ul, ol").count() == 0, box.inner_html()
        assert box.locator("[data-testid='stIconMaterial']").count() == 0, box.inner_html()
    text = " ".join(box.inner_text() for box in alerts.all()).replace("\u200b", "")
    if path != "subgradients":  # the control values show as typed (one line)
        for value in query.values():
            assert " ".join(value.split())[:39] in " ".join(text.split()), (value, text)
