"""Dashboard pages for recommendations: the brief form, stored runs and keep / reject feedback."""

from __future__ import annotations

import pytest
from django.urls import reverse

from music.tests.factories import MusicFactory
from recommendations.models import Feedback, RecommendationRun
from recommendations.tests.db_catalogue import add_video_analysis, make_catalogue, make_creator
from recommendations.weights import COMPONENTS, DEFAULT_WEIGHTS

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def creator():
    catalogue = make_catalogue(per_kind=4)
    return make_creator("lunamoves", "dance-pop", used=[catalogue.tracks["dance-pop"][0]])


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def _url(author_id: int) -> str:
    return reverse("recommendations:creator", args=[author_id])


def _brief(**values: object) -> dict[str, object]:
    data: dict[str, object] = {"limit": 5, "note": ""}
    data.update({f"weight_{name}": DEFAULT_WEIGHTS[name] for name in COMPONENTS})
    data.update(values)
    return data


def test_recommendation_creator_requires_login(client, creator):
    response = client.get(_url(creator.pk))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_recommendation_creator_shows_the_form_with_default_weights(logged_in, creator):
    response = logged_in.get(_url(creator.pk))
    assert response.status_code == 200
    assert "recommendations/creator.html" in [t.name for t in response.templates]
    form = response.context["form"]
    assert {f.name: f.initial for f in form.weight_fields()} == {
        f"weight_{n}": v for n, v in DEFAULT_WEIGHTS.items()
    }
    content = response.content.decode()
    assert "Advanced: weights" in content
    assert "No recommendations shown yet" in content
    assert "No runs yet for this creator" in content


def test_recommendation_creator_unknown_creator_is_404(logged_in):
    assert logged_in.get(_url(999_999)).status_code == 404


def test_recommendation_creator_rejects_bad_weights_naming_the_field(logged_in, creator):
    response = logged_in.post(_url(creator.pk), _brief(weight_tempo="-1", weight_genre="lots"))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["weight_tempo"] == ["Tempo weight must be a number from 0 to 100."]
    assert form.errors["weight_genre"] == ["Genre weight must be a number from 0 to 100."]
    assert '<details class="advanced" open>' in response.content.decode()
    assert not RecommendationRun.objects.exists()


def test_recommendation_creator_rejects_an_inverted_tempo_range_and_all_zero_weights(
    logged_in, creator
):
    zeros = {f"weight_{n}": 0 for n in COMPONENTS}
    response = logged_in.post(_url(creator.pk), _brief(tempo_min=140, tempo_max=100, **zeros))
    form = response.context["form"]
    assert form.errors["tempo_max"] == ["Tempo to (100) must not be below tempo from (140)."]
    assert form.non_field_errors() == ["At least one weight must be above 0."]


def test_recommendation_creator_htmx_errors_return_the_form_partial(logged_in, creator):
    response = logged_in.post(_url(creator.pk), _brief(limit=0), **HTMX)
    assert [t.name for t in response.templates][0] == "recommendations/partials/_brief_form.html"
    assert response["HX-Retarget"] == "#brief-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()


def test_recommendation_creator_stores_a_run_and_renders_ranked_cards(logged_in, creator, user):
    response = logged_in.post(_url(creator.pk), _brief(moods=["happy"], genres=["pop"]), **HTMX)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "recommendations/partials/_run_result.html"
    run = RecommendationRun.objects.get()
    assert run.author == creator and run.created_by == user
    assert run.brief["genres"] == ["pop"] and run.brief["moods"] == ["happy"]
    cards = response.context["cards"]
    assert [c.rank for c in cards] == [1, 2, 3, 4, 5]
    assert all(c.reasons for c in cards)
    content = response.content.decode()
    for reason in cards[0].reasons:
        assert reason.replace("'", "&#x27;").replace('"', "&quot;") in content
    # The tracks the creator already used stay out; the top picks are pop.
    assert cards[0].music.features.genre == "pop"
    assert 'hx-swap-oob="true"' in content and f"#{run.pk}" in content


def test_recommendation_creator_plain_post_redirects_to_the_run_on_the_page(logged_in, creator):
    response = logged_in.post(_url(creator.pk), _brief(commercial_only="on"))
    run = RecommendationRun.objects.get()
    assert response.status_code == 302
    assert response.url == f"{_url(creator.pk)}?run={run.pk}#results"
    assert run.params["filters"]["commercial_only"] is True
    page = logged_in.get(f"{_url(creator.pk)}?run={run.pk}")
    assert page.context["run"].pk == run.pk
    assert all(card.music.commercial_ok for card in page.context["cards"])


def test_recommendation_creator_for_a_video_notes_a_missing_analysis(logged_in, creator):
    video = creator.videos.get()
    response = logged_in.post(_url(creator.pk), _brief(video=video.pk), **HTMX)
    run = RecommendationRun.objects.get()
    assert run.video == video and run.target_kind == RecommendationRun.TargetKind.VIDEO
    assert "no content analysis yet" in response.content.decode()
    add_video_analysis(video, "edm")
    logged_in.post(_url(creator.pk), _brief(video=video.pk), **HTMX)
    assert RecommendationRun.objects.first().notices == []


