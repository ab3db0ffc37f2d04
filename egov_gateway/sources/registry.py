"""Builds the adapter of a source for the configured backend (``STATE_SOURCES_BACKEND``)."""

from __future__ import annotations

import json
from types import ModuleType

from egov_gateway import conf
from egov_gateway.errors import SourceNotConfigured
from egov_gateway.sandbox.backend import SandboxLookup
from egov_gateway.sources import GATEWAY_MODULES, LIST_MODULES, MODULES, rnu, samruk
from egov_gateway.sources.base import FeedSource, LookupSource, StateAnswer
from egov_gateway.transport.rest import OwsClient
from egov_gateway.transport.signing import signer_from_settings
from egov_gateway.transport.soap import SyncChannelClient


class GatewayLookup:
    """A SyncChannel service asked about one BIN/IIN, its answer mapped by the source's module."""

    def __init__(
        self, module: ModuleType, client: SyncChannelClient, *, service_id: str, requestor_bin: str
    ) -> None:
        self.module = module
        self.name = module.NAME
        self.client = client
        self.service_id = service_id
        self.requestor_bin = requestor_bin

    def lookup(self, identifier: str) -> StateAnswer | None:
        answer = self.client.send(
            service_id=self.service_id,
            request_data=self.module.request_data(identifier, requestor_bin=self.requestor_bin),
        )
        return self.module.from_gateway(
            answer.data, identifier=identifier, fetched_at=answer.received_at, raw=answer.raw
        )


def _known(name: str) -> None:
    if name not in MODULES:
        raise SourceNotConfigured(f"unknown state source {name!r}; known: {', '.join(MODULES)}")


def gateway_client(name: str) -> SyncChannelClient:
    gateway = conf.soap_gateway()
    return SyncChannelClient(
        url=gateway.url,
        sender_id=gateway.sender_id,
        sender_password=gateway.sender_password,
        signer=signer_from_settings(gateway),
        timeout=gateway.timeout,
        source=name,
    )


def ows_client() -> OwsClient:
    ows = conf.ows()
    return OwsClient(url=ows.url, token=ows.token, timeout=ows.timeout, source=rnu.NAME)


class ImportedListLookup:
    """The Samruk-Kazyna lists as the last sync recorded them (gateway backend): the weekly sync
    or an operator's import.

    Answers from the listings of the last successful run; before any it refuses to answer,
    because an unknown list must not read as "not listed" (SYNC-3).
    """

    name = samruk.NAME

    def lookup(self, identifier: str) -> StateAnswer | None:
        from egov_gateway.models import StateListing, SyncRun

        last = (
            SyncRun.objects.filter(source=self.name, status=SyncRun.Status.SUCCEEDED, dry_run=False)
            .order_by("-finished_at")
            .first()
        )
        if last is None or last.finished_at is None:
            raise SourceNotConfigured(
                "no Samruk-Kazyna list has been imported yet (manage.py import_samruk_list FILE)",
                source=self.name,
            )
        listing = StateListing.objects.filter(
            source=self.name, identifier=identifier, removed_run__isnull=True
        ).first()
        if listing is None:
            return None
        return samruk.SamrukListing(
            source=self.name,
            identifier=identifier,
            fetched_at=last.finished_at,
            raw=json.dumps(listing.payload, ensure_ascii=False),
            entries=tuple(listing.payload),
        )


# The sandbox's copies of the two lists of 2022 p.19(4), each as CSV or XLSX.
SANDBOX_SAMRUK_FILES = {samruk.UNRELIABLE: "samruk", samruk.REGISTER: "samruk_register"}


def sandbox_samruk() -> samruk.SamrukLists:
    directory = conf.sandbox_dir()
    files = {}
    for code, stem in SANDBOX_SAMRUK_FILES.items():
        xlsx = directory / f"{stem}.xlsx"
        files[code] = xlsx if xlsx.exists() else directory / f"{stem}.csv"
    return samruk.SamrukLists(files)


def published_samruk() -> samruk.PublishedLists:
    """Both Samruk-Kazyna lists from where the fund publishes them (the weekly sync)."""
    locations = conf.samruk_lists()
    missing = sorted(code for code, where in locations.items() if not where)
    if missing:
        raise SourceNotConfigured(
            "the Samruk-Kazyna lists are read where the fund publishes them: set "
            "SAMRUK_REGISTER_URL and SAMRUK_UNRELIABLE_URL (an https URL or a path); or import "
            "a file by hand (manage.py import_samruk_list FILE); not configured: "
            + ", ".join(missing),
            source=samruk.NAME,
        )
    return samruk.PublishedLists(locations, timeout=conf.samruk_timeout())


def lookup_source(name: str, *, backend: str | None = None) -> LookupSource:
    _known(name)
    backend = backend or conf.backend()
    if name == rnu.NAME:
        return _rnu(backend)
    if name == samruk.NAME:
        return sandbox_samruk() if backend == conf.SANDBOX else ImportedListLookup()
    module = GATEWAY_MODULES[name]
    if backend == conf.SANDBOX:
        return SandboxLookup(module, conf.sandbox_dir())
    gateway = conf.soap_gateway()
    return GatewayLookup(
        module,
        gateway_client(name),
        service_id=gateway.service_ids[name],
        requestor_bin=gateway.requestor_bin,
    )


def feed_source(name: str, *, backend: str | None = None) -> FeedSource:
    """A whole register; only the list sources have one (the others are asked per BIN/IIN)."""
    _known(name)
    if name not in LIST_MODULES:
        raise SourceNotConfigured(f"{name} has no feed: it is asked per BIN/IIN", source=name)
    backend = backend or conf.backend()
    if name == rnu.NAME:
        return _rnu(backend)
    if backend == conf.SANDBOX:
        return sandbox_samruk()
    return published_samruk()


def _rnu(backend: str) -> rnu.OwsRnu | rnu.JsonLinesRnu:
    if backend == conf.SANDBOX:
        return rnu.JsonLinesRnu(conf.sandbox_dir() / "rnu.jsonl")
    return rnu.OwsRnu(ows_client(), limit=conf.ows().page_limit)
