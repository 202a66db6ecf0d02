"""Merge two Music rows that are one recording (same ISRC, or a curator says so).

Everything that points at the duplicate moves to the kept row, where the kept row already has
the same link the better one survives, and the duplicate is deleted, all in one transaction so
a failure leaves both rows as they were. Video links keep the source the scrape named, so a
wrong merge is undone by splitting that source off again (`music.services.split`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from music.models import Music, MusicFeatures, MusicSource
from music.services.features import catalogue_values
from music.services.trends import music_trends_refresh
from musicrec.core.models import AnalysisStatus
from musicrec.core.versions import CATALOGUE, USAGE, data_changed
from recommendations.models import Feedback, RecommendationItem
from videos.models import VideoMusic

FeatureSource = MusicFeatures.FeatureSource
GenreSource = MusicFeatures.GenreSource

_SOURCE_RANK = {FeatureSource.AUDIO: 2, FeatureSource.CATALOGUE: 1, FeatureSource.NONE: 0}
_STATUS_RANK = {
    AnalysisStatus.OK: 3,
    AnalysisStatus.PARTIAL: 2,
    AnalysisStatus.EMPTY: 1,
    AnalysisStatus.UNAVAILABLE: 1,
    AnalysisStatus.FAILED: 0,
}
# Most trusted first: a curator's word, the track's own label, then the estimates.
GENRE_PRECEDENCE: tuple[str, ...] = (
    GenreSource.CURATOR,
    GenreSource.CATALOGUE,
    GenreSource.SPOTIFY,
    GenreSource.NEIGHBOURS,
    GenreSource.KEYWORDS,
    GenreSource.NONE,
)
_GENRE_FIELDS = ("genre", "genre_source", "genre_confidence", "genres")
_FILLABLE = ("artist_name", "album", "isrc", "duration_s", "release_date", "explicit")


def _features_rank(features: MusicFeatures) -> tuple:
    """Measured beats imported beats nothing; then a complete analysis; then the newer one."""
    return (
        _SOURCE_RANK.get(features.feature_source, 0),
        _STATUS_RANK.get(features.status, 0),
        features.analyzed_at.timestamp() if features.analyzed_at else 0.0,
    )


def _genre_rank(features: MusicFeatures) -> int:
    source = features.genre_source
    return GENRE_PRECEDENCE.index(source) if source in GENRE_PRECEDENCE else len(GENRE_PRECEDENCE)


def _merge_features(keep: Music, duplicate: Music) -> None:
    rows = {f.music_id: f for f in MusicFeatures.objects.filter(music__in=[keep, duplicate])}
    kept, other = rows.get(keep.pk), rows.get(duplicate.pk)
    if other is None:
        return
    if kept is not None and _features_rank(other) > _features_rank(kept):
        kept, other = other, kept
    if kept is None:
        MusicFeatures.objects.filter(pk=other.pk).update(music=keep)
        return
    if _genre_rank(other) < _genre_rank(kept):
        for name in _GENRE_FIELDS:
            setattr(kept, name, getattr(other, name))
    if (
        kept.feature_source == FeatureSource.AUDIO
        and other.feature_source == FeatureSource.CATALOGUE
        and "catalogue" not in (kept.detail or {})
    ):
        kept.detail = {**(kept.detail or {}), "catalogue": catalogue_values(other)}
    # The loser goes first: a track has one features row.
    MusicFeatures.objects.filter(pk=other.pk).delete()
    kept.music = keep
    kept.full_clean()
    kept.save()


def _merge_video_links(keep: Music, duplicate: Music) -> None:
    kept = {link.video_id: link for link in VideoMusic.objects.filter(music=keep)}
    for link in VideoMusic.objects.filter(music=duplicate):
        same = kept.get(link.video_id)
        if same is None:
            link.music = keep
            link.save(update_fields=["music"])
            continue
        changed = []
        if link.is_primary and not same.is_primary:
            same.is_primary = True
            changed.append("is_primary")
        if same.source_id is None and link.source_id is not None:
            same.source_id = link.source_id  # so a split can still tell where it came from
            changed.append("source")
        if changed:
            same.save(update_fields=changed)
        link.delete()


def _merge_recommendation_items(keep: Music, duplicate: Music) -> None:
    kept = {item.run_id: item for item in RecommendationItem.objects.filter(music=keep)}
    for item in RecommendationItem.objects.filter(music=duplicate):
        same = kept.get(item.run_id)
        if same is not None:
            # One run lists a track once: the better-ranked entry stays, feedback follows it.
            winner, loser = (item, same) if item.rank < same.rank else (same, item)
            Feedback.objects.filter(item=loser).update(item=winner)
            loser.delete()
            if winner is same:
                continue
        item.music = keep
        item.save(update_fields=["music"])


def _merge_feedback(keep: Music, duplicate: Music) -> None:
    kept = {fb.author_id: fb for fb in Feedback.objects.filter(music=keep)}
    for feedback in Feedback.objects.filter(music=duplicate):
        same = kept.get(feedback.author_id)
        if same is not None:
            # A marketer's latest verdict on the recording is the one that counts.
            if feedback.updated_at <= same.updated_at:
                feedback.delete()
                continue
            same.delete()
        Feedback.objects.filter(pk=feedback.pk).update(music=keep)


def _fill_blanks(keep: Music, duplicate: Music) -> None:
    for name in _FILLABLE:
        if getattr(keep, name) in (None, "") and getattr(duplicate, name) not in (None, ""):
            setattr(keep, name, getattr(duplicate, name))
    if keep.artist_id is None:
        keep.artist_id = duplicate.artist_id
    if keep.commercial_ok is None:
        keep.commercial_ok = duplicate.commercial_ok
    # A recording known as a released track is one, even if a creator's upload came first.
    keep.is_original_sound = keep.is_original_sound and duplicate.is_original_sound


@transaction.atomic
def music_merge(*, keep: Music, duplicate: Music) -> Music:
    """Move `duplicate`'s sources, video links, recommendation items, feedback and features onto
    `keep`, fill `keep`'s blank fields from it, delete it and refresh `keep`'s trend figures.

    The better features row survives (audio over catalogue over none, then the more complete
    analysis, then the newer), taking the other's genre label if that one is more trusted.
    """
    if keep.pk == duplicate.pk:
        raise ValidationError("A track cannot be merged into itself.")
    keep = Music.objects.select_for_update().get(pk=keep.pk)
    duplicate = Music.objects.select_for_update().get(pk=duplicate.pk)

    MusicSource.objects.filter(music=duplicate).update(music=keep)
    _merge_video_links(keep, duplicate)
    _merge_recommendation_items(keep, duplicate)
    _merge_feedback(keep, duplicate)
    _merge_features(keep, duplicate)
    _fill_blanks(keep, duplicate)
    duplicate.delete()
    keep.full_clean()
    keep.save()
    # Its sources and their usage changed, so its percentile and growth did too.
    music_trends_refresh(music_ids=[keep.pk])
    data_changed(CATALOGUE, USAGE)  # the video links moved too
    return keep
