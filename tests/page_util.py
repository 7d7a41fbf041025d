"""Helpers for AppTest page tests (import as `from page_util import page_runner, figures, ...`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from streamlit.testing.v1 import AppTest


def page_runner(page: str, timeout: float = 60) -> Callable[..., AppTest]:
    """A function that runs ``page`` (a path relative to tests/) with the given URL parameters."""

    def run_page(**query: str) -> AppTest:
        at = AppTest.from_file(page, default_timeout=timeout)
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    return run_page


def figures(at: AppTest) -> list[dict]:
    """The plotly figures on the page, as JSON."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def assert_refused(at: AppTest) -> str:
    """The page showed one error sentence, no chart and no exception; returns the sentence."""
    assert not at.exception, at.exception
    assert len(at.error) == 1 and not at.get("plotly_chart")
    message = at.error[0].value
    assert message[:1].isupper() and message.rstrip().endswith("."), message
    assert "Traceback" not in message
    return message


def share_url(at: AppTest) -> str:
    """The link in the page's share box (``ui.share_link``)."""
    links = [m.value for m in at.markdown if m.value.startswith("[") and "?" in m.value]
    assert links, "no share link on the page"
    return links[-1][1:].split("](", 1)[0]


def markdown_rows(at: AppTest, column: str) -> list[dict[str, str]]:
    """The rows of the one Markdown table on the page (``ui.markdown_table``) with a header cell
    ``column``, as {header: cell} with the Markdown escapes taken out."""
    def cells(line: str) -> list[str]:
        parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        return [re.sub(r"\\(.)", r"\1", p.strip()).replace("\u200b", "") for p in parts]

    (table,) = [m.value for m in at.markdown if m.value.startswith("| ")
                and column in cells(m.value.splitlines()[0])]
    header, _, *rows = table.splitlines()
    return [dict(zip(cells(header), cells(row), strict=True)) for row in rows]
