"""Pages call the sandbox for their session (ui.session_owner), so the fair queue can tell
students apart; calls outside a page stay anonymous."""

from __future__ import annotations

from page_util import page_runner

from clarke_core.service import sandbox

NORMS = "2. Norms under gradient descent"  # the ReLU page's training tab (section=...)


def _owners_since(seq: int) -> list[object]:
    return [owner for event, owner, n in list(sandbox.scheduling().events)
            if event == "started" and n > seq]


def test_a_computed_page_runs_its_worker_for_its_session():
    sandbox.forget()
    since = sandbox.scheduling().seq
    at = page_runner("../app_pages/positive_homogeneity.py", 60)(f="abs(x) + 3*x", at="0")
    assert not at.exception
    owners = _owners_since(since)
    assert owners and all(isinstance(o, str) for o in owners)  # a session id, not anonymous


def test_the_relu_training_runs_for_its_session():
    since = sandbox.scheduling().seq
    at = page_runner("../app_pages/relu_network.py", 60)(depth="1", width="3", steps="100",
                                                          seed="5", section=NORMS)
    assert not at.exception
    owners = _owners_since(since)
    assert owners and all(isinstance(o, str) for o in owners)


def test_calls_outside_a_page_are_anonymous():
    since = sandbox.scheduling().seq
    assert sandbox.run(abs, -2) == 2
    assert all(isinstance(o, tuple) and o[0] == "anonymous" for o in _owners_since(since))
