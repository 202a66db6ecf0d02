"""Component weights: the defaults, per-request overrides, and their validation.

Kept free of numpy and Django so settings can import `DEFAULT_WEIGHTS` cheaply.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

COMPONENTS: tuple[str, ...] = (
    "tempo",
    "mood",
    "genre",
    "energy",
    "popularity",
    "trend",
    "collaborative",
    "tier_fit",
    "kept_similarity",
)

# Content fit (tempo, mood, genre, energy) carries 0.60: a track that does not suit the video is
# useless however popular. Reach (popularity, trend) carries 0.20 and the crowd signal of similar
# creators 0.10. The tier and kept-track terms are deliberately small nudges (0.05 each).
# docs/engine.md explains each choice; settings reference this constant.
DEFAULT_WEIGHTS: dict[str, float] = {
    "tempo": 0.15,
    "mood": 0.15,
    "genre": 0.20,
    "energy": 0.10,
    "popularity": 0.10,
    "trend": 0.10,
    "collaborative": 0.10,
    "tier_fit": 0.05,
    "kept_similarity": 0.05,
}
MAX_WEIGHT = 100.0


@dataclass(frozen=True)
class Weights:
    """Relative importance of each component; only the ratios matter."""

    tempo: float = DEFAULT_WEIGHTS["tempo"]
    mood: float = DEFAULT_WEIGHTS["mood"]
    genre: float = DEFAULT_WEIGHTS["genre"]
    energy: float = DEFAULT_WEIGHTS["energy"]
    popularity: float = DEFAULT_WEIGHTS["popularity"]
    trend: float = DEFAULT_WEIGHTS["trend"]
    collaborative: float = DEFAULT_WEIGHTS["collaborative"]
    tier_fit: float = DEFAULT_WEIGHTS["tier_fit"]
    kept_similarity: float = DEFAULT_WEIGHTS["kept_similarity"]

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def normalised(self) -> dict[str, float]:
        """The weights scaled to sum to 1, as echoed back to the caller."""
        values = self.as_dict()
        total = sum(values.values())
        return {k: round(v / total, 4) for k, v in values.items()}


def validate_weights(values: Mapping[str, object] | None) -> Weights:
    """Defaults overridden by `values`; raises ValueError naming the first bad key or value.

    A partial mapping overrides only the keys it names, so `{"trend": 0.4}` means "the defaults,
    with more trend". Values must be finite numbers in 0..MAX_WEIGHT and at least one positive.
    """
    merged = dict(DEFAULT_WEIGHTS)
    for key, value in (values or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise ValueError(f"unknown weight '{key}'; expected one of: {', '.join(COMPONENTS)}")
        number = _as_number(key, value)
        if not math.isfinite(number) or number < 0 or number > MAX_WEIGHT:
            raise ValueError(f"weight '{key}' must be between 0 and {MAX_WEIGHT:g}, got {value!r}")
        merged[key] = number
    if not any(v > 0 for v in merged.values()):
        raise ValueError("weights: at least one weight must be positive")
    return Weights(**merged)


def _as_number(key: str, value: object) -> float:
    """A float from a number or a numeric string (query parameters arrive as text)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"weight '{key}' must be a number, got {value!r}")
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"weight '{key}' must be a number, got {value!r}") from None
