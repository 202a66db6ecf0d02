"""Display shaping for recommendation pages that is not a query.

A component of a track with nothing to score on still shows a number (0 for an unknown mood,
tempo, energy or genre; 1 for the likeness of two tracks that have no feature at all, see
`CatalogueArrays.described`), which reads as a measured mismatch or a perfect match. The cards
say which of their numbers rest on no data, from the same feature columns the engine's
catalogue reads (`catalogue_source.catalogue_records`).
"""

from __future__ import annotations

from typing import Any

from musicrec.core.models import AnalysisStatus

NUMERIC_FEATURES = ("tempo_bpm", "energy", "valence", "arousal", "danceability", "acousticness")
LIKENESS = (
    "This track has no audio feature and no genre, so its likeness to other tracks is not "
    "measured: every pair of such tracks scores 1."
)


def missing_inputs(features: Any) -> dict[str, str]:
    """Per component, why this track gave it nothing to score on (components it had data for
    are left out). `features` is the track's MusicFeatures or None; a failed analysis counts
    as none, as the catalogue does."""
    if features is None or features.status == AnalysisStatus.FAILED:
        values: dict[str, Any] = {}
    else:
        values = {name: getattr(features, name) for name in NUMERIC_FEATURES}
    tempo = values.get("tempo_bpm")
    has_genre = bool(features is not None and values and (features.genre or features.genres))
    missing: dict[str, str] = {}
    if tempo is None or tempo <= 0:
        missing["tempo"] = "No tempo known for this track: it scores 0."
    if values.get("energy") is None:
        missing["energy"] = "No energy known for this track: it scores 0."
    if values.get("valence") is None or (
        values.get("arousal") is None and values.get("energy") is None
    ):
        missing["mood"] = "No mood known for this track (no valence and arousal): it scores 0."
    if not has_genre:
        missing["genre"] = "No genre known for this track: it scores 0."
    if not values or (
        features.usage_growth_7d is None
        and features.usage_growth_28d is None
        and not features.early_trend
    ):
        missing["trend"] = "No usage history for this track: it scores 0."
    if not has_genre and all(values.get(name) is None for name in NUMERIC_FEATURES):
        missing["history"] = missing["kept_similarity"] = LIKENESS
    return missing
