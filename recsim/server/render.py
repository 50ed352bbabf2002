"""Response rendering (moto's "responses", second half): JSON, XML, list envelopes,
and errors - the one place an error becomes a response.

Twilio's wire format: JSON (or XML with ``.xml``, in a ``<TwilioResponse>`` with
CamelCase element names), list pages with ``first_page_uri`` / ``next_page_uri`` /
``previous_page_uri`` and one item key, v2 lists with ``meta``; errors as
``{code, message, more_info, status}`` (every error, an unexpected one too: HTTP 500,
code 20500).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import Response
from fastapi.responses import JSONResponse

from recsim.api import Page
from recsim.errors import ApiError

__all__ = ["ITEM_TAGS", "error", "page", "resource", "server_error", "v2_list", "xml", "xml_list"]


def error(err: ApiError, *, as_xml: bool = False) -> Response:
    """Twilio's error JSON of ``err`` with its HTTP status (401 with the Basic challenge);
    with ``as_xml`` (a request path ending in ``.xml``) the same fields as
    ``<TwilioResponse><RestException><Code>...``."""
    headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'} if err.status == 401 else None
    if as_xml:
        out = xml("RestException", err.to_dict(), err.status)
        out.headers.update(headers or {})
        return out
    return JSONResponse(err.to_dict(), status_code=err.status, headers=headers)


def server_error(exc: BaseException) -> Response:
    """An unexpected exception as a Twilio error: HTTP 500, code 20500, naming it."""
    return error(ApiError(20500, f"Internal server error ({type(exc).__name__}: {exc})", status=500))


def _camel(key: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in key.split("_"))


#: The element of one item of each list key.
ITEM_TAGS = {"recordings": "Recording", "calls": "Call", "transcriptions": "Transcription",
             "add_on_results": "AddOnResult"}


def _element(tag: str, value: Any) -> ET.Element:
    el = ET.Element(tag)
    if isinstance(value, dict):
        for k, v in value.items():
            el.append(_element(_camel(k), v))
    elif isinstance(value, list):
        for v in value:
            el.append(_element(tag[:-1] if tag.endswith("s") else tag, v))
    elif isinstance(value, bool):
        el.text = str(value).lower()
    elif value is not None:
        el.text = str(value)
    return el


def _xml_response(root: ET.Element, status: int) -> Response:
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), status_code=status,
                    media_type="application/xml")


def xml(tag: str, body: dict[str, Any], status: int = 200) -> Response:
    """``body`` as ``<TwilioResponse><{tag}>...`` (snake_case keys as CamelCase elements,
    null as an empty element)."""
    root = ET.Element("TwilioResponse")
    root.append(_element(tag, body))
    return _xml_response(root, status)


def xml_list(key: str, body: dict[str, Any]) -> Response:
    """A list page as ``<TwilioResponse><{Key} page=".." pagesize=".." ...>`` holding one
    element per item (:data:`ITEM_TAGS`), the paging fields as lowercase attributes
    without underscores, as the 2010-04-01 API's XML lists."""
    root = ET.Element("TwilioResponse")
    items = ET.SubElement(root, _camel(key))
    for name, value in body.items():
        if name != key:
            items.set(name.replace("_", ""), "" if value is None else str(value))
    for item in body[key]:
        items.append(_element(ITEM_TAGS.get(key, "Item"), item))
    return _xml_response(root, 200)


def resource(body: dict[str, Any], ext: str, tag: str, status: int = 200) -> Response:
    """One resource as JSON, or XML (element ``tag``) when the path ended in ``.xml``."""
    return xml(tag, body, status) if ext == "xml" else JSONResponse(body, status_code=status)


def page(key: str, result: Page, path: str, query: Sequence[tuple[str, str]], ext: str = "json") -> Response:
    """A list page (2010-04-01 API): ``key`` holds the items; the page URIs keep the
    other query parameters of the request.

    Parameters
    ----------
    key : str
        The item key (``recordings``).
    result : Page
        The items and page numbers.
    path : str
        The request path.
    query : sequence of (str, str)
        The request's query parameters (Page, PageSize and PageToken are replaced).
    ext : {"json", "xml"}
        JSON, or XML (:func:`xml_list`) for a path ending in ``.xml``.
    """
    keep = [(k, v) for k, v in query if k not in ("Page", "PageSize", "PageToken")]

    def uri(p: int) -> str:
        return f"{path}?" + urlencode([*keep, ("PageSize", result.page_size), ("Page", p)]) + (
            f"&PageToken=PA{p}" if p else "")

    start = result.page * result.page_size
    body = {
        key: result.items,
        "first_page_uri": uri(0),
        "next_page_uri": uri(result.page + 1) if result.has_next else None,
        "previous_page_uri": uri(result.page - 1) if result.page > 0 else None,
        "uri": uri(result.page),
        "page": result.page,
        "page_size": result.page_size,
        "start": start,
        "end": start + max(len(result.items) - 1, 0),
    }
    return xml_list(key, body) if ext == "xml" else JSONResponse(body)


def v2_list(key: str, items: list[dict[str, Any]]) -> JSONResponse:
    """A v2 list (004): ``key`` holds the items, ``meta`` the paging."""
    return JSONResponse({key: items, "meta": {"key": key, "page": 0, "page_size": 50}})
