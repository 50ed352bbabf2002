"""FastAPI dependencies of the routes: the backend, HTTP Basic authentication and the
parent of a nested path.

Authentication is HTTP Basic with the AccountSid as user name and its AuthToken as
password; a missing or wrong one is 401, code 20003. Valid credentials of one account on
another account's path are 404, code 20404. Media downloads skip authentication when
the app was created with ``media_auth=False`` (002: recommended, can be off).
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Request

from recsim.api import Backend, Parent
from recsim.errors import ApiError, NotFoundError
from recsim.server.forms import split_ext

__all__ = ["Account", "BackendDep", "FetchAccount", "ParentDep", "authenticate", "fetch_account", "get_backend",
           "parent"]

#: Extensions (and none) of a media download.
MEDIA_EXTS = ("", "wav", "mp3")


def get_backend(request: Request) -> Backend:
    """The backend the app serves (``app.state.backend``)."""
    backend: Backend = request.app.state.backend
    return backend


def _user(request: Request) -> tuple[str | None, str | None]:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None, None
    try:
        user, _, token = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return user, token


def authenticate(request: Request) -> str:
    """The AccountSid of the request's HTTP Basic credentials.

    Raises
    ------
    ApiError
        20003 (HTTP 401): no credentials, an unknown account or a wrong token.
    NotFoundError
        20404: the path's ``{account_sid}`` is another account.
    """
    user, token = _user(request)
    if not user or get_backend(request).accounts.get(user) != token:
        raise ApiError(20003, "Authentication Error - invalid username", status=401)
    path_account = request.path_params.get("account_sid")
    if path_account is not None and path_account != user:
        raise NotFoundError(f"The requested resource {request.url.path} was not found")
    return user


def fetch_account(request: Request) -> str:
    """The account of a fetch: :func:`authenticate`, except for a media download (no
    extension, ``.wav``, ``.mp3``) when the app does not require auth on media."""
    if not request.app.state.media_auth and split_ext(request.path_params.get("name", ""))[1] in MEDIA_EXTS:
        return str(request.path_params["account_sid"])
    return authenticate(request)


def parent(request: Request, owner: str, owner_sid: str) -> Parent:
    """The ``/{owner}/{owner_sid}`` of a nested path.

    Raises
    ------
    NotFoundError
        20404 unless ``owner`` is Calls or Conferences.
    """
    return Parent.parse(owner, owner_sid, request.url.path)


Account = Annotated[str, Depends(authenticate)]
FetchAccount = Annotated[str, Depends(fetch_account)]
BackendDep = Annotated[Backend, Depends(get_backend)]
ParentDep = Annotated[Parent, Depends(parent)]
