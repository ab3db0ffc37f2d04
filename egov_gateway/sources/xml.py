"""Reading gateway answers by element names, whatever namespace prefix a provider uses.

The providers' XSDs are issued on connection and their namespaces differ between versions, so the
mappings address elements by local name only: ``text(org, "OrganizationLeader/IIN")``.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree


@lru_cache(maxsize=256)
def _xpath(path: str) -> etree.XPath:
    steps = "/".join(f"*[local-name()='{step}']" for step in path.split("/"))
    return etree.XPath(steps)


def _elements(element: etree._Element, path: str) -> list[etree._Element]:
    """The elements at ``path`` (its local-name steps select elements only)."""
    found = _xpath(path)(element)
    if not isinstance(found, list):
        return []
    return [node for node in found if isinstance(node, etree._Element)]


def find(element: etree._Element | None, path: str) -> etree._Element | None:
    if element is None:
        return None
    found = _elements(element, path)
    return found[0] if found else None


def find_first(element: etree._Element | None, *paths: str) -> etree._Element | None:
    """The first of several possible places of an element (providers wrap answers differently)."""
    for path in paths:
        found = find(element, path)
        if found is not None:
            return found
    return None


def find_all(element: etree._Element | None, path: str) -> list[etree._Element]:
    if element is None:
        return []
    return _elements(element, path)


def text(element: etree._Element | None, path: str, default: str = "") -> str:
    found = find(element, path)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def joined(element: etree._Element | None, *paths: str, sep: str = " ") -> str:
    """Several elements' texts joined, skipping empty ones and the providers' ``-`` placeholder."""
    parts = [text(element, p) for p in paths]
    return sep.join(p for p in parts if p and p != "-")


def sub(parent: etree._Element, tag: str, value: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, tag)
    if value is not None:
        child.text = value
    return child


def requestor_request(
    *, requestor_bin: str, identifier_tag: str, identifier: str
) -> etree._Element:
    """The plain ``<Request>`` most gateway services take: who asks, and about whom.

    The identifier's element name differs per service, so each source module names its own.
    """
    request = etree.Element("Request")
    sub(request, "RequestorBIN", requestor_bin)
    sub(request, identifier_tag, identifier)
    return request
