"""Who may see what: the lecturer's secret and the check of a typed one.

The lecturer's view is reached by typing a secret that the deployment sets, either as
``lecturer_secret`` in Streamlit's secrets (``.streamlit/secrets.toml``, which the pages pass in)
or as the environment variable ``CLARKE_LAB_LECTURER_SECRET``. With neither set there is no
lecturer's view at all: no default secret exists that a student could guess.

>>> is_lecturer("open sesame", "open sesame"), is_lecturer("open", "open sesame")
(True, False)
>>> is_lecturer("", None)
False
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping

SECRET_VARIABLE = "CLARKE_LAB_LECTURER_SECRET"
SECRET_KEY = "lecturer_secret"
MIN_SECRET_CHARS = 8


def lecturer_secret(secrets: Mapping | None = None) -> str | None:
    """The configured secret: ``secrets[SECRET_KEY]``, else the environment variable, else
    None (no lecturer's view). One shorter than ``MIN_SECRET_CHARS`` counts as none."""
    value = None
    if secrets is not None:
        try:
            value = secrets.get(SECRET_KEY)
        except Exception:  # st.secrets raises when no secrets file exists
            value = None
    value = value or os.environ.get(SECRET_VARIABLE)
    if not isinstance(value, str) or len(value) < MIN_SECRET_CHARS:
        return None
    return value


def is_lecturer(given: str | None, secret: str | None) -> bool:
    """Whether ``given`` is the secret, compared in constant time; never true without one."""
    if not secret or not given:
        return False
    return hmac.compare_digest(given.encode(), secret.encode())
