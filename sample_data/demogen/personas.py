"""The demo creators: who they are, what they post, which music they like and how they perform.

Each persona is one content category with a music taste that a marketer would recognise
(dance → upbeat 120-130 BPM pop/EDM/K-pop; education → calm ambient under speech). The taste is
written over Spotify `track_genre` names so the generator can choose real catalogue rows; the
taxonomy view of it (for truth.json) comes from `musicrec.core.descriptors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Visual:
    """How the category's videos look: the `synth_scenes` parameters, as ranges."""

    cuts_per_10s: tuple[int, int]
    motion: tuple[float, float]
    brightness: tuple[float, float]
    saturation: tuple[float, float]
    warmth: tuple[float, float]


@dataclass(frozen=True)
class Rates:
    """Median engagement per view for the category (likes, comments, shares, saves)."""

    like: float
    comment: float
    share: float
    save: float


@dataclass(frozen=True)
class Persona:
    handle: str
    nickname: str
    bio: str
    region: str
    category: str
    shape: str  # "web" (TikTok web API), "apify" (Apify dataset) or "collector" (tiktok-scraper)
    followers: int  # at the first scrape
    following: int
    verified: bool
    account_created: str  # ISO date; the user id encodes it as TikTok's do
    history_videos: int  # posted before the 90-day window the scrapes show
    languages: dict[str, float]  # caption language → share
    original_sound_title: str  # TikTok's localized "original sound" label for the region
    # Music taste: Spotify genres with weights, a preferred tempo band, moods and energy.
    genres: dict[str, float]
    tempo: tuple[float, float]
    moods: dict[str, float]
    energy: float
    original_share: float  # share of videos on the creator's own sound
    original_match: float  # how well an own sound suits this creator (0-1), see timeline
    original_kind: str  # what an original sound is: "speech", "speech+music" or "music"
    video_moods: dict[str, float]  # the intended mood of the videos themselves
    visual: Visual
    rates: Rates
    reach: float  # views per follower multiplier of the category
    duration_s: tuple[int, int]  # typical video length
    posts_per_week: float
    post_hours: tuple[int, ...]  # local hours the creator likes to post at (UTC offset applied)
    utc_offset: int
    weekday_weights: tuple[float, ...] = (1, 1, 1, 1, 1, 1, 1)  # Monday first
    favourites: int = 3  # how many favourite tracks they keep coming back to
    extra_tags: tuple[str, ...] = field(default_factory=tuple)


