"""One creator whichever way they arrived: by handle only (a creators CSV) or with TikTok's id.

A creators CSV knows an account by its handle, so the parser keys it `@handle`
(`records.handle_key`); JSON scrapes key it by TikTok's numeric id and carry the handle too.
Before a scrape's authors are stored, `resolve_handle_keys` joins the two:

- a handle-keyed author whose handle an id-keyed account already has becomes that account (the
  most recently scraped one if a handle passed between accounts), so the CSV's videos and counts
  land on the creator we know;
- an id-keyed author whose handle a handle-keyed account has takes that account over: the
  stored source's external id is rewritten to the numeric id, so its Author, videos and
  snapshots stay one. If the numeric id is already stored too (the account was renamed between
  the two scrapes), both are kept and a warning asks a curator to merge them.

Handles are compared case-insensitively, as TikTok does. A fixed number of statements whatever
the size of the scrape: one read, and when accounts are re-keyed one more read (is the id
stored already?) and one update.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from django.db.models.functions import Lower

from authors.models import AuthorSource
from musicrec.core.models import Platform
from musicrec.ingest.sources import rows_in
from musicrec.platforms.tiktok import ScrapeResult, is_handle_key


def resolve_handle_keys(result: ScrapeResult) -> tuple[ScrapeResult, dict[str, str], list[str]]:
    """`result` with handle keys replaced by known ids; also the replacements and warnings.

    Re-keys stored handle-keyed sources this scrape identifies (a write: call it inside the
    transaction that stores the scrape).
    """
    handles = {a.handle.casefold(): a for a in result.authors if a.handle}
    if not handles:
        return result, {}, []
    stored: dict[str, list[dict]] = {}
    for row in rows_in(
        AuthorSource.objects.filter(platform=Platform.TIKTOK).annotate(folded=Lower("handle")),
        "folded",
        sorted(handles),
        "pk",
        "external_id",
        "folded",
        "last_scraped_at",
    ):
        stored.setdefault(row["folded"], []).append(row)
    aliases: dict[str, str] = {}
    rekeyed: list[AuthorSource] = []
    warnings: list[str] = []
    for folded, author in handles.items():
        rows = stored.get(folded, [])
        by_id = [row for row in rows if not is_handle_key(row["external_id"])]
        by_handle = [row for row in rows if is_handle_key(row["external_id"])]
        if is_handle_key(author.external_id):
            if by_id:
                aliases[author.external_id] = max(by_id, key=_last_scraped)["external_id"]
        elif by_handle and not any(row["external_id"] == author.external_id for row in by_id):
            rekeyed.append(AuthorSource(pk=by_handle[0]["pk"], external_id=author.external_id))
    if rekeyed:
        taken = set(
            AuthorSource.objects.filter(
                platform=Platform.TIKTOK, external_id__in=[s.external_id for s in rekeyed]
            ).values_list("external_id", flat=True)
        )
        for source in [s for s in rekeyed if s.external_id in taken]:
            warnings.append(
                f"@{_handle_of(result, source.external_id)} was imported by handle before and "
                f"account {source.external_id} is stored under another handle: two creators "
                "stand for one account; merge them in the admin"
            )
        rekeyed = [s for s in rekeyed if s.external_id not in taken]
        AuthorSource.objects.bulk_update(rekeyed, ["external_id"])
    return _rename(result, aliases), aliases, warnings


def _last_scraped(row: dict) -> tuple[datetime, int]:
    return row["last_scraped_at"] or datetime.min.replace(tzinfo=UTC), row["pk"]


def _handle_of(result: ScrapeResult, external_id: str) -> str:
    return next((a.handle or "" for a in result.authors if a.external_id == external_id), "")


def _rename(result: ScrapeResult, aliases: dict[str, str]) -> ScrapeResult:
    if not aliases:
        return result
    return replace(
        result,
        authors=[
            replace(a, external_id=aliases.get(a.external_id, a.external_id))
            for a in result.authors
        ],
        videos=[
            replace(v, author_external_id=aliases[v.author_external_id])
            if v.author_external_id in aliases
            else v
            for v in result.videos
        ],
        profile_external_id=aliases.get(
            result.profile_external_id or "", result.profile_external_id
        ),
    )
