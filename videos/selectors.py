"""Reads of videos with their latest counts and content analysis, shared by the API and admin.

A video's counts come from its post: the TikTok one when it has several, the most recently
scraped first, as the profile analysis picks them (`authors.services`). Engagement is the same
figure the profile analysis uses: (likes + comments + shares + saves) / views, where a missing
count adds nothing and a video with none of them known, or without views, has none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import (
    Case,
    F,
    FloatField,
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
from django.db.models.functions import Cast, Coalesce, NullIf

from musicrec.core.models import Platform
from videos.models import Video, VideoMusic, VideoSource

# Newest first; undated videos after the dated ones, then the newest rows.
DEFAULT_ORDERING: tuple[OrderBy | str, ...] = (F("posted_at").desc(nulls_last=True), "-pk")
# The post whose counts a video shows: TikTok first, then the freshest scrape.
POST_ORDER: tuple[OrderBy | str, ...] = (
    Case(
        When(platform=Platform.TIKTOK, then=Value(0)), default=Value(1), output_field=IntegerField()
    ).asc(),
    F("last_scraped_at").desc(nulls_last=True),
    "-pk",
)
COUNTS: tuple[str, ...] = ("views", "likes", "comments", "shares", "saves")


def _post_value(field: str) -> Subquery:
    posts = VideoSource.objects.filter(video=OuterRef("pk")).order_by(*POST_ORDER)
    return Subquery(posts.values(field)[:1])


def _engagement() -> Subquery:
    """The post's engagement rate, computed inside one subquery on the post's own columns: built
    from the video's annotated counts instead, each count would repeat its subquery (nine of
    them), which the database runs and Django compiles on every list."""
    interactions = sum(
        (Coalesce(F(name), Value(0)) for name in ("likes", "comments", "shares", "saves")),
        start=Value(0),
    )
    none_known = Q(likes__isnull=True, comments__isnull=True, shares__isnull=True)
    rate = Case(
        When(none_known & Q(saves__isnull=True), then=Value(None, output_field=FloatField())),
        default=Cast(interactions, FloatField()) / Cast(NullIf(F("views"), 0), FloatField()),
        output_field=FloatField(),
    )
    posts = VideoSource.objects.filter(video=OuterRef("pk")).order_by(*POST_ORDER)
    return Subquery(posts.annotate(rate=rate).values("rate")[:1], output_field=FloatField())


def video_list(
    *,
    author_id: int | None = None,
    category: str | None = None,
    mood: str | None = None,
    posted_after: datetime | None = None,
    ordering: Sequence[OrderBy | str] | None = DEFAULT_ORDERING,
) -> QuerySet[Video]:
    """Videos with their author and stored analysis joined and their post's figures annotated,
    so a list row needs no further query.

    Annotations: post_url, last_scraped_at, views, likes, comments, shares, saves (from the
    post), engagement (rate by views; see the module docstring). `category` and `mood` match
    the stored analysis (its category and top mood), so videos not analysed yet match neither.
    """
    queryset = Video.objects.select_related("author", "content_analysis").annotate(
        post_url=_post_value("url"),
        last_scraped_at=_post_value("last_scraped_at"),
        **{name: _post_value(name) for name in COUNTS},
        engagement=_engagement(),
    )
    if author_id is not None:
        queryset = queryset.filter(author_id=author_id)
    if category:
        queryset = queryset.filter(content_analysis__category=category)
    if mood:
        queryset = queryset.filter(content_analysis__top_mood=mood)
    if posted_after is not None:
        queryset = queryset.filter(posted_at__gte=posted_after)
    if ordering:
        queryset = queryset.order_by(*ordering)
    return queryset


def video_detail_list() -> QuerySet[Video]:
    """`video_list` rows with every post and the music used (with each track's features)."""
    return video_list(ordering=None).prefetch_related(
        Prefetch("sources", queryset=VideoSource.objects.order_by(*POST_ORDER)),
        Prefetch(
            "music_links",
            queryset=VideoMusic.objects.select_related("music", "music__features").order_by(
                "-is_primary", "pk"
            ),
        ),
    )


def video_table_rows(*, author_id: int) -> QuerySet[Video]:
    """One author's videos as their table lists them, newest first: the content analysis
    joined, the sounds (primary first) prefetched, and only the post figures a row shows
    annotated (post_url, views, engagement as in `video_list`). Each annotation is a subquery
    Django compiles on every request; the table pays for three, not eight."""
    links = VideoMusic.objects.select_related("music").order_by("-is_primary", "pk")
    return (
        Video.objects.filter(author_id=author_id)
        .select_related("content_analysis")
        .annotate(post_url=_post_value("url"), views=_post_value("views"), engagement=_engagement())
        .prefetch_related(Prefetch("music_links", queryset=links))
        .order_by(*DEFAULT_ORDERING)
    )


def video_views_points(*, author_id: int) -> QuerySet[Video]:
    """Every dated video of the author with its post's views, oldest first, as bare values
    (posted_at, views, caption): the points of a views chart, in one light query."""
    return (
        Video.objects.filter(author_id=author_id, posted_at__isnull=False)
        .annotate(views=_post_value("views"))
        .filter(views__isnull=False)
        .order_by("posted_at", "pk")
        .values("posted_at", "views", "caption")
    )


def video_get(video_id: int) -> Video | None:
    """One video as the detail view shows it, or None."""
    return video_detail_list().filter(pk=video_id).first()


def video_count() -> int:
    return Video.objects.count()