PERSONAS: tuple[Persona, ...] = (
    Persona(
        handle="lunamoves",
        nickname="Luna Ortega 💃",
        bio="choreo every day ✨ LA | bookings: luna@lunamoves.example",
        region="US",
        category="dance",
        shape="web",
        followers=3_840_000,
        following=412,
        verified=True,
        account_created="2019-06-14",
        history_videos=1120,
        languages={"en": 0.8, "es": 0.2},
        original_sound_title="original sound",
        genres={
            "dance": 1.0,
            "k-pop": 0.9,
            "pop": 0.8,
            "edm": 0.8,
            "reggaeton": 0.6,
            "latin": 0.5,
            "house": 0.5,
            "electro": 0.5,
            "hip-hop": 0.5,
            "j-pop": 0.4,
        },
        tempo=(118.0, 132.0),
        moods={"energetic": 0.6, "happy": 0.4},
        energy=0.82,
        original_share=0.12,
        original_match=0.35,
        original_kind="music",
        video_moods={"energetic": 0.7, "happy": 0.3},
        visual=Visual((8, 14), (0.7, 1.0), (0.55, 0.75), (0.6, 0.85), (-0.2, 0.4)),
        rates=Rates(like=0.095, comment=0.0012, share=0.004, save=0.006),
        reach=1.1,
        duration_s=(9, 28),
        posts_per_week=3.2,
        post_hours=(17, 19, 20),
        utc_offset=-8,
        weekday_weights=(0.8, 1, 1, 1, 1.3, 1.4, 1.2),
        favourites=4,
    ),
    Persona(
        handle="tiago.risos",
        nickname="Tiago Risos",
        bio="comédia do dia a dia 😂 SP 🇧🇷 | novo vídeo toda terça e sexta",
        region="BR",
        category="comedy",
        shape="apify",
        followers=925_000,
        following=188,
        verified=True,
        account_created="2020-03-02",
        history_videos=640,
        languages={"pt": 0.75, "en": 0.25},
        original_sound_title="som original",
        genres={"comedy": 1.0, "happy": 0.8, "brazil": 0.6, "funk": 0.5, "pop": 0.5, "kids": 0.3},
        tempo=(95.0, 125.0),
        moods={"happy": 0.7, "energetic": 0.3},
        energy=0.6,
        original_share=0.7,
        original_match=0.75,
        original_kind="speech",
        video_moods={"funny": 0.8, "happy": 0.2},
        visual=Visual((3, 6), (0.3, 0.55), (0.5, 0.7), (0.45, 0.65), (0.0, 0.4)),
        rates=Rates(like=0.11, comment=0.003, share=0.012, save=0.005),
        reach=1.3,
        duration_s=(18, 58),
        posts_per_week=2.6,
        post_hours=(12, 19),
        utc_offset=-3,
        weekday_weights=(0.6, 1.6, 0.7, 0.7, 1.6, 0.8, 0.6),
        favourites=2,
    ),
    Persona(
        handle="glowwithmira",
        nickname="Mira Sato",
        bio="GRWM, skincare that actually works & soft glam 🌸 she/her",
        region="US",
        category="beauty-fashion",
        shape="web",
        followers=342_000,
        following=903,
        verified=False,
        account_created="2020-11-21",
        history_videos=530,
        languages={"en": 0.9, "es": 0.1},
        original_sound_title="original sound",
        genres={
            "pop": 1.0,
            "r-n-b": 1.0,
            "soul": 0.6,
            "indie-pop": 0.5,
            "k-pop": 0.4,
            "chill": 0.3,
        },
        tempo=(92.0, 120.0),
        moods={"happy": 0.5, "romantic": 0.5},
        energy=0.6,
        original_share=0.3,
        original_match=0.5,
        original_kind="speech+music",
        video_moods={"happy": 0.6, "romantic": 0.4},
        visual=Visual((4, 8), (0.25, 0.5), (0.65, 0.85), (0.35, 0.6), (0.2, 0.6)),
        rates=Rates(like=0.07, comment=0.002, share=0.003, save=0.012),
        reach=0.9,
        duration_s=(22, 60),
        posts_per_week=2.8,
        post_hours=(8, 18, 21),
        utc_offset=-5,
        favourites=3,
    ),
    Persona(
        handle="ironjess.fit",
        nickname="Jess Kwon | Strength Coach",
        bio="🏋️‍♀️ strength & conditioning coach\nfree 4-week plan ⬇️",
        region="AU",
        category="fitness",
        shape="apify",
        followers=611_000,
        following=240,
        verified=False,
        account_created="2019-12-05",
        history_videos=780,
        languages={"en": 0.9, "es": 0.1},
        original_sound_title="original sound",
        genres={
            "edm": 1.0,
            "hip-hop": 0.9,
            "electro": 0.8,
            "house": 0.6,
            "dance": 0.6,
            "drum-and-bass": 0.4,
            "rock": 0.4,
        },
        tempo=(126.0, 142.0),
        moods={"energetic": 1.0},
        energy=0.9,
        original_share=0.15,
        original_match=0.4,
        original_kind="speech+music",
        video_moods={"energetic": 0.9, "happy": 0.1},
        visual=Visual((6, 11), (0.6, 0.9), (0.45, 0.65), (0.5, 0.75), (-0.3, 0.2)),
        rates=Rates(like=0.06, comment=0.0015, share=0.004, save=0.015),
        reach=1.0,
        duration_s=(14, 40),
        posts_per_week=4.0,
        post_hours=(6, 7, 17),
        utc_offset=10,
        weekday_weights=(1.4, 1.2, 1.2, 1.1, 1.0, 0.6, 0.5),
        favourites=4,
    ),
    Persona(
        handle="cocina.de.sofia",
        nickname="Sofía | Cocina fácil",
        bio="recetas mexicanas de mi abuela 🌮 CDMX\nlibro de recetas ⬇️",
        region="MX",
        category="food",
        shape="apify",
        followers=214_000,
        following=331,
        verified=False,
        account_created="2021-01-09",
        history_videos=410,
        languages={"es": 0.75, "en": 0.25},
        original_sound_title="sonido original",
        genres={
            "acoustic": 1.0,
            "latin": 0.9,
            "happy": 0.6,
            "folk": 0.5,
            "brazil": 0.5,
            "singer-songwriter": 0.4,
            "reggaeton": 0.3,
        },
        tempo=(88.0, 118.0),
        moods={"happy": 0.8, "calm": 0.2},
        energy=0.55,
        original_share=0.35,
        original_match=0.5,
        original_kind="speech+music",
        video_moods={"happy": 0.8, "calm": 0.2},
        visual=Visual((4, 8), (0.2, 0.45), (0.55, 0.75), (0.7, 0.9), (0.6, 0.95)),
        rates=Rates(like=0.08, comment=0.002, share=0.006, save=0.02),
        reach=1.0,
        duration_s=(20, 60),
        posts_per_week=2.4,
        post_hours=(11, 13, 19),
        utc_offset=-6,
        weekday_weights=(1, 1, 1, 1, 1, 1.4, 1.5),
        favourites=3,
    ),
    Persona(
        handle="pixelraptor",
        nickname="PixelRaptor",
        bio="ranked grind, clutches & fails 🎮 live on weekends",
        region="GB",
        category="gaming",
        shape="collector",
        followers=64_300,
        following=150,
        verified=False,
        account_created="2021-07-30",
        history_videos=290,
        languages={"en": 1.0},
        original_sound_title="original sound",
        genres={
            "dubstep": 1.0,
            "drum-and-bass": 1.0,
            "techno": 0.8,
            "electro": 0.8,
            "edm": 0.5,
            "hip-hop": 0.4,
            "rock": 0.3,
        },
        tempo=(140.0, 175.0),
        moods={"dark": 0.6, "energetic": 0.4},
        energy=0.85,
        original_share=0.35,
        original_match=0.5,
        original_kind="speech+music",
        video_moods={"dark": 0.5, "energetic": 0.4, "funny": 0.1},
        visual=Visual((5, 10), (0.5, 0.85), (0.2, 0.38), (0.65, 0.9), (-0.95, -0.5)),
        rates=Rates(like=0.07, comment=0.004, share=0.003, save=0.003),
        reach=0.9,
        duration_s=(15, 60),
        posts_per_week=3.0,
        post_hours=(16, 21, 22),
        utc_offset=0,
        weekday_weights=(0.8, 0.8, 0.9, 1, 1.2, 1.5, 1.4),
        favourites=3,
    ),
    Persona(
        handle="nadia.jalanjalan",
        nickname="Nadia Putri ✈️",
        bio="slow travel, hidden beaches & local food 🌏 Bali-based",
        region="ID",
        category="travel",
        shape="web",
        followers=128_000,
        following=506,
        verified=False,
        account_created="2020-08-17",
        history_videos=350,
        languages={"id": 0.55, "en": 0.45},
        original_sound_title="suara asli",
        genres={
            "indie-pop": 1.0,
            "acoustic": 0.9,
            "folk": 0.8,
            "chill": 0.8,
            "singer-songwriter": 0.6,
            "afrobeat": 0.3,
            "pop": 0.3,
        },
        tempo=(85.0, 115.0),
        moods={"calm": 0.5, "happy": 0.5},
        energy=0.45,
        original_share=0.2,
        original_match=0.4,
        original_kind="speech+music",
        video_moods={"calm": 0.6, "happy": 0.4},
        visual=Visual((3, 6), (0.15, 0.35), (0.7, 0.9), (0.45, 0.7), (0.0, 0.5)),
        rates=Rates(like=0.07, comment=0.0015, share=0.008, save=0.018),
        reach=1.0,
        duration_s=(10, 32),
        posts_per_week=2.2,
        post_hours=(7, 17, 20),
        utc_offset=8,
        weekday_weights=(0.9, 0.9, 1, 1, 1.1, 1.3, 1.2),
        favourites=3,
    ),
    Persona(
        handle="sciencewithsam",
        nickname="Sam Okafor | Science",
        bio="physics & chemistry in 60 seconds 🔬 teacher by day",
        region="GB",
        category="education",
        shape="web",
        followers=27_400,
        following=96,
        verified=False,
        account_created="2022-02-11",
        history_videos=180,
        languages={"en": 0.95, "es": 0.05},
        original_sound_title="original sound",
        genres={"ambient": 1.0, "study": 1.0, "piano": 0.8, "classical": 0.8, "chill": 0.6},
        tempo=(70.0, 100.0),
        moods={"calm": 1.0},
        energy=0.25,
        original_share=0.8,
        original_match=0.7,
        original_kind="speech",
        video_moods={"calm": 0.8, "happy": 0.2},
        visual=Visual((1, 2), (0.0, 0.1), (0.55, 0.75), (0.2, 0.4), (-0.2, 0.2)),
        rates=Rates(like=0.06, comment=0.003, share=0.006, save=0.025),
        reach=0.7,
        duration_s=(40, 90),
        posts_per_week=2.0,
        post_hours=(16, 18),
        utc_offset=0,
        weekday_weights=(0.5, 1.8, 0.6, 1.8, 0.6, 0.3, 0.3),
        favourites=2,
    ),
    Persona(
        handle="mochi.the.corgi",
        nickname="Mochi 🐶",
        bio="just a corgi and his human in Hà Nội 🐾",
        region="VN",
        category="pets",
        shape="collector",
        followers=8_450,
        following=73,
        verified=False,
        account_created="2023-04-03",
        history_videos=95,
        languages={"en": 0.6, "vi": 0.4},
        original_sound_title="nhạc nền",
        genres={
            "happy": 1.0,
            "kids": 0.8,
            "pop": 0.7,
            "k-pop": 0.4,
            "indie-pop": 0.3,
            "acoustic": 0.3,
        },
        tempo=(100.0, 128.0),
        moods={"happy": 1.0},
        energy=0.6,
        original_share=0.35,
        original_match=0.45,
        original_kind="music",
        video_moods={"happy": 0.7, "funny": 0.3},
        visual=Visual((3, 6), (0.35, 0.6), (0.6, 0.8), (0.5, 0.7), (0.3, 0.6)),
        rates=Rates(like=0.12, comment=0.0025, share=0.01, save=0.006),
        reach=1.2,
        duration_s=(8, 25),
        posts_per_week=2.5,
        post_hours=(7, 19),
        utc_offset=7,
        favourites=2,
    ),
    Persona(
        handle="lea.au.piano",
        nickname="Léa au piano",
        bio="covers au piano 🎹 Lyon | vos demandes en commentaire",
        region="FR",
        category="music-performance",
        shape="collector",
        followers=4_120,
        following=211,
        verified=False,
        account_created="2023-09-19",
        history_videos=60,
        languages={"fr": 0.7, "en": 0.3},
        original_sound_title="son original",
        genres={
            "piano": 1.0,
            "classical": 0.9,
            "singer-songwriter": 0.7,
            "acoustic": 0.7,
            "pop": 0.4,
            "soul": 0.3,
        },
        tempo=(70.0, 110.0),
        moods={"romantic": 0.5, "calm": 0.3, "sad": 0.2},
        energy=0.35,
        original_share=0.6,
        original_match=0.7,
        original_kind="music",
        video_moods={"romantic": 0.5, "calm": 0.3, "sad": 0.2},
        visual=Visual((1, 3), (0.05, 0.2), (0.35, 0.55), (0.25, 0.45), (0.2, 0.6)),
        rates=Rates(like=0.1, comment=0.003, share=0.005, save=0.01),
        reach=1.0,
        duration_s=(20, 60),
        posts_per_week=2.3,
        post_hours=(20, 21),
        utc_offset=1,
        favourites=3,
    ),
)


