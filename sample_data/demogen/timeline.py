"""What each demo creator posted over ~90 days, with which sound, and how the counts grew.

The counts are drawn to look like real TikTok accounts (log-normal views around a median that
grows sub-linearly with followers, a few viral hits, category-typical engagement rates) and to
carry one deliberate signal: a video whose catalogue track fits the creator's taste gets more
views and engagement on average, so a recommender has something real to learn from the demo.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from musicrec.core.descriptors import tempo_similarity

from .catalogue import KEY_NAMES, Track, stable_unit, tiktok_id
from .personas import CAPTION_FILLS, CAPTIONS, CATEGORY_TAGS, PERSONAS, REACH_TAGS, Persona

SCRAPE_DATES: tuple[str, str] = ("2026-11-10", "2026-11-24")
WINDOW_DAYS = 90
MEDIA_SIZE = (360, 640)  # width, height of the demo videos (360p portrait)


@dataclass(frozen=True)
class Counts:
    plays: int
    likes: int
    comments: int
    shares: int
    saves: int


@dataclass(frozen=True)
class MediaPlan:
    """How a video's demo file is synthesized (`iter_scenes` and soundtrack parameters)."""

    seconds: int
    fps: int
    width: int
    height: int
    cuts: int
    motion: float
    brightness: float
    saturation: float
    warmth: float
    seed: int


@dataclass
class Sound:
    """The sound a video uses: a catalogue track or the creator's own (original) sound."""

    music_id: str
    track: Track | None
    # For original sounds: what the sound is and the music under it, if any.
    kind: str  # "track", "speech", "speech+music" or "music"
    bpm: float | None
    key: str | None
    mode: str | None
    energy: float
    brightness: float


@dataclass
class VideoPlan:
    video_id: str
    create_time: int
    caption: str
    language: str
    hashtags: list[str]
    mentions: list[str]
    sound: Sound
    duration_s: int
    mood: str
    match: float  # 0-1 fit of the sound to the creator's taste (the signal)
    final_views: float
    rates: tuple[float, float, float, float]  # like, comment, share, save per view
    drift: tuple[float, float]  # small engagement drift between the two scrapes
    pinned: bool = False
    media: MediaPlan | None = None  # set when the video gets a demo file

    @property
    def is_original(self) -> bool:
        return self.sound.track is None

    def counts_at(self, when: int, first_scrape: int) -> Counts:
        """Counts `when` (unix s): views saturate over days, then creep up slowly."""
        days = max(0.0, (when - self.create_time) / 86400.0)
        plays = self.final_views * (1.0 - math.exp(-days / 2.0)) * (1.0 + 0.003 * days)
        drift = self.drift[0] if when <= first_scrape else self.drift[1]
        values = [plays * rate * drift for rate in self.rates]
        return Counts(max(1, round(plays)), *(round(v) for v in values))


@dataclass
class CreatorPlan:
    persona: Persona
    index: int
    user_id: str
    sec_uid: str
    videos: list[VideoPlan]  # newest first
    scrape_times: tuple[int, int]
    followers: tuple[int, int]
    following: tuple[int, int]
    history_likes: int
    likes_given: int
    friends: int
    favourite_ids: tuple[str, ...] = ()  # track ids the creator keeps coming back to

    def visible(self, scrape: int) -> list[VideoPlan]:
        """Videos a scrape at `scrape` (0 or 1) returns: posted before it, pinned one first."""
        when = self.scrape_times[scrape]
        shown = [v for v in self.videos if v.create_time < when]
        return sorted(shown, key=lambda v: (not v.pinned, -v.create_time))

    def counts(self, video: VideoPlan, scrape: int) -> Counts:
        """A video's counts as scrape 0 or 1 saw them; counters never shrink between scrapes."""
        first = self.scrape_times[0]
        now = video.counts_at(self.scrape_times[scrape], first)
        if scrape == 0 or video.create_time >= first:
            return now
        before = video.counts_at(first, first)
        return Counts(*(max(a, b) for a, b in zip(astuple(before), astuple(now), strict=True)))

    def total_likes(self, scrape: int) -> int:
        return self.history_likes + sum(self.counts(v, scrape).likes for v in self.visible(scrape))

    def video_count(self, scrape: int) -> int:
        return self.persona.history_videos + len(self.visible(scrape))


def _ts(day: str, hour: float = 0.0) -> int:
    start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return int((start + timedelta(hours=hour)).timestamp())


