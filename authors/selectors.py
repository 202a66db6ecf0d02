"""Reads of creators and their stored profile analyses, shared by the API, admin and commands.

A creator's figures on lists come from their TikTok account: the most recently scraped one when
an Author has several (an old handle and a new one, say). The same rule picks the account the
profile analysis reads (`authors.services`), so lists and analyses agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from authors.models import Author, AuthorAnalysis, AuthorSource
from musicrec.core.models import Platform

# Freshest row first: never-scraped rows (no date) last, then the newest row.
LATEST_SCRAPE_FIRST: tuple[OrderBy | str, ...] = (
    F("last_scraped_at").desc(nulls_last=True),
    "-pk",
)
# Biggest creators first, unknown reach (artists, unscraped rows) after them, then by name.
DEFAULT_ORDERING: tuple[OrderBy | str, ...] = (
    F("followers").desc(nulls_last=True),
    "name",
    "pk",
)


def _account_value(field: str) -> Subquery:
    accounts = AuthorSource.objects.filter(
        author=OuterRef("pk"), platform=Platform.TIKTOK
    ).order_by(*LATEST_SCRAPE_FIRST)
    return Subquery(accounts.values(field)[:1])


def normalise_handle(handle: str) -> str:
    """A handle as stored: without surrounding spaces and the leading "@"."""
    return handle.strip().lstrip("@").strip()


def author_list_filter(
    queryset: QuerySet[Author],
    *,
    search: str | None = None,
    tier: str | None = None,
    category: str | None = None,
) -> QuerySet[Author]:
    """Narrow an `author_list` queryset; the API's FilterSet applies the same rules.

    `search` matches the name, any account's handle or display name (case-insensitive, "@"
    ignored); `tier` and `category` match the stored analysis (its main content category).
    """
    if search and (text := normalise_handle(search)):
        accounts = AuthorSource.objects.filter(author=OuterRef("pk")).filter(
            Q(handle__icontains=text) | Q(display_name__icontains=text)
        )
        queryset = queryset.filter(Q(name__icontains=text) | Exists(accounts))
    if tier:
        queryset = queryset.filter(analysis__tier=tier)
    if category:
        queryset = queryset.filter(analysis__top_category=category)
    return queryset


def author_list(
    *,
    search: str | None = None,
    tier: str | None = None,
    category: str | None = None,
    is_creator: bool | None = None,
    ordering: Sequence[OrderBy | str] | None = DEFAULT_ORDERING,
) -> QuerySet[Author]:
    """Authors annotated with their TikTok handle, followers and verified flag and with the
    stored analysis's key figures, so a list row needs no further query.

    Annotations: handle, followers, verified (from the TikTok account), tier,
    engagement_rate_by_views, videos_per_week, top_category, analysis_status, analyzed_at
    (null when not analysed yet).
    """
    queryset = Author.objects.annotate(
        handle=_account_value("handle"),
        followers=_account_value("followers"),
        verified=_account_value("verified"),
        tier=F("analysis__tier"),
        engagement_rate_by_views=F("analysis__engagement_rate_by_views"),
        videos_per_week=F("analysis__videos_per_week"),
        top_category=F("analysis__top_category"),
        analysis_status=F("analysis__status"),
        analyzed_at=F("analysis__analyzed_at"),
    )
    if is_creator is not None:
        queryset = queryset.filter(is_creator=is_creator)
    queryset = author_list_filter(queryset, search=search, tier=tier, category=category)
    if ordering:
        queryset = queryset.order_by(*ordering)
    return queryset


def author_detail_list() -> QuerySet[Author]:
    """`author_list` rows with every account and the full stored analysis loaded."""
    return (
        author_list(ordering=None)
        .select_related("analysis")
        .prefetch_related(
            Prefetch(
                "sources",
                queryset=AuthorSource.objects.order_by("platform", *LATEST_SCRAPE_FIRST),
            )
        )
    )


def author_get(author_id: int) -> Author | None:
    return author_detail_list().filter(pk=author_id).first()


def author_get_by_handle(handle: str) -> Author | None:
    """The author with an account of this handle: case-insensitive, "@" optional; a TikTok
    account wins over another platform's, then the most recently scraped one."""
    wanted = normalise_handle(handle)
    if not wanted:
        return None
    author_id = (
        AuthorSource.objects.filter(handle__iexact=wanted)
        .annotate(
            not_tiktok=Case(
                When(platform=Platform.TIKTOK, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("not_tiktok", *LATEST_SCRAPE_FIRST)
        .values_list("author_id", flat=True)
        .first()
    )
    return author_get(author_id) if author_id is not None else None


def author_analysis_get(author_id: int) -> AuthorAnalysis | None:
    return AuthorAnalysis.objects.select_related("author").filter(author_id=author_id).first()
