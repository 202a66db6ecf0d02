"""Dashboard pages for recommendations: brief a run for a creator, read it, keep or reject tracks.

The views parse forms, call `recommendations.services` and render; the cards shown for a run are
built here from the stored run, its tracks' features and the creator's current feedback, read
with a fixed number of queries whatever the run's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from authors import selectors as author_selectors
from music import listening
from music import selectors as music_selectors
from music.listening import Audio
from music.models import Music
from musicrec.core import roles, throttling
from musicrec.core.descriptors import GENRES, MOODS
from musicrec.core.ids import parse_id
from musicrec.core.relations import related_or_none
from musicrec.csv_export import csv_download
from recommendations import export, presentation, selectors, services, trending
from recommendations.engine import MAX_LIMIT
from recommendations.models import Feedback, RecommendationRun
from recommendations.targets import tempo_range_error
from recommendations.weights import COMPONENTS, MAX_WEIGHT
from videos import selectors as video_selectors

# What each component measures, as docs/engine.md "The component scores" explains it.
COMPONENT_HELP: dict[str, tuple[str, str]] = {
    "tempo": (
        "Tempo",
        "Tempo match in octaves, tolerant of half and double time: 1 inside the wanted range, "
        "about 0.5 at 7 % off a single tempo.",
    ),
    "mood": (
        "Mood",
        "Closeness on the valence (sad–happy) / arousal (calm–excited) plane: "
        "exp(−distance² / (2 · 0.25²)).",
    ),
    "genre": (
        "Genre",
        "The track's genre shares times how much the target wants each genre (its top genre = 1).",
    ),
    "energy": (
        "Energy",
        "Closeness of energy and danceability to the target: exp(−difference² / (2 · 0.2²)).",
    ),
    "popularity": (
        "Popularity",
        "Mean of Spotify popularity / 100 and the TikTok usage percentile, over those known.",
    ),
    "trend": (
        "Trend",
        "TikTok usage growth over 7 and 28 days (0.5 at doubling in 7 days), or the early-trend "
        "signal for tracks rising on Spotify while rare on TikTok.",
    ),
    "momentum": (
        "In use now",
        "Other creators who used the track close to now or to the creator's recent posts "
        "(each counts exp(−days / 14) by their closest use; 1 creator right now scores 0.5).",
    ),
    "collaborative": (
        "Used alongside",
        "Tracks used by the creators who used this creator's tracks (item-to-item cosine "
        "co-usage, best = 1).",
    ),
    "topic": (
        "Same topics",
        "Tracks other creators used in videos with this creator's hashtags and caption "
        "language, weighted by how rare each word is (best = 1).",
    ),
    "tier_fit": (
        "Tier fit",
        "Popularity and trend mixed by the creator's tier: big accounts lean to proven hits, "
        "small ones to rising sounds.",
    ),
    "kept_similarity": (
        "Like kept tracks",
        "Highest similarity in sound and genre to a track you kept for this creator.",
    ),
    "history": (
        "Like their hits",
        "Similarity to the tracks of the creator's better-than-usual videos, weighted by how "
        "much more engagement those videos got.",
    ),
}


def component_help(name: str) -> tuple[str, str]:
    """(label, explanation); a component added to the engine later still gets a readable label."""
    return COMPONENT_HELP.get(name, (name.replace("_", " ").capitalize(), ""))


RUNS_SHOWN = 10
VIDEOS_SHOWN = 60


class BriefForm(forms.Form):
    """A marketer's brief: soft wishes (moods, genres, tempo, energy, note), hard filters, weights.

    Every field is optional: an empty brief recommends from the creator's analysed profile.
    """

    moods = forms.MultipleChoiceField(
        choices=list(MOODS.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    genres = forms.MultipleChoiceField(
        choices=list(GENRES.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    tempo_min = forms.FloatField(
        label="Tempo from (BPM)", required=False, min_value=1, max_value=399
    )
    tempo_max = forms.FloatField(label="Tempo to (BPM)", required=False, min_value=1, max_value=399)
    energy = forms.FloatField(
        label="Energy (0 calm – 1 intense)", required=False, min_value=0, max_value=1
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "e.g. upbeat summer vibes, 120 bpm"}),
        help_text="Mood, genre and tempo words in it are read too (“chill”, “latin”, “120 bpm”).",
    )
    video = forms.TypedChoiceField(
        label="Music for this video", required=False, coerce=int, empty_value=None
    )
    commercial_only = forms.BooleanField(label="Business-safe only", required=False)
    include_used = forms.BooleanField(label="Include tracks already used", required=False)
    limit = forms.IntegerField(label="How many", initial=10, min_value=1, max_value=MAX_LIMIT)

    def __init__(
        self,
        *args: Any,
        videos: list[tuple[int, str]] = (),
        defaults: dict[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["video"].choices = [("", "The creator's whole profile"), *videos]
        if defaults is None:
            defaults = services.parse_weights(None).as_dict()
        self.defaults = dict(defaults)
        for name in COMPONENTS:
            label, help_text = component_help(name)
            bounds = f"{label} weight must be a number from 0 to {MAX_WEIGHT:g}."
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=label,
                required=False,
                min_value=0,
                max_value=MAX_WEIGHT,
                initial=defaults.get(name, 0.0),
                help_text=help_text,
                error_messages={"invalid": bounds, "min_value": bounds, "max_value": bounds},
                widget=forms.NumberInput(attrs={"step": "0.01"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("tempo_min"), data.get("tempo_max")
        # The fields' own bounds ran first, so what the shared check can find is an upside-down
        # range, said here in the form's words.
        if tempo_range_error(low, high) is not None:
            self.add_error(
                "tempo_max", f"Tempo to ({high:g}) must not be below tempo from ({low:g})."
            )
        weights = {**self.defaults, **self.weights()}
        if not any(v > 0 for v in weights.values()):
            self.add_error(None, "At least one weight must be above 0.")
        return data

    def weight_errors(self) -> bool:
        """Whether the weights disclosure must open to show an error."""
        return any(self[f"weight_{name}"].errors for name in COMPONENTS)

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{name}"] for name in COMPONENTS]

    def weights(self) -> dict[str, float]:
        """The weights the marketer changed (a blank or untouched input keeps that component's
        default, so the service still picks the default set that fits the request)."""
        cleaned = getattr(self, "cleaned_data", {})
        changed = set(self.changed_data) if self.is_bound else set()
        return {
            name: cleaned[f"weight_{name}"]
            for name in COMPONENTS
            if cleaned.get(f"weight_{name}") is not None and f"weight_{name}" in changed
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "video_id": data["video"],
            "brief": {key: data[key] for key in ("moods", "genres", "tempo_min", "tempo_max")}
            | {"energy": data["energy"], "note": data["note"]},
            "weights": self.weights(),
            "limit": data["limit"],
            "include_used": data["include_used"],
            "filters": {"commercial_only": data["commercial_only"]},
        }


# Service errors name the part of the request; show them on the matching input.
_ERROR_FIELDS = {"limit": "limit", "video": "video", "brief": None, "weights": None}


@dataclass
class Component:
    name: str
    label: str
    help: str
    score: float
    weight: float | None
    missing: str = ""  # why the track gave this component nothing to score on


@dataclass
class Card:
    """One ranked track as the dashboard shows it."""

    item_id: int
    rank: int
    music: Music
    score: float
    components: list[Component]
    reasons: list[str]
    verdict: str
    audio: Audio | None = None  # what the card's player plays, or why there is none


def _position(name: str) -> int:
    return COMPONENTS.index(name) if name in COMPONENTS else len(COMPONENTS)


def _components(
    scores: dict[str, float], weights: dict[str, float], missing: dict[str, str]
) -> list[Component]:
    """The item's components, heaviest weight first (the order they count in the score)."""
    names = sorted(scores, key=lambda n: (-(weights.get(n) or 0.0), _position(n)))
    return [
        Component(n, *component_help(n), scores[n], weights.get(n), missing.get(n, ""))
        for n in names
    ]