# --- Taste ---------------------------------------------------------------------------------------


def taste_match(persona: Persona, track: Track) -> float:
    """How well a track fits a creator's taste, 0-1: genre, tempo, mood and energy.

    Tempo counts as a full match inside the creator's band and falls off (half/double-time
    tolerant) outside it; mood is the overlap of the two mood distributions.
    """
    top = max(persona.genres.values())
    genre = persona.genres.get(track.spotify_genre, 0.0) / top
    low, high = persona.tempo
    if (
        low <= track.tempo <= high
        or low <= track.tempo * 2 <= high
        or low <= track.tempo / 2 <= high
    ):
        tempo = 1.0
    else:
        tempo = max(
            tempo_similarity(track.tempo, low, tolerance=0.12),
            tempo_similarity(track.tempo, high, tolerance=0.12),
        )
    total = sum(persona.moods.values())
    mood = sum(min(w / total, track.moods.get(m, 0.0)) for m, w in persona.moods.items())
    energy = 1.0 - abs(track.energy - persona.energy)
    return round(0.4 * genre + 0.25 * tempo + 0.2 * mood + 0.15 * energy, 4)


# --- Planning ------------------------------------------------------------------------------------


def plan_creators(seed: int, tracks: list[Track]) -> list[CreatorPlan]:
    return [_plan_creator(seed, index, persona, tracks) for index, persona in enumerate(PERSONAS)]


def _plan_creator(seed: int, index: int, persona: Persona, tracks: list[Track]) -> CreatorPlan:
    rng = np.random.default_rng([seed, 100 + index])
    created = _ts(persona.account_created, 12.0)
    user_id = tiktok_id(created, seed, "user", persona.handle)
    sec_uid = "MS4wLjABAAAA" + _b64(seed, "secuid", persona.handle, length=64)
    # Scrapes run one creator after another in the morning (UTC) of each scrape day.
    scrape_times = (
        _ts(SCRAPE_DATES[0], 9.0 + index * 0.1),
        _ts(SCRAPE_DATES[1], 9.0 + index * 0.1),
    )

    matches = {t.track_id: taste_match(persona, t) for t in tracks}
    match_arr = np.array([matches[t.track_id] for t in tracks])
    popularity = np.array([t.popularity for t in tracks], dtype=float)
    choice_weights = np.exp((match_arr - match_arr.max()) / 0.07) * (0.5 + popularity / 100.0)
    choice_p = choice_weights / choice_weights.sum()
    trend_weights = (popularity + 5.0) ** 2
    trend_p = trend_weights / trend_weights.sum()
    top = np.argsort(-match_arr, kind="stable")[:15]
    favourites = [tracks[i] for i in rng.choice(top, size=persona.favourites, replace=False)]

    times = _post_times(rng, persona, scrape_times)
    median_views = 2.5 * persona.followers**0.8 * persona.reach
    videos: list[VideoPlan] = []
    own_sounds: list[Sound] = []
    for create_time in times:
        video_id = tiktok_id(create_time, seed, "video", persona.handle, create_time)
        mood = _weighted(rng, persona.video_moods)
        if rng.random() < persona.original_share:
            if own_sounds and rng.random() < 0.25:
                sound = own_sounds[int(rng.integers(len(own_sounds)))]
            else:
                sound = _own_sound(rng, seed, persona, create_time, video_id, mood)
                own_sounds.append(sound)
            match = persona.original_match
        else:
            pick = rng.random()
            if pick < 0.22:
                track = favourites[int(rng.integers(len(favourites)))]
            elif pick < 0.5:
                # Chasing whatever is popular right now, taste or not: these off-taste picks
                # are what lets an evaluation see that fitting tracks do better.
                track = tracks[int(rng.choice(len(tracks), p=trend_p))]
            else:
                track = tracks[int(rng.choice(len(tracks), p=choice_p))]
            clip = track.clip()
            sound = Sound(
                music_id=track.music_id,
                track=track,
                kind="track",
                bpm=float(clip["bpm"]),
                key=str(clip["key"]),
                mode=str(clip["mode"]),
                energy=float(clip["energy"]),
                brightness=float(clip["brightness"]),
            )
            match = matches[track.track_id]

        # The signal: views and engagement scale with how well the sound fits the creator.
        views = median_views * rng.lognormal(0.0, 0.75) * math.exp(1.8 * (match - 0.6))
        if rng.random() < 0.01 + 0.08 * match:
            views *= rng.uniform(4.0, 15.0)
        lift = 0.7 + 0.6 * match
        r = persona.rates
        rates = (
            r.like * rng.lognormal(0.0, 0.2) * lift,
            r.comment * rng.lognormal(0.0, 0.35) * lift,
            r.share * rng.lognormal(0.0, 0.4) * lift,
            r.save * rng.lognormal(0.0, 0.35) * lift,
        )
        caption, language, hashtags, mentions = _caption(rng, persona, sound.track, index)
        videos.append(
            VideoPlan(
                video_id=video_id,
                create_time=create_time,
                caption=caption,
                language=language,
                hashtags=hashtags,
                mentions=mentions,
                sound=sound,
                duration_s=int(rng.integers(persona.duration_s[0], persona.duration_s[1] + 1)),
                mood=mood,
                match=match,
                final_views=views,
                rates=rates,
                drift=(1.0, float(rng.uniform(0.985, 1.02))),
            )
        )
    videos.sort(key=lambda v: -v.create_time)
    _pin_best(rng, persona, videos, scrape_times[0])
    _choose_media(rng, seed, index, persona, videos, scrape_times[0])

    f1 = persona.followers
    tier_growth = 0.06 if f1 < 10_000 else 0.04 if f1 < 100_000 else 0.025 if f1 < 1e6 else 0.015
    new_views = sum(
        v.counts_at(scrape_times[1], scrape_times[0]).plays
        for v in videos
        if v.create_time >= scrape_times[0]
    )
    f2 = round(f1 * (1 + tier_growth * rng.lognormal(0.0, 0.3)) + 0.002 * new_views)
    following = persona.following
    return CreatorPlan(
        persona=persona,
        index=index,
        user_id=user_id,
        sec_uid=sec_uid,
        videos=videos,
        scrape_times=scrape_times,
        followers=(f1, f2),
        following=(following, following + int(rng.integers(0, 4))),
        history_likes=round(f1 * rng.uniform(6.0, 14.0)),
        likes_given=int(rng.integers(200, 9000)),
        friends=int(rng.integers(10, 120)),
        favourite_ids=tuple(t.track_id for t in favourites),
    )


