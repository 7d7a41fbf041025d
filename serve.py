"""The server's entry point: ``streamlit run serve.py`` serves app.py with two hardenings that
Streamlit 1.67 has no setting for. Everything else comes from .streamlit/config.toml.

- Framing: every HTTP answer carries ``Content-Security-Policy: frame-ancestors 'self'`` and
  ``X-Frame-Options: SAMEORIGIN``, so no other site can frame the app (click-jacking a student
  into "Download" or into typing an answer). A pure ASGI middleware, passed to ``st.App``.
- ``clear_cache`` from clients is ignored: Streamlit's ``AppSession`` clears every
  ``st.cache_data`` and ``st.cache_resource`` of the server (and the session's state) on that
  back-message, from any WebSocket client (the viewer toolbar only hides the menu item). The
  handler is replaced before the server accepts a connection.

``streamlit run app.py`` still works but has neither; the tests' servers, the Docker
image, ``make run`` and the load probe use this file.
"""

from __future__ import annotations

import logging

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.app_session import AppSession

from clarke_core.service.heap import steady_heap

FRAME_HEADERS = (
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-frame-options", b"SAMEORIGIN"),
)
_LOG = logging.getLogger("clarke_lab.serve")


class FramePolicy:
    """ASGI middleware: adds FRAME_HEADERS to every HTTP response (replacing any already set);
    WebSocket and lifespan traffic pass through untouched."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        names = {name for name, _ in FRAME_HEADERS}

        async def send_with_policy(message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in names]
                message = {**message, "headers": [*headers, *FRAME_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_policy)


def _ignore_clear_cache(session: AppSession) -> None:
    _LOG.warning("Ignored a clear_cache message from session %s", session.id)


def ignore_client_clear_cache() -> None:
    """Make ``AppSession`` ignore the ``clear_cache`` back-message (idempotent). Streamlit 1.67
    dispatches it in ``AppSession.handle_backmsg`` to ``_handle_clear_cache_request``."""
    AppSession._handle_clear_cache_request = _ignore_clear_cache


def migrate_classroom_store() -> None:
    """Create or migrate the classroom store's schema before any session opens it, so that a
    first student does not wait for it; a database that cannot be opened is logged, and the
    classroom pages then show the reason."""
    from clarke_core.classroom import Store, StoreError

    try:
        Store().close()
    except StoreError as err:
        _LOG.error("The classroom store is not available: %s", err)


steady_heap()
ignore_client_clear_cache()
migrate_classroom_store()
app = st.App("app.py", middleware=[Middleware(FramePolicy)])
