"""Who used which catalogue track, and when: the table behind the crowd components.

One row per use (a video whose sound is a catalogue track), as numpy columns sorted by posting
time. The momentum, collaborative and topic components read nothing else, and they read it *as
of a moment*: `Usage.before(day)` keeps only the uses posted before it. A live request reads the
whole table (its moment is the newest stored post); the temporal evaluation cuts it at each
creator's moment, so "what could the engine have known then" is one slice, not a second code path.

Pure numpy and scipy; `catalogue_source.usage_table` reads it from the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import scipy.sparse as sp

SECONDS_PER_DAY = 86_400.0
# Caption scripts worth telling apart: a Thai or Japanese caption says more about which sounds a
# creator picks than any hashtag (measured on the 2025 creators, docs/evaluation.md). Vietnamese
# is the one Latin-script language told by its letters: its tone-marked vowels and đ.
_VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("th", re.compile("[\u0e00-\u0e7f]")),
    ("ja", re.compile("[\u3040-\u30ff]")),  # kana: Japanese even when kanji appear too
    ("ko", re.compile("[\uac00-\ud7af]")),
    ("zh", re.compile("[\u4e00-\u9fff]")),
    ("ar", re.compile("[\u0600-\u06ff]")),
    ("ru", re.compile("[\u0400-\u04ff]")),
)
_LATIN = re.compile("[a-z]", re.IGNORECASE)


def day_number(moment: datetime) -> float:
    """A time as days since the Unix epoch (floats compare and subtract fast in numpy)."""
    return moment.timestamp() / SECONDS_PER_DAY


def caption_language(text: str) -> str | None:
    """The caption's language family by its script ("vi", "th", "ja", ..., "latin"), or None.

    Deliberately coarse: on captions of a few words with emoji and hashtags, a statistical
    language identifier (py3langid) scored worse than the script on the 2025 creators.
    """
    if _VIETNAMESE.search(text):
        return "vi"
    for code, pattern in _SCRIPTS:
        if pattern.search(text):
            return code
    return "latin" if _LATIN.search(text) else None


def video_terms(hashtags: Iterable[str], caption: str) -> list[str]:
    """The words a video is described by, for the topic component: its hashtags ("#tag", reach
    tags already removed by the caller) and its caption's language ("lang:vi")."""
    terms = [f"#{tag}" for tag in hashtags if tag]
    language = caption_language(caption or "")
    if language is not None:
        terms.append(f"lang:{language}")
    return terms


def relative_performance(views: np.ndarray, author_idx: np.ndarray) -> np.ndarray:
    """How well each video did against its creator's median views, squashed into 0-1.

    log2(1 + views / median) / 2: a typical video scores 0.5, three times the median 1.0 (capped),
    a flop near 0. Using the creator's own median keeps mega accounts from outvoting everyone.
    """
    views = np.asarray(views, dtype=np.float64)
    author_idx = np.asarray(author_idx)
    out = np.zeros(views.shape, dtype=np.float32)
    if views.size == 0:
        return out
    order = np.argsort(author_idx, kind="stable")
    sorted_authors = author_idx[order]
    bounds = np.flatnonzero(np.diff(sorted_authors)) + 1
    for group in np.split(order, bounds):
        median = float(np.median(views[group]))
        ratio = views[group] / median if median > 0 else np.zeros(group.size)
        out[group] = np.clip(np.log2(1.0 + ratio) / 2.0, 0.0, 1.0)
    return out


