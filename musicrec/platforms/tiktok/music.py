"""A video's sound as a `MusicRecord`: ids, original sounds and who owns them, DSP mappings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from musicrec.platforms.tiktok.records import SPOTIFY_DSP_PLATFORM, AuthorRecord, MusicRecord
from musicrec.platforms.tiktok.values import Node

# "original sound" in the languages seen in the samples and TikTok's UI; only consulted when a
# scrape omits the original flag.
_ORIGINAL_SOUND_TITLES = (
    "original sound",
    "sonido original",
    "som original",
    "son original",
    "suono originale",
    "origineel geluid",
    "originalton",
    "orijinal ses",
    "оригинальный звук",
    "оригінальний звук",
    "dźwięk oryginalny",
    "sunet original",
    "originální zvuk",
    "eredeti hang",
    "πρωτότυπος ήχος",
    "الصوت الأصلي",
    "צליל מקורי",
    "原声",
    "原聲",
    "オリジナル楽曲",
    "오리지널 사운드",
    "nhạc nền",
    "suara asli",
    "เสียงต้นฉบับ",
    "tunog orihinal",
)
# Spotify track ids are 22 base-62 characters.
_SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_ORIGINAL_TITLE_RE = re.compile(
    r"^\s*(" + "|".join(re.escape(t) for t in _ORIGINAL_SOUND_TITLES) + r")\b", re.IGNORECASE
)


def is_original_sound_title(title: str | None) -> bool:
    """Whether a title is TikTok's "original sound - <creator>" in one of its languages."""
    return bool(title and _ORIGINAL_TITLE_RE.match(title))


@dataclass(frozen=True)
class MusicResult:
    record: MusicRecord | None
    warning: str | None = None


def read_music(
    music: Node,
    author: AuthorRecord,
    video_id: str,
    *,
    id_key: str,
    title: str,
    artist: str,
    album: str,
    original: str,
    covers: tuple[str, ...],
) -> MusicResult:
    if not isinstance(music.value, dict) or not music.value:
        return MusicResult(None)
    music_id = music.ident(id_key)
    title_text = music.text(title)
    artist_text = music.text(artist)
    album_text = music.text(album)
    play_url = music.text("playUrl")
    duration = music.number("duration")
    if music_id is None:
        if artist_text or album_text or play_url or duration:
            music.fail((id_key,), "missing music id")
        return MusicResult(
            None,
            f"video {video_id}: music without an id ({title_text or 'no title'!r}) was dropped",
        )
    spotify_id = next(
        (
            info.text("song_id")
            for info in music.items("tt2dsp", "tt_to_dsp_song_infos")
            if info.get("platform") in (SPOTIFY_DSP_PLATFORM, str(SPOTIFY_DSP_PLATFORM))
        ),
        None,
    )
    if spotify_id is not None and not _SPOTIFY_ID.match(spotify_id):
        spotify_id = None  # not a Spotify track id: nothing to join the catalogue by
    flagged = music.flag(original)
    if flagged is None:
        flagged = is_original_sound_title(title_text)
    licensed = bool(music.flag("isCopyrighted")) or album_text is not None or spotify_id
    is_original = bool(flagged) and not licensed
    owner_handle = None
    if is_original:
        creator_names = {_fold(author.handle), _fold(author.display_name)} - {""}
        suffix = _title_suffix(title_text)
        if not artist_text or _fold(artist_text) in creator_names:
            owner_handle = author.handle
            artist_text = artist_text or suffix or author.display_name or author.handle
        elif suffix and _fold(suffix) in creator_names:
            owner_handle = author.handle
    record = MusicRecord(
        external_id=music_id,
        title=title_text,
        artist_name=artist_text,
        album=album_text,
        duration_s=duration,
        is_original=is_original,
        play_url=play_url,
        cover_url=music.text(*covers),
        owner_handle=owner_handle,
        spotify_id=spotify_id,
        usage_count=music.count(
            ("statsV2", "videoCount"), ("stats", "videoCount"), ("userCount",), ("user_count",)
        ),
        raw=music.value,
    )
    return MusicResult(record)


def _title_suffix(title: str | None) -> str | None:
    """The creator named in "original sound - <creator>"."""
    if not is_original_sound_title(title):
        return None
    _, _, rest = (title or "").partition(" - ")
    return rest.strip() or None


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold()