def _cards(run: RecommendationRun) -> list[Card]:
    """The run's items with their tracks' features and the creator's current verdicts.

    Three queries beyond the run: the tracks with features, their audio sources, and the
    creator's feedback.
    """
    items = list(run.items.all())
    tracks = music_selectors.music_list(include_originals=True).in_bulk(
        [item.music_id for item in items]
    )
    kept, rejected = (
        selectors.feedback_ids(run.author_id) if run.author_id is not None else (set(), set())
    )
    weights = (run.params or {}).get("effective_weights") or run.weights or {}
    audio = listening.audio_many(tracks.values())
    return [
        Card(
            item_id=item.pk,
            rank=item.rank,
            music=(music := tracks.get(item.music_id, item.music)),
            score=item.score,
            components=_components(
                item.components or {},
                weights,
                presentation.missing_inputs(related_or_none(music, "features")),
            ),
            reasons=list(item.reasons or []),
            verdict=(
                Feedback.Verdict.KEEP
                if item.music_id in kept
                else Feedback.Verdict.REJECT
                if item.music_id in rejected
                else ""
            ),
            audio=audio.get(item.music_id),
        )
        for item in items
    ]


def _weights_used(run: RecommendationRun) -> list[Component]:
    effective = (run.params or {}).get("effective_weights") or {}
    return [
        Component(name, *component_help(name), weight, effective.get(name))
        for name, weight in sorted(
            (run.weights or {}).items(), key=lambda kv: (-kv[1], _position(kv[0]))
        )
    ]