# --- Captions and hashtags ---------------------------------------------------------------------

# Reach tags every category sprinkles in, by caption language.
REACH_TAGS: dict[str, tuple[str, ...]] = {
    "en": ("fyp", "foryou", "foryoupage", "viral", "trending", "fy", "xyzbca"),
    "es": ("fyp", "parati", "viral", "foryou", "tendencia", "fypシ"),
    "pt": ("fyp", "paravoce", "viral", "foryou", "humorbr"),
    "id": ("fyp", "fypシ", "foryou", "viral", "fypindonesia"),
    "vi": ("fyp", "xuhuong", "viral", "foryou"),
    "fr": ("fyp", "pourtoi", "viral", "foryou"),
}

CATEGORY_TAGS: dict[str, tuple[str, ...]] = {
    "dance": (
        "dance",
        "dancechallenge",
        "choreography",
        "dancetutorial",
        "kpopdance",
        "tiktokdance",
        "dancer",
        "freestyle",
        "trend",
    ),
    "comedy": ("comedy", "humor", "comedia", "funny", "sketch", "pov", "relatable", "memes"),
    "beauty-fashion": (
        "grwm",
        "makeup",
        "skincare",
        "makeuptutorial",
        "glowup",
        "ootd",
        "beautytips",
        "softglam",
        "skincareroutine",
    ),
    "fitness": (
        "gymtok",
        "fitness",
        "workout",
        "legday",
        "strengthtraining",
        "fitnesstips",
        "homeworkout",
        "motivation",
        "gym",
    ),
    "food": (
        "recetas",
        "cocina",
        "comidamexicana",
        "foodtok",
        "recipe",
        "easyrecipe",
        "cooking",
        "tacos",
        "asmrfood",
    ),
    "gaming": (
        "gaming",
        "gamer",
        "valorant",
        "fortnite",
        "clutch",
        "ranked",
        "gamingclips",
        "fails",
        "minecraft",
    ),
    "travel": (
        "travel",
        "bali",
        "traveltok",
        "hiddengems",
        "indonesia",
        "wonderfulindonesia",
        "beach",
        "slowtravel",
        "jalanjalan",
    ),
    "education": (
        "learnontiktok",
        "science",
        "physics",
        "chemistry",
        "stem",
        "edutok",
        "scienceexperiment",
        "teacher",
        "didyouknow",
    ),
    "pets": ("corgi", "dogsoftiktok", "puppy", "petsoftiktok", "corgilife", "cutedog", "dog"),
    "music-performance": (
        "piano",
        "pianocover",
        "cover",
        "pianotok",
        "music",
        "classicalmusic",
        "pianist",
        "musique",
    ),
}