def _post_times(rng: np.random.Generator, persona: Persona, scrapes: tuple[int, int]) -> list[int]:
    """Posting times with the creator's weekly rhythm and preferred hours (local → UTC).

    20-34 videos before the first scrape (the 90-day window) and 2-6 between the scrapes, so
    the second scrape shows a few videos the first one could not.
    """
    window_start = scrapes[1] - WINDOW_DAYS * 86400
    old_n = int(np.clip(round(persona.posts_per_week * 76 / 7 * rng.uniform(0.8, 1.1)), 20, 34))
    new_n = int(np.clip(round(persona.posts_per_week * 2 * rng.uniform(0.5, 1.0)), 2, 6))
    new_n = min(new_n, 40 - old_n)
    times: list[int] = []
    for n, start, end in ((old_n, window_start, scrapes[0]), (new_n, scrapes[0], scrapes[1])):
        days = [start + d * 86400 for d in range((end - start) // 86400)]
        weights = np.array(
            [persona.weekday_weights[datetime.fromtimestamp(d, UTC).weekday()] for d in days]
        )
        picked = rng.choice(len(days), size=n, replace=False, p=weights / weights.sum())
        for i in sorted(picked):
            day_start = days[i] - days[i] % 86400
            hour = float(rng.choice(persona.post_hours)) - persona.utc_offset
            moment = day_start + int((hour + rng.normal(0.0, 0.6)) * 3600) % 86400
            moment += int(rng.integers(0, 60))
            # Keep each post inside its period even after the time-zone shift.
            times.append(int(min(max(moment, start + 600), end - 600)))
    return sorted(set(times))


def _own_sound(
    rng: np.random.Generator, seed: int, persona: Persona, when: int, video_id: str, mood: str
) -> Sound:
    """An original sound: speech, speech over a music bed, or the creator's own music."""
    kind = persona.original_kind
    minor = mood in {"sad", "dark"} or (mood == "romantic" and rng.random() < 0.5)
    music = kind != "speech"
    low, high = persona.tempo
    return Sound(
        music_id=tiktok_id(when, seed, "own-sound", video_id),
        track=None,
        kind=kind,
        bpm=round(float(rng.uniform(low, high)), 1) if music else None,
        key=KEY_NAMES[int(rng.integers(12))] if music else None,
        mode=("minor" if minor else "major") if music else None,
        energy=round(float(np.clip(persona.energy + rng.normal(0, 0.05), 0.1, 1.0)), 3),
        brightness=0.5,
    )


def _weighted(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _caption(
    rng: np.random.Generator, persona: Persona, track: Track | None, index: int
) -> tuple[str, str, list[str], list[str]]:
    """Caption text (with its #tags and @mentions appended), language, tags and mentions."""
    language = _weighted(rng, persona.languages)
    pool = CAPTIONS[persona.category].get(language) or CAPTIONS[persona.category]["en"]
    if track is None:
        pool = tuple(t for t in pool if "{song}" not in t) or pool
    template = pool[int(rng.integers(len(pool)))]
    fills = {k: v[int(rng.integers(len(v)))] for k, v in CAPTION_FILLS.items()}
    fills["n"] = str(int(rng.integers(2, 13)))
    fills["song"] = track.title if track is not None else "this"
    text = template.format(**fills)

    hashtags: list[str] = []
    if rng.random() >= 0.12:  # about one post in eight carries no hashtag at all
        own = CATEGORY_TAGS[persona.category]
        k = int(rng.integers(1, 5))
        hashtags += [own[i] for i in rng.choice(len(own), size=k, replace=False)]
        reach = REACH_TAGS.get(language, REACH_TAGS["en"])
        r = int(rng.integers(0, 4))
        hashtags += [reach[i] for i in rng.choice(len(reach), size=r, replace=False)]
    mentions: list[str] = []
    if rng.random() < 0.06:
        others = [p.handle for i, p in enumerate(PERSONAS) if i != index]
        mentions.append(others[int(rng.integers(len(others)))])
    parts = [text, *(f"@{m}" for m in mentions), *(f"#{t}" for t in hashtags)]
    return " ".join(parts), language, hashtags, mentions


def _pin_best(
    rng: np.random.Generator, persona: Persona, videos: list[VideoPlan], first_scrape: int
) -> None:
    """Creators with a breakout hit pin it; pinned posts come first in scrapes and skew stats."""
    if persona.shape == "collector" or rng.random() < 0.4:
        return
    older = [v for v in videos if v.create_time < first_scrape - 20 * 86400]
    if older:
        max(older, key=lambda v: v.final_views).pinned = True


def _choose_media(
    rng: np.random.Generator,
    seed: int,
    index: int,
    persona: Persona,
    videos: list[VideoPlan],
    first_scrape: int,
) -> None:
    """Pick 4-6 videos (present in both scrapes) that get a demo mp4, and its parameters.

    Both own-sound and catalogue-track videos are picked when the creator has both, so the
    demo shows speech and music soundtracks for each category.
    """
    count = 4 + index % 3
    candidates = [v for v in videos if v.create_time < first_scrape]
    own = [v for v in candidates if v.is_original]
    tracked = [v for v in candidates if not v.is_original]
    want_own = min(len(own), max(1, round(count * persona.original_share))) if own else 0
    picked = [own[i] for i in sorted(rng.choice(len(own), size=want_own, replace=False))]
    rest = min(len(tracked), count - want_own)
    picked += [tracked[i] for i in sorted(rng.choice(len(tracked), size=rest, replace=False))]
    vis = persona.visual
    for video in picked:
        seconds = int(rng.integers(6, 11))
        video.duration_s = seconds
        video.media = MediaPlan(
            seconds=seconds,
            fps=int(rng.choice([24, 30])),
            width=MEDIA_SIZE[0],
            height=MEDIA_SIZE[1],
            cuts=max(0, round(rng.uniform(*vis.cuts_per_10s) * seconds / 10.0)),
            motion=round(float(rng.uniform(*vis.motion)), 3),
            brightness=round(float(rng.uniform(*vis.brightness)), 3),
            saturation=round(float(rng.uniform(*vis.saturation)), 3),
            warmth=round(float(rng.uniform(*vis.warmth)), 3),
            seed=int(stable_unit(seed, "video-media", video.video_id) * 2**31),
        )


def _b64(*parts: object, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(alphabet[int(stable_unit(*parts, i) * 64)] for i in range(length))