@dataclass(frozen=True, eq=False)
class Usage:
    """Every use of a catalogue track in a stored video, oldest first.

    Row i: creator row `creator[i]` (an index into `creator_ids`) used catalogue row `track[i]`
    in video `video[i]`, posted on day `day[i]`; that video performed `performance[i]` (0-1,
    `relative_performance`) and carries the terms in row i of `terms` (ids into `vocabulary`).
    """

    creator: np.ndarray  # int32
    track: np.ndarray  # int32
    day: np.ndarray  # float64, ascending
    performance: np.ndarray  # float32
    video: np.ndarray  # int64
    terms: sp.csr_matrix  # (uses x vocabulary) 0/1
    creator_ids: np.ndarray  # int64 author id of each creator row
    vocabulary: tuple[str, ...]
    n_tracks: int
    _creator_row: dict[int, int] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        *,
        author_ids: Sequence[int] | np.ndarray,
        track_rows: Sequence[int] | np.ndarray,
        days: Sequence[float] | np.ndarray,
        performance: Sequence[float] | np.ndarray,
        video_ids: Sequence[int] | np.ndarray,
        terms: Sequence[Sequence[str]],
        n_tracks: int,
    ) -> Usage:
        """The table from parallel columns, one entry per use. Uses of tracks outside the
        catalogue (row < 0) or without a posting time (NaN) are dropped: they can say nothing
        about a catalogue track or about when."""
        tracks = np.asarray(track_rows, dtype=np.int64)
        day = np.asarray(days, dtype=np.float64)
        keep = (tracks >= 0) & (tracks < n_tracks) & np.isfinite(day)
        order = np.flatnonzero(keep)[np.argsort(day[keep], kind="stable")]
        authors = np.asarray(author_ids, dtype=np.int64)[order]
        creator_ids, creator = np.unique(authors, return_inverse=True)
        vocabulary: dict[str, int] = {}
        indptr = [0]
        indices: list[int] = []
        for i in order.tolist():
            ids = {vocabulary.setdefault(term, len(vocabulary)) for term in terms[i]}
            indices.extend(sorted(ids))
            indptr.append(len(indices))
        term_matrix = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr),
            shape=(order.size, len(vocabulary)),
        )
        return cls(
            creator=creator.astype(np.int32),
            track=tracks[order].astype(np.int32),
            day=day[order],
            performance=np.asarray(performance, dtype=np.float32)[order],
            video=np.asarray(video_ids, dtype=np.int64)[order],
            terms=term_matrix,
            creator_ids=creator_ids,
            vocabulary=tuple(vocabulary),
            n_tracks=int(n_tracks),
            _creator_row={int(a): i for i, a in enumerate(creator_ids.tolist())},
        )

    @classmethod
    def empty(cls, n_tracks: int) -> Usage:
        return cls.build(
            author_ids=[], track_rows=[], days=[], performance=[], video_ids=[], terms=[],
            n_tracks=n_tracks,
        )  # fmt: skip

    @property
    def size(self) -> int:
        return int(self.track.size)

    @property
    def n_creators(self) -> int:
        return int(self.creator_ids.size)

    @property
    def latest_day(self) -> float | None:
        """The newest posting day stored: the moment a live request is answered as of."""
        return float(self.day[-1]) if self.size else None

    def creator_row(self, author_id: int | None) -> int | None:
        return None if author_id is None else self._creator_row.get(int(author_id))

    def select(self, mask: np.ndarray) -> Usage:
        """The uses where `mask` holds; creator rows, ids and vocabulary stay the same."""
        rows = np.flatnonzero(mask)
        return Usage(
            creator=self.creator[rows],
            track=self.track[rows],
            day=self.day[rows],
            performance=self.performance[rows],
            video=self.video[rows],
            terms=self.terms[rows],
            creator_ids=self.creator_ids,
            vocabulary=self.vocabulary,
            n_tracks=self.n_tracks,
            _creator_row=self._creator_row,
        )

    def before(self, day: float) -> Usage:
        """The uses posted strictly before `day`: what was known at that moment."""
        end = int(np.searchsorted(self.day, day, side="left"))
        return self if end == self.size else self.select(np.arange(self.size) < end)

    def without_videos(self, video_ids: Iterable[int]) -> Usage:
        hidden = np.fromiter((int(v) for v in video_ids), dtype=np.int64)
        if hidden.size == 0:
            return self
        return self.select(~np.isin(self.video, hidden))

    def of_creator(self, row: int | None) -> Usage:
        """One creator's own uses (none for an unknown creator)."""
        if row is None:
            return self.select(np.zeros(self.size, dtype=bool))
        return self.select(self.creator == row)

    @property
    def nbytes(self) -> int:
        columns = (self.creator, self.track, self.day, self.performance, self.video)
        term_bytes = self.terms.data.nbytes + self.terms.indices.nbytes + self.terms.indptr.nbytes
        return sum(c.nbytes for c in columns) + term_bytes + self.creator_ids.nbytes
