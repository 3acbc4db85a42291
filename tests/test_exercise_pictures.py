"""Exercise pictures: every exercise has a drawn start and end position, and the pages show them."""

import re
import xml.etree.ElementTree as ET

import pytest
import yaml

from exercises import drawing

SVG = "{http://www.w3.org/2000/svg}"
EXERCISES = yaml.safe_load((drawing.POSES_FILE.parent / "exercises.yaml").read_text(encoding="utf-8"))["exercises"]
SLUGS = [e["slug"] for e in EXERCISES]
NAMES = {e["slug"]: e["name"] for e in EXERCISES}
POSES = drawing.load_poses()


def placed(slug, which):
    """Heights above the floor of the figure's main points in one position."""
    entry = POSES[slug]
    pose = drawing.flatten(entry[which])
    return drawing.contacts(pose, entry.get("view", "side"), pose.get("props", entry.get("props")))


def props_of(slug, which):
    entry = POSES[slug]
    items = drawing.flatten(entry[which]).get("props", entry.get("props")) or []
    return {next(iter(i)) if isinstance(i, dict) else i for i in items}


@pytest.mark.parametrize("slug", SLUGS)
def test_every_exercise_has_a_valid_start_and_end_pose(slug):
    assert slug in POSES, f"{slug} has no pose in exercises/content/poses.yaml"
    entry = POSES[slug]
    view = entry.get("view", "side")
    assert view in drawing.RANGES
    for which in ("start", "end"):
        pose = drawing.flatten(entry.get(which))
        assert pose.get("label"), f"{slug} {which} needs a label saying what the position is"
        unknown = set(pose) - set(drawing.RANGES[view]) - {"label", "props", "base", "air"}
        assert not unknown, f"{slug} {which}: unknown keys {unknown}"
        for key, value in drawing.angles(pose, view).items():
            low, high = drawing.RANGES[view][key]
            for v in value if isinstance(value, tuple) else (value,):
                assert low <= v <= high, f"{slug} {which}: {key}={v} outside {low}..{high}"
        for item in pose.get("props", entry.get("props")) or []:
            kind = next(iter(item)) if isinstance(item, dict) else item
            assert kind in drawing.PROP_KINDS, f"{slug}: unknown prop {kind}"
    assert drawing.flatten(entry["start"]) != drawing.flatten(entry["end"]), f"{slug}: start and end are the same"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_picture_is_well_formed_safe_svg(slug):
    start, end, start_label, end_label = drawing.picture_pair(slug, NAMES[slug])
    for svg, which, label in ((start, "start", start_label), (end, "end", end_label)):
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("viewBox")
        assert root.get("aria-label") == f"{NAMES[slug]}: {which}, {label}"
        assert root.find(f"{SVG}title").text == root.get("aria-label")
        for el in root.iter():
            assert "style" not in el.attrib and not el.tag.endswith("script")
            assert not any(k.startswith("on") for k in el.attrib)
        # The figure stays inside its picture (the group's transform centres and, if need be, shrinks it).
        m = re.fullmatch(
            r"translate\(([-\d.]+) ([-\d.]+)?\)(?: scale\(([\d.]+)\))?", root.find(f"{SVG}g").get("transform")
        )
        tx, ty, k = float(m[1]), float(m[2] or 0), float(m[3] or 1)
        for el in root.iter(f"{SVG}circle"):
            cx, cy = tx + k * float(el.get("cx")), ty + k * float(el.get("cy"))
            assert -2 <= cx <= drawing.WIDTH + 2 and -2 <= cy <= drawing.HEIGHT + 2, f"{slug} {which} off the picture"


def test_an_exercise_without_a_pose_gets_a_neutral_figure():
    start, end, _, _ = drawing.picture_pair("not-in-the-file", "Something new")
    assert ET.fromstring(start).get("aria-label") == "Something new: start, standing tall"
    assert ET.fromstring(end).tag == f"{SVG}svg"


def test_names_are_escaped():
    svg = drawing.render_pose({}, title='Squat <script>alert("x")</script> & co')
    assert "<script>" not in svg
    assert ET.fromstring(svg).get("aria-label") == 'Squat <script>alert("x")</script> & co'


# ---------------------------------------------------------------- poses that teach the right movement


HINGES = {  # slug: (bottom position, top position)
    "conventional-deadlift": ("start", "end"),
    "kettlebell-deadlift": ("start", "end"),
    "stiff-legged-deadlift": ("end", "start"),
    "single-leg-romanian-deadlift": ("end", "start"),
}