def _run_context(run: RecommendationRun, *, editable: bool) -> dict[str, Any]:
    weights = _weights_used(run)
    return {
        "run": run,
        "cards": _cards(run),
        "weights_used": weights,
        "weights_applied": [w for w in weights if w.weight],
        "editable": editable and run.author_id is not None,
    }


def _author_or_404(author_id: int) -> Any:
    author = selectors.author_for_recommendation(author_id=author_id)
    if author is None:
        raise Http404("No such creator.")
    return author


def _video_choices(author_id: int) -> list[tuple[int, str]]:
    videos = video_selectors.video_list(author_id=author_id)[:VIDEOS_SHOWN]
    choices = []
    for video in videos:
        caption = (video.caption or "").strip() or "(no caption)"
        when = f"{video.posted_at:%d %b %Y} · " if video.posted_at else ""
        choices.append((video.pk, f"{when}{Truncator(' '.join(caption.split())).chars(70)}"))
    return choices


def _previous_runs(author_id: int) -> list[RecommendationRun]:
    return list(selectors.run_list().filter(author_id=author_id)[:RUNS_SHOWN])


@require_http_methods(["GET", "POST"])
@permission_required(roles.VIEW_RUNS, raise_exception=True)
def recommendation_creator(request: HttpRequest, author_id: int) -> HttpResponse:
    """Brief a run for a creator; htmx posts get the results partial, plain posts redirect.
    Runs count against the user's "recommend" limit, as the API's do: over it, the brief
    says so and the answer is a 429."""
    if request.method == "POST" and not request.user.has_perm(roles.RECOMMEND):
        raise PermissionDenied("Your role cannot ask for recommendations.")
    author = _author_or_404(author_id)
    videos = _video_choices(author_id)
    defaults = services.author_default_weights(author)
    run = refusal = None
    if request.method == "POST":
        form = BriefForm(request.POST, videos=videos, defaults=defaults)
        if form.is_valid() and (refusal := throttling.action_refusal(request, "recommend")):
            form.add_error(None, refusal.message)
        elif form.is_valid():
            try:
                run = services.recommendation_generate(
                    author_id=author_id, user=request.user, **form.service_kwargs()
                )
            except services.TargetMissing as exc:
                form.add_error("video" if exc.field == "video" else None, exc.message)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    field = _ERROR_FIELDS.get(key)
                    for message in messages:
                        form.add_error(field, f"{key}: {message}" if field is None else message)
        if run is not None and not request.htmx:
            url = reverse("recommendations:creator", args=[author_id])
            return redirect(f"{url}?run={run.pk}#results")
        if request.htmx:
            if run is None:
                response = render(
                    request,
                    "recommendations/partials/_brief_form.html",
                    _form_context(author, form),
                )
                response = reswap(retarget(response, "#brief-form"), "outerHTML")
                return throttling.refused(response, refusal) if refusal else response
            stored = selectors.run_get(run.pk)
            return render(
                request,
                "recommendations/partials/_run_result.html",
                {
                    **_run_context(stored, editable=True),
                    "author": author,
                    "previous_runs": _previous_runs(author_id),
                },
            )
        status = 429 if refusal else 400
    else:
        seed = _seed_track(request)
        initial = trending.brief_from_track(seed) if seed is not None else None
        form = BriefForm(initial=initial, videos=videos, defaults=defaults)
        status = 200
        if run_id := request.GET.get("run", "").strip():
            run = selectors.run_get(run_pk) if (run_pk := parse_id(run_id)) else None
            if run is None or run.author_id != author.pk:
                raise Http404("No such run for this creator.")
    context = {**_form_context(author, form), "previous_runs": _previous_runs(author_id)}
    if request.method == "GET":
        context["seed"] = seed
    if run is not None:
        context.update(_run_context(run, editable=True))
    response = render(request, "recommendations/creator.html", context, status=status)
    return throttling.refused(response, refusal) if refusal else response


