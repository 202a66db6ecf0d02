"""The trending page: rising sounds and early trends as of the newest stored post."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from music.models import MusicFeatures
from musicrec.core.templatetags.sparkline import sparkline, sparkline_points
from recommendations import trending
from recommendations.catalogue_source import caches_clear
from recommendations.tests.db_catalogue import make_catalogue
from recommendations.tests.trending_data import make_uses

pytestmark = pytest.mark.django_db
PAGE = reverse("music:trending")


@pytest.fixture
def catalogue():
    caches_clear()
    yield make_catalogue(per_kind=3)
    caches_clear()


def test_rising_sounds_are_ranked_by_growth_then_recent_creators(catalogue):
    pop, edm, folk = (catalogue.tracks[k][0] for k in ("dance-pop", "edm", "acoustic"))
    make_uses(pop, [1, 2, 3, 10, 40])  # 4 in the last 28 days, 1 before: growth ln(5/2)
    make_uses(edm, [1, 2, 20, 30, 31, 35])  # 3 last 28, 3 before: flat, not rising
    make_uses(folk, [5, 6])  # 2 last 28, 0 before: ln(3/1), the fastest
    make_uses(catalogue.tracks["hip-hop"][0], [0.5])  # one creator is not a trend

    page = trending.trending_page()
    assert page.as_of is not None and page.as_of.date().isoformat() == "2026-11-24"
    assert [r.music for r in page.rising] == [folk, pop]
    folk_row, pop_row = page.rising
    assert (pop_row.last_7d, pop_row.last_28d, pop_row.prior_28d) == (3, 4, 1)
    assert pop_row.growth_28d == pytest.approx(0.9163, abs=1e-3)
    assert len(pop_row.weekly) == trending.WEEKS and pop_row.weekly[-1] == 3
    assert sum(pop_row.weekly) == 5
    assert folk_row.genre == "folk-acoustic" and page.creators == 14


def test_filters_narrow_both_lists(catalogue):
    pop, folk = catalogue.tracks["dance-pop"][0], catalogue.tracks["acoustic"][0]
    make_uses(pop, [1, 2])
    make_uses(folk, [1, 2])
    MusicFeatures.objects.filter(music=folk).update(early_trend=True)
    assert [r.music for r in trending.trending_page(genre="pop").rising] == [pop]
    sad = trending.trending_page(mood="calm")
    assert all(r.mood == "calm" for r in sad.rising + sad.early)
    folk_page = trending.trending_page(genre="folk-acoustic")
    assert [r.music for r in folk_page.early] == [folk]
    assert trending.trending_page(genre="pop").early == []


def test_no_uses_means_no_moment(catalogue):
    page = trending.trending_page()
    assert page.as_of is None and page.rising == []


def test_page_shows_the_moment_sparklines_and_links(client, user, catalogue):
    pop = catalogue.tracks["dance-pop"][0]
    make_uses(pop, [1, 2, 3])
    client.force_login(user)
    page = client.get(PAGE).content.decode()
    assert "As of the latest data" in page and "23 Nov 2026, 12:00" in page
    assert f'href="/music/{pop.pk}/"' in page
    assert f'href="/recommendations/pick/?track={pop.pk}"' in page
    assert '<svg class="sparkline"' in page
    partial = client.get(PAGE, {"genre": "edm"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="trending-lists">')
    bad = client.get(PAGE, {"genre": "polka"})
    assert bad.status_code == 400 and "Unknown genre" in bad.content.decode()


def test_page_calls_a_sound_with_no_creator_before_new_not_a_percentage(client, user, catalogue):
    pop, folk = catalogue.tracks["dance-pop"][0], catalogue.tracks["acoustic"][0]
    make_uses(pop, [1, 2, 3, 10, 40])  # 4 in the last 28 days, 1 before
    make_uses(folk, [5, 6])  # 2 in the last 28 days, none before
    client.force_login(user)
    page = client.get(PAGE).content.decode()
    rows = page.split('<table class="table trending" id="rising">')[1].split("</table>")[0]
    folk_row, pop_row = rows.split("<tr>")[2:]
    assert folk.title in folk_row and "(was 0)" in folk_row
    assert ">new</span>" in folk_row and "+200 %" not in folk_row
    # (4 + 1) / (1 + 1) − 1
    assert pop.title in pop_row and "+150 %" in pop_row


def test_recommend_to_a_creator_fills_the_brief_from_the_track(client, user, catalogue):
    from recommendations.tests.db_catalogue import make_creator

    pop = catalogue.tracks["dance-pop"][1]
    creator = make_creator("lunamoves", "dance-pop")
    client.force_login(user)
    pick = client.get(reverse("recommendations:pick"), {"track": pop.pk}).content.decode()
    url = f"/recommendations/creator/{creator.pk}/?track={pop.pk}"
    assert f'href="{url}"' in pick
    page = client.get(url).content.decode()
    assert "Brief filled from" in page
    assert 'value="pop" checked' in page or 'value="pop"\n' in page or "checked" in page
    assert 'name="tempo_min" value="115"' in page and 'name="tempo_max" value="135"' in page
    assert client.get(reverse("recommendations:pick"), {"track": 999_999}).status_code == 404


def test_trending_query_count_stays_flat_as_rows_grow(client, user, catalogue):
    client.force_login(user)

    def count() -> int:
        caches_clear()  # each measure pays the same rebuild
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries.captured_queries)

    make_uses(catalogue.tracks["dance-pop"][0], [1, 2])
    few = count()
    for kind in ("edm", "acoustic", "hip-hop", "ambient"):
        for track in catalogue.tracks[kind]:
            make_uses(track, [1, 2, 3, 40])
    caches_clear()  # the factories write no data version, as a scrape would
    assert len(trending.trending_page().rising) > 10
    assert count() == few


def test_sparkline_scales_to_the_box():
    assert sparkline_points([0, 2, 4], 102, 12) == "1.0,11.0 51.0,6.0 101.0,1.0"
    assert sparkline([], "x") == ""
    svg = sparkline([0, 1], "Creators per week")
    assert 'aria-label="Creators per week: 0, 1"' in svg