# Apify puts a tag's *description* in hashtags[].title (and TikTok in challenges[].desc): many
# tags have none, some have the campaign text their creator wrote.
TAG_DESCRIPTIONS: dict[str, str] = {
    "dancechallenge": "Show us your best moves and join the challenge!",
    "learnontiktok": "Learn something new every day on TikTok. #LearnOnTikTok",
    "gymtok": "Your home for workouts, gym tips and fitness motivation.",
    "foodtok": "Cook it, taste it, share it.",
    "traveltok": "Discover places around the world through the eyes of creators.",
    "grwm": "Get ready with me: makeup, outfits and everyday routines.",
    "petsoftiktok": "Welcome to the cutest corner of TikTok.",
    "pianotok": "Piano covers, tutorials and original pieces.",
    "gaming": "The best of gaming on TikTok.",
    "comedy": "Sketches, skits and everything that makes you laugh.",
    "wonderfulindonesia": "Explore the wonders of Indonesia.",
    "recetas": "Recetas fáciles para todos los días.",
    "viral": "",
}

# Caption templates by category and language; `{x}` slots are filled from CAPTION_FILLS.
CAPTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "dance": {
        "en": (
            "new choreo to {song} 🔥 who's learning this?",
            "tried the {song} trend with my girls 💃",
            "tutorial for the {song} dance, slowed down 👇",
            "freestyle friday ✨ drop a 🔥 if you want the tutorial",
            "this one took 3 hours to film 😅",
            "{n}-count breakdown in the comments",
            "can we get this to 1M? 🙏",
            "rate my timing 1-10",
        ),
        "es": (
            "coreografía nueva 🔥 ¿quién se la aprende?",
            "bailando {song} con mi hermana 💃",
            "tutorial paso a paso 👇",
        ),
    },
    "comedy": {
        "pt": (
            "quando a mãe fala 'vamos conversar' 😂",
            "todo grupo de amigos tem esse {person}",
            "POV: você chega atrasado no trabalho pela {n}ª vez",
            "eu tentando economizar no fim do mês 💸",
            "brasileiro no aeroporto é outro nível 😂",
            "a diferença entre eu e meu irmão",
            "marca aquele amigo que faz isso",
        ),
        "en": (
            "POV: your {person} explains the group chat drama",
            "me pretending to understand the assignment 😂",
            "every {person} ever",
            "part {n} because you asked",
        ),
    },
    "beauty-fashion": {
        "en": (
            "GRWM for {event} 💄",
            "my 5-minute {look} look",
            "skincare routine that cleared my skin 🌸",
            "drugstore vs high-end: {product} edition",
            "testing the viral {product} so you don't have to",
            "soft glam for {event} ✨ products in comments",
            "outfit check: {event} edition",
        ),
        "es": ("maquillaje natural en 5 minutos ✨", "mi rutina de skincare de noche 🌙"),
    },
    "fitness": {
        "en": (
            "{exercise} form check: 3 mistakes I see every day",
            "leg day, no excuses 🏋️‍♀️",
            "{n}-minute full body workout, save for later",
            "how I hit a {n}kg {exercise} PR",
            "stop doing {exercise} like this ❌",
            "5am club workout 💪",
            "beginner {exercise} progression 👇",
        ),
        "es": ("rutina de piernas para principiantes 💪", "entrenamiento de {n} minutos en casa"),
    },
    "food": {
        "es": (
            "{dish} como los hace mi abuela 🌮",
            "receta fácil de {dish} en {n} minutos",
            "el secreto para un {dish} perfecto 🤫",
            "{dish} para la cena de hoy, ¿se les antoja?",
            "cocinando {dish} con lo que hay en la alacena",
            "domingo de {dish} en familia ❤️",
        ),
        "en": (
            "my grandma's {dish} recipe 🌮",
            "easy {dish} in {n} minutes",
            "the secret to perfect {dish}",
        ),
    },
    "gaming": {
        "en": (
            "1v{n} clutch in ranked 😤",
            "this {game} bug is actually insane",
            "worst teammate award goes to... 💀",
            "new {game} update is broken lol",
            "how to win every {game} fight (not clickbait)",
            "the comeback nobody expected",
            "rate this play 1-10",
            "{game} but I can only use pistols",
        ),
    },
    "travel": {
        "id": (
            "pantai tersembunyi di {place} 🌊",
            "{n} tempat wajib dikunjungi di {place}",
            "sunrise di {place}, worth it banget 🌅",
            "healing dulu ke {place} ✨",
            "budget trip ke {place}, cuma {n}00 ribu!",
        ),
        "en": (
            "hidden beach in {place} you need to see 🌊",
            "{n} things to do in {place}",
            "sunrise at {place} was unreal 🌅",
            "slow mornings in {place}",
        ),
    },
    "education": {
        "en": (
            "why is the sky blue? the real answer 🔬",
            "{topic} explained in 60 seconds",
            "this experiment shows {topic} perfectly",
            "the {topic} question that stumps everyone",
            "part {n}: {topic} myths, busted",
            "your teacher never told you this about {topic}",
        ),
        "es": ("{topic} explicado en 60 segundos 🔬",),
    },
    "pets": {
        "en": (
            "Mochi vs the {thing} 😂",
            "when he hears the word '{word}' 🐶",
            "day {n} of Mochi being dramatic",
            "his reaction to {thing} 🥹",
            "corgi zoomies at the park",
        ),
        "vi": (
            "Mochi và {thing} 😂",
            "ngày thứ {n} Mochi làm nũng",
            "bé corgi nhà mình 🐾",
        ),
    },
    "music-performance": {
        "fr": (
            "{song} au piano 🎹",
            "vous m'avez demandé {song}, la voici",
            "cover piano de {song} ✨",
            "improvisation du soir",
            "{song} version douce pour s'endormir",
        ),
        "en": (
            "{song} piano cover 🎹",
            "you asked for {song}, here it is",
            "late night improv",
        ),
    },
}

CAPTION_FILLS: dict[str, tuple[str, ...]] = {
    "person": ("friend", "cousin", "uncle", "boss", "roommate", "mom"),
    "event": ("date night", "a wedding", "the office", "brunch", "a concert"),
    "look": ("no-makeup makeup", "clean girl", "soft glam", "sunset eyes"),
    "product": ("concealer", "lip oil", "SPF", "setting spray", "blush"),
    "exercise": ("squat", "deadlift", "hip thrust", "bench press", "pull-up"),
    "dish": ("pozole", "tacos al pastor", "chilaquiles", "enchiladas", "tamales", "guacamole"),
    "game": ("Valorant", "Fortnite", "Minecraft", "Apex", "Rocket League"),
    "place": ("Uluwatu", "Nusa Penida", "Labuan Bajo", "Yogyakarta", "Lombok", "Ubud"),
    "topic": ("entropy", "quantum tunnelling", "surface tension", "electrolysis", "inertia"),
    "thing": ("vacuum", "bath", "cucumber", "mirror", "doorbell"),
    "word": ("walk", "treat", "vet", "park"),
}
