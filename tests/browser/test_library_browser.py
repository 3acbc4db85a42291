"""In a real browser: search the library, filter it by a muscle, open an exercise and read its how-to."""

import re

from playwright.sync_api import expect

from exercises import content as exercise_content

ROWS = {r["slug"]: r for r in exercise_content.read()["exercises"]}


def results(page):
    return page.get_by_role("region", name="Results")


def test_search_filter_and_open_an_exercise(page):
    page.goto("/exercises/")
    expect(page.get_by_role("heading", name="Exercise library")).to_be_visible()
    expect(results(page).get_by_role("link", name="Toe raise", exact=True)).to_be_visible()

    # Search by an alias.
    page.get_by_label("Search").fill("RDL")
    page.get_by_role("button", name="Show exercises").click()
    expect(page).to_have_url(re.compile(r"[?&]q=RDL"))
    expect(results(page).get_by_role("link", name="Single-leg Romanian deadlift")).to_be_visible()
    expect(results(page).get_by_role("link", name="Romanian deadlift", exact=True)).to_be_visible()
    expect(results(page).get_by_role("link", name="Toe raise", exact=True)).to_have_count(0)
    expect(results(page)).to_contain_text("2 exercises")

    # Narrow it to one muscle: the filters combine, and the URL says so.
    page.get_by_label("Muscle").select_option(label="Glute medius")
    page.get_by_role("button", name="Show exercises").click()
    expect(page).to_have_url(re.compile(r"muscle=glute-medius"))
    expect(page).to_have_url(re.compile(r"q=RDL"))
    expect(results(page)).to_contain_text("1 exercise")
    expect(results(page).get_by_role("link", name="Romanian deadlift", exact=True)).to_have_count(0)

    # Open it and read how to do it.
    results(page).get_by_role("link", name="Single-leg Romanian deadlift").click()
    expect(page).to_have_url(re.compile(r"/exercises/single-leg-romanian-deadlift/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Single-leg Romanian deadlift")
    how_to = page.get_by_role("region", name="How to do it")
    expect(how_to).to_be_visible()
    steps = how_to.get_by_role("listitem")
    expect(steps).to_have_count(len(ROWS["single-leg-romanian-deadlift"]["steps"]))
    expect(steps.first).to_have_text(ROWS["single-leg-romanian-deadlift"]["steps"][0])
    expect(page.get_by_role("region", name="Sources")).to_contain_text("Key Leg Strength Exercises")


def test_a_bookmarked_filter_url_opens_filtered(page):
    page.goto("/exercises/?pattern=plyometric&no_equipment=on")
    expect(page.get_by_label("Pattern")).to_have_value("plyometric")
    expect(page.get_by_label("No equipment")).to_be_checked()
    expect(results(page).get_by_role("link", name="Tuck jump")).to_be_visible()
    expect(results(page).get_by_role("link", name="Box jump")).to_have_count(0)  # needs a box


def test_variation_links_lead_to_the_next_exercise(page):
    page.goto("/exercises/glute-bridge/")
    page.get_by_role("region", name="Variations").get_by_role("link", name="Hip thrust", exact=True).click()
    expect(page).to_have_url(re.compile(r"/exercises/hip-thrust/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hip thrust")
