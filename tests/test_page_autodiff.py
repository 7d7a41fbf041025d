"""The Autodiff vs Clarke page under AppTest, run through the router (it links to itself)."""

from __future__ import annotations

from page_util import markdown_rows, share_url
from streamlit.testing.v1 import AppTest

from clarke_core.labs.autodiff import CONVENTIONS, compare

PAGE = "app_pages/autodiff_vs_clarke.py"


def run_page(**query: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=60).run()  # registers the pages
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    return at.run()


def outside_on_the_page(at: AppTest) -> tuple[set[str], set[str]]:
    """The libraries the page marks as outside the Clarke set: in its table of values (the
    second table), and in the sentence under it (empty if there is none)."""
    rows = markdown_rows(at, "in the Clarke set?")
    marked = {r["library"] for r in rows if r["in the Clarke set?"].startswith("✗")}
    listed = [m.value for m in at.markdown if m.value.startswith("**Outside the Clarke set:**")]
    named = {c.library for c in CONVENTIONS if any(c.library in text for text in listed)}
    return marked, named


def outside_computed(f: str, point: str) -> set[str]:
    """The same, from the engine call the page makes."""
    return {v.library for v in compare(f, point).values if not v.in_clarke}


def test_default_program_dependence_example_renders():
    at = run_page()
    assert not at.exception and not at.error
    assert at.text_input(key="autodiff_f").value == "relu(x) - relu(-x)"
    # relu(x) - relu(-x) is x: PyTorch's relu'(0) = 0 gives 0, outside the Clarke set {1}
    outside = outside_computed("relu(x) - relu(-x)", "0")
    assert "PyTorch" in outside
    assert outside_on_the_page(at) == (outside, outside)
    assert len(at.get("plotly_chart")) == 1


def test_a_url_restores_the_function():
    at = run_page(f="abs(x) - abs(x)", at="0")
    assert not at.exception and not at.error
    # abs(x) - abs(x) is 0: every convention gives 0, inside the Clarke set {0}
    assert outside_computed("abs(x) - abs(x)", "0") == set()
    assert outside_on_the_page(at) == (set(), set())
    values = compare("abs(x) - abs(x)", "0").values
    assert len(markdown_rows(at, "in the Clarke set?")) == len(values)


def test_a_bad_function_gives_one_sentence():
    at = run_page()
    at.text_input(key="autodiff_f").set_value("2x +").run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert message[:1].isupper() and message.endswith(".") and "Traceback" not in message


def test_a_url_restores_state_and_the_share_box_carries_it():
    at = run_page(f="max(0, x)", at="0")
    assert not at.exception and not at.error
    assert at.text_input(key="autodiff_f").value == "max(0, x)"
    assert at.text_input(key="autodiff_at").value == "0"
    share = share_url(at)
    assert "f=max%280%2C+x%29" in share and "at=0" in share
    at.text_input(key="autodiff_at").set_value("1").run()
    assert at.query_params["at"] == "1"


def test_a_bad_url_value_gives_one_clear_sentence():
    at = run_page(f="relu(x", at="0")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The brackets do not match at column 5: every ( needs a matching )."]
    assert at.text_input(key="autodiff_f").value == "relu(x"
    assert not at.get("plotly_chart")


def test_the_figure_has_downloads_and_stays_small():
    at = run_page()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download HTML") == 1, labels
    (chart,) = at.get("plotly_chart")
    assert len(chart.proto.spec) < 1_000_000


def test_the_page_says_which_library_call_each_primitive_is():
    at = run_page(f="min(x, 0) + max(x, 0)", at="0")
    assert not at.exception and not at.error
    (mapping,) = [m.value for m in at.markdown if m.value.startswith("| you type |")]
    calls = {r["you type"]: r for r in markdown_rows(at, "you type")}
    assert calls["relu"]["JAX"] == "jax.nn.relu" and calls["max"]["JAX"] == "jnp.maximum, nested"
    assert "| jax.nn.relu |" in mapping and "| jnp.maximum, nested |" in mapping
    assert "| torch.relu |" in mapping and "| jnp.heaviside(u, 0.5) |" in mapping
    rows = {r["library"]: r["f'(x₀) as computed"]
            for r in markdown_rows(at, "in the Clarke set?")}
    assert rows["PyTorch"] == rows["JAX"] == "1"


def test_the_conventions_table_lists_every_library_without_arrow():
    # Markdown, not st.table: the tables draw with the page's text (no Arrow reader to load).
    at = run_page()
    assert not at.table and not at.dataframe
    rows = markdown_rows(at, "tie in max / min")
    assert [r["library"] for r in rows] == [c.library for c in CONVENTIONS]
    assert {r["relu'(0)"] for r in rows} == {f"{c.relu:g}" for c in CONVENTIONS}
