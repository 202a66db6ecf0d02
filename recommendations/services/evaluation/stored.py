"""What the evaluation reads from the database: the creators with their videos, the usage table
and the catalogue's dated figures. Everything after this is computed from these in memory."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.utils import timezone

from authors.models import Author, AuthorSource
from authors.selectors import AuthorInputs, author_inputs
from musicrec.core.models import Platform
from recommendations.as_of import PopularityPoint
from recommendations.catalogue import CatalogueArrays
from recommendations.catalogue_source import (
    catalogue_points,
    catalogued_rows,
    post_terms,
    usage_table,
)
from recommendations.services.runs import video_fields
from recommendations.usage import Usage, day_number
from videos.models import VideoContentAnalysis, VideoMusic, VideoSource

MIN_VIDEOS = 3


@dataclass
class StoredVideo:
    video_id: int
    track_id: int | None  # its main sound, when that is a catalogue track
    linked: frozenset[int]  # every track linked to it
    fields: dict[str, Any]  # its content analysis, as `profile_targets.video_target` reads it
    input: Any  # authors.analysis.VideoInput
    terms: tuple[str, ...]  # its words for the topic component

    @property
    def day(self) -> float:
        return day_number(self.input.posted_at)


@dataclass
class StoredCreator:
    author_id: int
    name: str
    key: str  # what the splits hash: the TikTok handle, stable across databases (ids are not)
    inputs: AuthorInputs
    videos: list[StoredVideo]  # oldest first
    now: datetime  # the analysis clock: the creator's latest scrape

    @property
    def catalogue_videos(self) -> list[StoredVideo]:
        return [v for v in self.videos if v.track_id is not None]


@dataclass
class StoredData:
    """One database's evaluation inputs."""

    arrays: CatalogueArrays
    creators: list[StoredCreator]
    usage: Usage
    points: list[PopularityPoint]
    catalogued: np.ndarray  # bool per row: in the imported catalogue or on Spotify


def evaluation_creators(arrays: CatalogueArrays) -> list[StoredCreator]:
    """Every creator with dated posts, with their analysis inputs and their videos' tracks.

    The videos are those the profile analysis reads (`authors.selectors.author_inputs`: TikTok
    posts with a date, no ads), each with its main sound, content analysis and words. Each
    protocol picks the creators it can use.
    """
    creators = []
    handles = dict(
        AuthorSource.objects.filter(platform=Platform.TIKTOK)
        .order_by("author_id", "pk")
        .values_list("author_id", "handle")
    )
    for author in Author.objects.filter(is_creator=True).order_by("pk"):
        inputs = author_inputs(author=author)
        if not inputs.videos:
            continue
        posts: dict[str, tuple[int, list[str], str]] = {
            external_id: (video_id, hashtags, caption)
            for external_id, video_id, hashtags, caption in VideoSource.objects.filter(
                platform=Platform.TIKTOK, video__author=author
            ).values_list("external_id", "video_id", "video__hashtags", "video__caption")
        }
        links: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        for video_id, music_id, primary in VideoMusic.objects.filter(
            video__author=author
        ).values_list("video_id", "music_id", "is_primary"):
            links[video_id].append((music_id, primary))
        analyses = {
            a.video_id: a
            for a in VideoContentAnalysis.objects.filter(
                video_id__in=[p[0] for p in posts.values()]
            )
        }
        videos = []
        for video_input in sorted(inputs.videos, key=lambda v: (v.posted_at, v.external_id)):
            video_id, hashtags, caption = posts[video_input.external_id]
            primary = [m for m, is_primary in links[video_id] if is_primary]
            track = primary[0] if primary and arrays.row_of(primary[0]) is not None else None
            videos.append(
                StoredVideo(
                    video_id=video_id,
                    track_id=track,
                    linked=frozenset(m for m, _ in links[video_id]),
                    fields=video_fields(analyses.get(video_id)),
                    input=video_input,
                    terms=tuple(post_terms(hashtags, caption)),
                )
            )
        latest_scrape = max((s.taken_at for s in inputs.snapshots), default=None)
        creators.append(
            StoredCreator(
                author_id=author.pk,
                name=author.name,
                key=(handles.get(author.pk) or f"name:{author.name}").lower(),
                inputs=inputs,
                videos=videos,
                now=latest_scrape or timezone.now(),
            )
        )
    return creators


def stored_data(arrays: CatalogueArrays) -> StoredData:
    return StoredData(
        arrays=arrays,
        creators=evaluation_creators(arrays),
        usage=usage_table(arrays),
        points=catalogue_points(arrays),
        catalogued=catalogued_rows(arrays),
    )