def test_hinges_bend_at_the_hip_with_the_back_flat_and_legs_fairly_straight():
    for slug, (low, high) in HINGES.items():
        bottom = drawing.angles(drawing.flatten(POSES[slug][low]), "side")
        assert bottom["torso"] >= 45, slug
        assert bottom["hip"][0] > bottom["knee"][0], f"{slug}: more hip than knee bend"
        assert placed(slug, high)["head"] > 85, f"{slug} finishes standing tall"


def test_squats_sit_down_with_the_heels_flat_and_knees_over_the_toes():
    for slug in ("goblet-squat", "back-squat", "prisoner-squat", "banded-squat"):
        low = placed(slug, "end")
        assert low["hip"] < 30, f"{slug}: thighs at least level"
        assert abs(low["near_heel"] - low["near_toe"]) < 1.5, f"{slug}: heel down"
        skel = drawing.skeleton(drawing.flatten(POSES[slug]["end"]), "side")
        near = skel["limbs"][-1]["points"]
        assert near["ankle"][0] < near["knee"][0] <= near["toe"][0] + 6, f"{slug}: knee tracks over the toes"


def test_calf_raises_rise_onto_the_balls_of_the_feet():
    for slug in ("standing-calf-raise", "single-leg-calf-raise", "bent-knee-calf-raise"):
        start, end = placed(slug, "start"), placed(slug, "end")
        assert end["near_heel"] > end["near_toe"] + 5, f"{slug}: heel lifted at the top"
        assert end["head"] > start["head"], slug
    lowered = placed("eccentric-calf-raise", "end")
    assert lowered["near_heel"] < lowered["near_toe"], "the eccentric raise ends with the heels below the step"


def test_bridges_lie_on_the_back_with_the_hips_lifted():
    for slug in ("glute-bridge", "single-leg-glute-bridge", "swiss-ball-hamstring-curl"):
        end = placed(slug, "end")
        assert end["shoulder"] < 8, f"{slug}: shoulders on the floor"
        assert end["hip"] > end["shoulder"] + 8, f"{slug}: hips up"
    for slug in ("hip-thrust", "single-leg-hip-thrust"):
        assert "bench" in props_of(slug, "end")
        assert placed(slug, "end")["hip"] > placed(slug, "start")["hip"] + 10


def test_split_squat_has_the_rear_foot_on_a_bench():
    for which in ("start", "end"):
        assert "bench" in props_of("rear-foot-elevated-split-squat", which)
        p = placed("rear-foot-elevated-split-squat", which)
        assert p["far_toe"] > 12 and p["near_heel"] < 4


def test_jumps_show_a_crouch_and_a_take_off():
    for slug in ("squat-jump", "split-jump", "tuck-jump"):
        crouch, flight = placed(slug, "start"), placed(slug, "end")
        assert crouch["hip"] < 45, f"{slug}: crouched first"
        assert min(flight["near_toe"], flight["far_toe"]) > 8, f"{slug}: feet off the floor"


# ---------------------------------------------------------------- the pages


@pytest.mark.django_db
def test_exercise_page_shows_the_large_pair(client, content):
    html = client.get("/exercises/goblet-squat/").content.decode()
    assert 'class="exercise-picture exercise-picture-lg"' in html
    assert 'aria-label="Goblet squat: start, standing tall, bell held at the chest"' in html
    assert "<figcaption>End: sitting deep between the heels, chest up</figcaption>" in html


@pytest.mark.django_db
def test_library_list_shows_a_pair_on_every_card(client, content):
    html = client.get("/exercises/").content.decode()
    cards = html.count('class="card h-100 card-exercise"')
    assert cards > 0
    assert html.count('class="exercise-picture exercise-picture-sm"') == cards
    assert len(re.findall(r'<svg class="lw-fig"', html)) == 2 * cards


@pytest.mark.django_db
def test_log_form_shows_one_pair_per_prescription(client_logged_in, user, content, today):
    from programs import services as program_services
    from programs.models import Program

    enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), today, [2, 5])
    planned = enrollment.planned_sessions.get(sequence=1)
    html = client_logged_in.get(f"/log/planned/{planned.pk}/").content.decode()
    hints = html.count('class="card gym-card')  # one card per exercise
    assert hints == planned.workout.prescriptions.count()
    assert html.count('class="exercise-picture exercise-picture-sm"') == hints