def test_recommendation_feedback_updates_the_card_and_rejected_tracks_do_not_return(
    logged_in, creator
):
    logged_in.post(_url(creator.pk), _brief(), **HTMX)
    run = RecommendationRun.objects.get()
    top = run.items.get(rank=1)
    url = reverse("recommendations:feedback", args=[run.pk, top.pk])

    response = logged_in.post(url, {"verdict": "reject"}, **HTMX)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "recommendations/partials/_item_card.html"
    assert response.context["card"].verdict == "reject"
    assert "is-rejected" in response.content.decode()
    assert Feedback.objects.get().verdict == Feedback.Verdict.REJECT

    keep = logged_in.post(url, {"verdict": "keep"}, **HTMX)
    assert keep.context["card"].verdict == "keep"
    logged_in.post(url, {"verdict": "reject"}, **HTMX)

    logged_in.post(_url(creator.pk), _brief(), **HTMX)
    newest = RecommendationRun.objects.first()
    assert newest.pk != run.pk
    assert top.music_id not in set(newest.items.values_list("music_id", flat=True))


def test_recommendation_feedback_without_htmx_redirects_and_rejects_bad_verdicts(
    logged_in, creator
):
    logged_in.post(_url(creator.pk), _brief())
    run = RecommendationRun.objects.get()
    item = run.items.get(rank=2)
    url = reverse("recommendations:feedback", args=[run.pk, item.pk])
    response = logged_in.post(url, {"verdict": "keep"})
    assert response.status_code == 302
    assert response.url == f"{_url(creator.pk)}?run={run.pk}#item-{item.pk}"
    bad = logged_in.post(url, {"verdict": "maybe"})
    assert bad.status_code == 400
    assert "verdict" in bad.content.decode()
    missing = reverse("recommendations:feedback", args=[run.pk, 999_999])
    assert logged_in.post(missing, {"verdict": "keep"}).status_code == 404
    assert logged_in.get(url).status_code == 405


def test_recommendation_run_page_is_read_only_with_verdicts(logged_in, creator):
    logged_in.post(_url(creator.pk), _brief())
    run = RecommendationRun.objects.get()
    item = run.items.get(rank=1)
    logged_in.post(reverse("recommendations:feedback", args=[run.pk, item.pk]), {"verdict": "keep"})
    response = logged_in.get(reverse("recommendations:run", args=[run.pk]))
    assert response.status_code == 200
    assert "recommendations/run.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert "✓ Kept" in content
    assert "verdict-form" not in content
    assert logged_in.get(reverse("recommendations:run", args=[999_999])).status_code == 404


def test_recommendation_pages_query_counts_do_not_grow_with_items(
    logged_in, creator, django_assert_max_num_queries
):
    logged_in.post(_url(creator.pk), _brief(limit=2))
    logged_in.post(_url(creator.pk), _brief(limit=12, include_used="on"))
    small, large = RecommendationRun.objects.order_by("pk")
    for run in (small, large):
        # session, user, permissions (user's, groups'), run + items + accounts, tracks with
        # features, feedback
        with django_assert_max_num_queries(10):
            logged_in.get(reverse("recommendations:run", args=[run.pk]))
    # + creator, videos and the previous runs (with their items and accounts)
    with django_assert_max_num_queries(16):
        logged_in.get(f"{_url(creator.pk)}?run={large.pk}")


def test_recommendation_cards_mark_component_scores_the_track_had_no_data_for(logged_in, creator):
    # A sound as the 2025 creators CSV brings it: a title and an artist, no audio, no genre.
    bare = MusicFactory(title="Aesthetic", artist_name="Tollan Kim🌸")
    response = logged_in.post(_url(creator.pk), _brief(limit=20, moods=["happy"]), **HTMX)
    cards = {c.music.pk: c for c in response.context["cards"]}
    bare_components = {c.name: c for c in cards[bare.pk].components}
    assert bare_components["mood"].score == 0
    assert bare_components["mood"].missing.startswith("No mood known for this track")
    assert bare_components["tempo"].missing and bare_components["genre"].missing
    assert not bare_components["popularity"].missing
    measured = next(c for pk, c in cards.items() if pk != bare.pk)
    assert not any(c.missing for c in measured.components if c.name != "trend")
    content = response.content.decode()
    card = content.split(f'id="item-{cards[bare.pk].item_id}"')[1].split('class="rec-actions"')[0]
    assert card.count('<span class="no-data">no data</span>') == sum(
        1 for c in bare_components.values() if c.missing
    )
    assert "No mood known for this track (no valence and arousal): it scores 0." in card
    # One sentence, as written (it was "No preview: no audio: neither …", lower-cased).
    assert "No preview. Neither the catalogue nor the scrapes gave an audio file" in card


def test_recommendation_creator_video_choices_cut_long_captions_with_an_ellipsis(
    logged_in, creator
):
    video = creator.videos.get()
    video.caption = (
        "Khi tui tìm thấy “ những tập phim không bao giờ được chiếu “ của Doraemon 🤡\n#fyp"
    )
    video.save()
    form = logged_in.get(_url(creator.pk)).context["form"]
    label = dict(form.fields["video"].choices)[video.pk]
    assert label.endswith("không bao giờ được chiếu “ của Dora…"), label
    assert "\n" not in label