def _seed_track(request: HttpRequest) -> Music | None:
    """The track a "recommend to a creator" link starts from (`?track=<id>`), or None."""
    raw = request.GET.get("track", "").strip()
    if not raw:
        return None
    track_id = parse_id(raw)
    seed = music_selectors.music_list().filter(pk=track_id).first() if track_id else None
    if seed is None:
        raise Http404("No such catalogue track to start from.")
    return seed


PICK_PAGE_SIZE = 25


@require_GET
@permission_required(roles.RECOMMEND, raise_exception=True)
@vary_on_headers("HX-Request")
def recommendation_pick(request: HttpRequest) -> HttpResponse:
    """Pick the creator a track is for: the creators list with search; each links to their
    recommendation page with the brief filled from the track (`?track=`)."""
    seed = _seed_track(request)
    # PostgreSQL refuses NUL in a search string; nobody types one.
    search = request.GET.get("search", "").replace("\x00", "").strip()
    creators = author_selectors.author_list(search=search or None, is_creator=True)
    page = Paginator(creators, PICK_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"seed": seed, "search": search, "page": page}
    partial = "recommendations/partials/_pick_results.html"
    return render(request, partial if request.htmx else "recommendations/pick.html", context)


def _form_context(author: Any, form: BriefForm) -> dict[str, Any]:
    return {"author": author, "form": form, "max_limit": MAX_LIMIT}


@permission_required(roles.VIEW_RUNS, raise_exception=True)
def recommendation_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A stored run, read-only: what was asked, the weights, the ranked tracks and verdicts."""
    run = selectors.run_get(run_id)
    if run is None:
        raise Http404("No such recommendation run.")
    return render(request, "recommendations/run.html", _run_context(run, editable=False))


@require_GET
@permission_required([roles.VIEW_RUNS, roles.EXPORT_DATA], raise_exception=True)
def recommendation_run_export(request: HttpRequest, run_id: int) -> HttpResponse:
    """A stored run as CSV: rank, track, score, component scores and reasons."""
    run = selectors.run_get(run_id)
    if run is None:
        raise Http404("No such recommendation run.")
    return csv_download(export.run_table(run), f"recommendation-run-{run_id}.csv")


@require_POST
@permission_required(roles.GIVE_FEEDBACK, raise_exception=True)
def recommendation_feedback(request: HttpRequest, run_id: int, item_id: int) -> HttpResponse:
    """Keep or reject one recommended track; htmx gets the updated card back."""
    verdict = request.POST.get("verdict", "")
    try:
        services.feedback_record(run_id=run_id, item_id=item_id, verdict=verdict, user=request.user)
    except services.TargetMissing as exc:
        raise Http404(exc.message) from None
    except ValidationError as exc:
        return HttpResponse(
            "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    run = selectors.run_get(run_id)
    if not request.htmx:
        url = reverse("recommendations:creator", args=[run.author_id])
        return redirect(f"{url}?run={run_id}#item-{item_id}")
    card = next(card for card in _cards(run) if card.item_id == item_id)
    return render(
        request,
        "recommendations/partials/_item_card.html",
        {"card": card, "run": run, "editable": True},
    )
