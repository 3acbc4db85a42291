"""Exercise pictures: a stick figure drawn from the joint angles in ``content/poses.yaml``, as SVG.

Pure and cached. The SVG is built only from numbers and escaped text, carries no ``style`` attribute and no
script, and takes its colours from ``currentColor`` and the ``.lw-fig`` classes in ``legwork.css``, so it is
safe to inline under a ``'self'``-only CSP and follows light and dark.

Side view: the figure faces right. Angles are in degrees:

- ``torso``: lean of hip→shoulder from upright; + leans forward (90 = face down), − leans back (−90 = on the back).
- ``hip``: flexion of the thigh from the torso line (0 standing, 90 seated, − extension behind).
- ``knee``: flexion (0 straight). ``ankle``: + dorsiflexion (toes up), − plantarflexion (onto the toes).
- ``shoulder``: flexion of the upper arm from hanging along the torso (90 reaching forward, 180 overhead).
- ``elbow``: flexion (0 straight). ``neck``: head tilt, + chin down.

Limbs take one number for both sides or ``[near, far]``. Front view (side lunge, hops, clamshell) reads
``hip`` as abduction (outward +), ``knee`` as the shin's bend back toward the midline, ``shoulder`` as
abduction (− across the body), ``elbow`` as the forearm's bend toward the midline (− outward, as in a
shoulder rotation); ``left``/``right`` are the image's sides; ``torso`` tilts the whole figure (−90 lies it on its
side, head to the left); optional ``thigh_scale``/``shin_scale`` foreshorten limbs that point at the viewer.
"""

import functools
import math
from html import escape
from pathlib import Path

import yaml

POSES_FILE = Path(__file__).resolve().parent / "content" / "poses.yaml"

# Segment lengths in drawing units; the standing figure is about 95 units tall.
HEAD_R = 6.5
NECK = 3.0
TORSO = 31.0
UPPER_ARM = 18.5
FOREARM = 17.0
THIGH = 24.0
SHIN = 23.0
HEEL = 3.0
TOE = 9.0
HIP_HALF = 5.5  # front view: half the width of the pelvis
SHOULDER_HALF = 8.5

WIDTH, HEIGHT = 124.0, 126.0
GROUND_Y = 121.0
PAD = 4.0

# Human ranges for each angle (degrees); the tests hold every pose to them.
RANGES = {
    "side": {
        "torso": (-180, 180),
        "neck": (-50, 60),
        "hip": (-35, 145),
        "knee": (0, 160),
        "ankle": (-55, 35),
        "shoulder": (-70, 185),
        "elbow": (0, 155),
        "arm_scale": (0.3, 1.0),
    },
    "front": {
        "torso": (-180, 180),
        "neck": (-45, 45),
        "hip": (-30, 75),
        "knee": (-10, 110),
        "ankle": (-60, 60),
        "shoulder": (-160, 185),
        "elbow": (-95, 155),
        "thigh_scale": (0.2, 1.0),
        "shin_scale": (0.2, 1.0),
        "torso_scale": (0.2, 1.0),
    },
}
LIMB_KEYS = ("hip", "knee", "ankle", "shoulder", "elbow", "thigh_scale", "shin_scale")
SIDE_DEFAULTS = {"torso": 0, "neck": 0, "hip": 0, "knee": 0, "ankle": 0, "shoulder": 0, "elbow": 10, "arm_scale": 1}
FRONT_DEFAULTS = {
    "torso": 0,
    "neck": 0,
    "hip": 6,
    "knee": 0,
    "ankle": 0,
    "shoulder": 12,
    "elbow": 0,
    "thigh_scale": 1,
    "shin_scale": 1,
    "torso_scale": 1,
}
NEUTRAL = {"view": "side", "start": {"label": "standing tall"}, "end": {"label": "standing tall"}}
PROP_KINDS = {
    "barbell",
    "dumbbell",
    "kettlebell",
    "medicine-ball",
    "box",
    "bench",
    "swiss-ball",
    "band",
    "mini-band",
    "pad",
    "wall",
    "mat",
    "frame",
}


@functools.lru_cache(maxsize=1)
def load_poses():
    """The parsed poses file: {slug: {view, props, start, end}}."""
    with POSES_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def pose_for(slug):
    """The pose pair for an exercise slug, or a neutral standing pair when the file has none."""
    return load_poses().get(slug) or NEUTRAL


def _d(phi):
    """Unit vector at ``phi`` degrees from straight down, turning toward the figure's front (+x)."""
    r = math.radians(phi)
    return math.sin(r), math.cos(r)


def _add(p, phi, length):
    dx, dy = _d(phi)
    return p[0] + dx * length, p[1] + dy * length


def _sides(value):
    """(near, far) from a number or a two-item list."""
    if isinstance(value, list | tuple):
        return float(value[0]), float(value[1])
    return float(value), float(value)


def angles(pose, view):
    """The pose's angles with defaults filled in, limbs as (near, far) or (left, right) pairs."""
    merged = dict(FRONT_DEFAULTS if view == "front" else SIDE_DEFAULTS)
    merged.update({k: v for k, v in pose.items() if k in merged})
    return {k: _sides(v) if k in LIMB_KEYS else float(v) for k, v in merged.items()}


def _side_skeleton(a):
    """Forward kinematics for the side view; the hip is the origin."""
    t = a["torso"]
    hip = (0.0, 0.0)
    shoulder = _add(hip, 180 - t, TORSO)
    neck = _add(shoulder, 180 - t, NECK)
    head = _add(neck, 180 - t + a["neck"], HEAD_R)
    limbs = []
    for i, layer in ((1, "far"), (0, "near")):
        thigh = -t + a["hip"][i]
        knee = _add(hip, thigh, THIGH)
        shin = thigh - a["knee"][i]
        ankle = _add(knee, shin, SHIN)
        foot = shin + 90 + a["ankle"][i]
        heel = _add(ankle, foot + 180, HEEL)
        toe = _add(ankle, foot, TOE)
        uarm = -t + a["shoulder"][i]
        # arm_scale foreshortens arms held out to the side, e.g. elbows drawn back beside the head.
        elbow = _add(shoulder, uarm, UPPER_ARM * a["arm_scale"])
        hand = _add(elbow, uarm + a["elbow"][i], FOREARM * a["arm_scale"])
        limbs.append(
            {
                "layer": layer,
                "leg": [hip, knee, ankle],
                "foot": [heel, toe],
                "arm": [shoulder, elbow, hand],
                "points": {"knee": knee, "ankle": ankle, "heel": heel, "toe": toe, "elbow": elbow, "hand": hand},
            }
        )
    return {"hip": hip, "shoulder": shoulder, "head": head, "torso": [hip, shoulder, neck], "limbs": limbs}


def _rot(p, origin, deg):
    """``p`` turned ``deg`` degrees clockwise on screen about ``origin``."""
    r = math.radians(deg)
    x, y = p[0] - origin[0], p[1] - origin[1]
    return origin[0] + x * math.cos(r) - y * math.sin(r), origin[1] + x * math.sin(r) + y * math.cos(r)


def _front_skeleton(a):
    """The front view: built upright about the pelvis centre, then tilted by ``torso``."""
    mid = (0.0, 0.0)
    torso = TORSO * a["torso_scale"]
    shoulder_mid = (0.0, -torso)
    neck = (0.0, -torso - NECK)
    head = (0.0, -torso - NECK - HEAD_R)
    limbs = []
    # Index 0 is the image's left side, 1 its right; "outward" is -x on the left and +x on the right.
    for i, sign, layer in ((0, -1, "near"), (1, 1, "near")):
        hip = (sign * HIP_HALF, 0.0)
        thigh = sign * a["hip"][i]
        knee = _add(hip, thigh, THIGH * a["thigh_scale"][i])
        shin = thigh - sign * a["knee"][i]
        ankle = _add(knee, shin, SHIN * a["shin_scale"][i])
        foot = shin + sign * (90 - a["ankle"][i])
        heel = ankle
        toe = _add(ankle, foot, 6.0)
        shoulder = (sign * SHOULDER_HALF, -torso)
        uarm = sign * a["shoulder"][i]
        elbow = _add(shoulder, uarm, UPPER_ARM)
        hand = _add(elbow, uarm - sign * a["elbow"][i], FOREARM)
        limbs.append(
            {
                "layer": layer,
                "leg": [hip, knee, ankle],
                "foot": [heel, toe],
                "arm": [shoulder, elbow, hand],
                "points": {"knee": knee, "ankle": ankle, "heel": heel, "toe": toe, "elbow": elbow, "hand": hand},
            }
        )
    skeleton = {
        "hip": mid,
        "shoulder": shoulder_mid,
        "head": head,
        "torso": [mid, shoulder_mid, neck],
        "limbs": limbs,
        "pelvis": [limbs[0]["leg"][0], limbs[1]["leg"][0]],
        "shoulders": [limbs[0]["arm"][0], limbs[1]["arm"][0]],
    }
    deg = a["torso"]
    if deg:
        turn = functools.partial(_rot, origin=mid, deg=deg)
        skeleton = _map_points(skeleton, turn)
    return skeleton


def _map_points(node, fn):
    if isinstance(node, tuple) and len(node) == 2 and all(isinstance(v, float) for v in node):
        return fn(node)
    if isinstance(node, dict):
        return {k: _map_points(v, fn) for k, v in node.items()}
    if isinstance(node, list):
        return [_map_points(v, fn) for v in node]
    return node


def _joint(skel, name):
    """A named point: hip, shoulder, head, chest, or near_/far_ (side) or left_/right_ (front) + a limb point."""
    if name in ("hip", "shoulder", "head"):
        return skel[name]
    if name == "chest":
        h, s = skel["hip"], skel["shoulder"]
        return h[0] + (s[0] - h[0]) * 0.75, h[1] + (s[1] - h[1]) * 0.75
    if name == "thigh":  # the middle of the near thigh, where a bar rests on the lap
        h, k = skel["hip"], skel["limbs"][-1]["points"]["knee"]
        return (h[0] + k[0]) / 2, (h[1] + k[1]) / 2
    side, _, point = name.partition("_")
    index = {"near": -1, "far": 0, "left": 0, "right": 1}.get(side)
    if index is None:
        # A bare limb point ("hand", "toe"): between both sides.
        pts = [limb["points"][name] for limb in skel["limbs"]]
        return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
    return skel["limbs"][index]["points"][point]


def _body_points(skel):
    hx, hy = skel["head"]
    pts = [(hx, hy - HEAD_R + 1.6), (hx, hy + HEAD_R - 1.6), (hx - HEAD_R, hy), (hx + HEAD_R, hy)]
    pts.extend(skel["torso"])
    for limb in skel["limbs"]:
        pts.extend(limb["leg"] + limb["foot"] + limb["arm"])
    return pts


def _props(spec, skel, extra):
    """Prop shapes as (kind, layer, geometry); the ground is found after, so boxes get their bottom then."""
    shapes = []
    for item in spec or []:
        if isinstance(item, str):
            kind, opts = item, {}
        else:
            ((kind, opts),) = item.items()
            if isinstance(opts, str):
                opts = {"at": opts}
        at = opts.get("at")
        dx, dy = float(opts.get("dx", 0)), float(opts.get("dy", 0))
        p = _joint(skel, at) if at else (0.0, 0.0)
        p = (p[0] + dx, p[1] + dy)
        shapes.append((kind, opts, p))
        if kind in ("kettlebell", "dumbbell", "medicine-ball", "barbell", "pad") and not opts.get("floor"):
            r = {"kettlebell": 6.5, "dumbbell": 4.5, "medicine-ball": 7.0, "barbell": 10.0, "pad": 3.5}[kind]
            r = float(opts.get("r", r))
            cy = p[1] + (r + 3 if kind == "kettlebell" and not opts.get("held") else 0)
            extra.extend([(p[0] - r, cy - r), (p[0] + r, cy + r)])
    return shapes


def _fmt(v):
    """A coordinate with one decimal, no trailing zeros: compact and stable."""
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _line(points, cls):
    coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
    return f'<polyline class="{cls}" points="{coords}"/>'


def _render_prop(kind, opts, p, ground, dark_layer):
    x, y = p
    if kind == "barbell":
        r = float(opts.get("r", 10))
        if opts.get("floor"):  # resting on the floor below the hands: plates of a believable size
            r = max(8.0, min(12.5, ground - y - 0.8))
            y = ground - r - 0.8
        return (
            f'<circle class="lw-fig-plate" cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}"/>'
            f'<circle class="lw-fig-fill" cx="{_fmt(x)}" cy="{_fmt(y)}" r="1.8"/>'
        )
    if kind == "dumbbell":
        if opts.get("end_on"):  # seen end-on in the side view: a small disc
            return f'<circle class="lw-fig-plate" cx="{_fmt(x)}" cy="{_fmt(y)}" r="4.5"/>'
        return (
            f'<line class="lw-fig-prop" x1="{_fmt(x - 5)}" y1="{_fmt(y)}" x2="{_fmt(x + 5)}" y2="{_fmt(y)}"/>'
            f'<rect class="lw-fig-weight" x="{_fmt(x - 8)}" y="{_fmt(y - 4.5)}" width="4" height="9" rx="1"/>'
            f'<rect class="lw-fig-weight" x="{_fmt(x + 4)}" y="{_fmt(y - 4.5)}" width="4" height="9" rx="1"/>'
        )
    if kind == "kettlebell":
        r = 6.5
        cy = y if opts.get("held") else y + r + 3
        top = cy - r - 2
        if opts.get("floor"):  # on the floor, the handle reaching up to the hands
            cy = ground - r - 0.8
            top = min(y, cy - r - 2)
        return (
            f'<path class="lw-fig-prop" d="M{_fmt(x - 3.5)},{_fmt(cy - r + 1)} V{_fmt(top)} '
            f'H{_fmt(x + 3.5)} V{_fmt(cy - r + 1)}"/>'
            f'<circle class="lw-fig-weight" cx="{_fmt(x)}" cy="{_fmt(cy)}" r="{_fmt(r)}"/>'
        )
    if kind == "medicine-ball":
        r = float(opts.get("r", 7))
        if opts.get("floor"):  # on the floor in front of the feet, under the hands
            y = ground - r - 0.8
        return f'<circle class="lw-fig-weight" cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}"/>'
    if kind == "pad":
        r = float(opts.get("r", 3.5))
        return f'<circle class="lw-fig-plate" cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}"/>'
    if kind in ("box", "bench"):
        # Top edge at the anchor point, down to the floor; ``w`` wide, ``align`` left/centre/right of the point.
        w = float(opts.get("w", 26 if kind == "box" else 34))
        align = opts.get("align", "center")
        left = x - w / 2 if align == "center" else (x - w if align == "left" else x)
        # ``h`` fixes the height (the same bench in both positions); otherwise the top is at the anchor.
        top = ground - float(opts["h"]) if "h" in opts else y + 1.6
        h = max(ground - top, 1.0)
        if kind == "bench":
            return (
                f'<rect class="lw-fig-box" x="{_fmt(left)}" y="{_fmt(top)}" width="{_fmt(w)}" height="4" rx="1"/>'
                f'<line class="lw-fig-prop" x1="{_fmt(left + 4)}" y1="{_fmt(top + 4)}" '
                f'x2="{_fmt(left + 4)}" y2="{_fmt(ground)}"/>'
                f'<line class="lw-fig-prop" x1="{_fmt(left + w - 4)}" y1="{_fmt(top + 4)}" '
                f'x2="{_fmt(left + w - 4)}" y2="{_fmt(ground)}"/>'
            )
        return (
            f'<rect class="lw-fig-box" x="{_fmt(left)}" y="{_fmt(top)}" width="{_fmt(w)}" height="{_fmt(h)}" rx="1.5"/>'
        )
    if kind == "swiss-ball":
        # Resting on the floor, touching the anchor point from below.
        top = y + 1.8
        r = float(opts["r"]) if "r" in opts else max((ground - top) / 2, 4.0)
        cx = x + float(opts.get("shift", 0))
        return f'<circle class="lw-fig-ball" cx="{_fmt(cx)}" cy="{_fmt(ground - r)}" r="{_fmt(r)}"/>'
    if kind == "wall":
        return f'<line class="lw-fig-prop" x1="{_fmt(x)}" y1="{_fmt(ground)}" x2="{_fmt(x)}" y2="{_fmt(y - 8)}"/>'
    if kind == "mat":
        y = ground - 1
        return f'<line class="lw-fig-mat" x1="{_fmt(x - 30)}" y1="{_fmt(y)}" x2="{_fmt(x + 30)}" y2="{_fmt(y)}"/>'
    return ""


def _render_band(opts, skel):
    """A band between two named points, drawn as a thin line (it is elastic, not a limb)."""
    ends = []
    for end in opts["between"]:
        # A named point, or [name, dx, dy] for a fixed anchor beside the body (a door, a post).
        name, dx, dy = (end, 0, 0) if isinstance(end, str) else end
        x, y = _joint(skel, name)
        ends.append((x + dx, y + dy))
    a, b = ends
    return f'<line class="lw-fig-band" x1="{_fmt(a[0])}" y1="{_fmt(a[1])}" x2="{_fmt(b[0])}" y2="{_fmt(b[1])}"/>'


def _render_frame(opts, skel, ground):
    """A machine's frame: a bar through named points (each ``[name, dx, dy]``), with legs to the floor."""
    pts = []
    for name, dx, dy in opts["points"]:
        x, y = _joint(skel, name)
        pts.append((x + dx, y + dy))
    pts = [(pts[0][0], ground), *pts, (pts[-1][0], ground)]
    return _line(pts, "lw-fig-prop")


def _render_miniband(skel, view):
    """A loop round both thighs just above the knees."""
    pts = []
    for limb in skel["limbs"]:
        h, k = limb["leg"][0], limb["leg"][1]
        pts.append((h[0] + (k[0] - h[0]) * 0.8, h[1] + (k[1] - h[1]) * 0.8))
    if view == "front":
        (x1, y1), (x2, y2) = pts
        return f'<line class="lw-fig-band" x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}"/>'
    x, y = pts[-1]
    return f'<ellipse class="lw-fig-band" cx="{_fmt(x)}" cy="{_fmt(y)}" rx="3.5" ry="2.2"/>'


def skeleton(pose, view):
    """Joint positions for one pose, before placing it on the floor."""
    a = angles(pose, view)
    return _front_skeleton(a) if view == "front" else _side_skeleton(a)


def contacts(pose, view="side", props=None):
    """Height above the floor of the feet, hands and hips once placed: for tuning poses by number."""
    svg_free = render_pose(pose, view, props, "", _debug=True)
    return {k: round(GROUND_Y - y, 1) for k, y in svg_free.items()}


def flatten(pose):
    """A pose with its ``angles`` mapping merged in: the file keeps angles on one line per position."""
    flat = {k: v for k, v in (pose or {}).items() if k != "angles"}
    flat.update((pose or {}).get("angles") or {})
    return flat


def render_pose(pose, view="side", props=None, title="", _debug=False):
    """One position as an SVG string, standing on (or lying along) the ground line."""
    pose = flatten(pose)
    skel = skeleton(pose, view)
    extra = []
    shapes = _props(props, skel, extra)
    pts = _body_points(skel)
    # The lowest body point, or a weight resting on the floor, meets the ground; ``air`` lifts the figure.
    # Line centres sit half a stroke above the floor; a weight's outline touches it.
    lowest = max(max(p[1] for p in pts) + 1.6, max((p[1] for p in extra), default=-1e9))
    if pose.get("base"):  # a named point rests on the floor (or ``air`` above it, e.g. on a step)
        lowest = _joint(skel, pose["base"])[1] + 1.6
    shift_y = GROUND_Y - lowest - float(pose.get("air", 0))
    ground = GROUND_Y
    skel = _map_points(skel, lambda p: (p[0], p[1] + shift_y))
    shapes = [(k, o, (p[0], p[1] + shift_y)) for k, o, p in shapes]
    extra = [(x, y + shift_y) for x, y in extra]
    if _debug:
        names = ("hip", "shoulder", "head", "near_toe", "near_heel", "far_toe", "far_heel", "near_hand", "far_hand")
        if view == "front":
            names = ("hip", "shoulder", "head", "left_toe", "right_toe", "left_hand", "right_hand")
        return {n: _joint(skel, n)[1] - 1.6 for n in names}
    # Centre the figure and its props; shrink only if something would leave the picture.
    allpts = _body_points(skel) + extra
    for kind, opts, p in shapes:
        if kind in ("box", "bench"):
            w = float(opts.get("w", 26 if kind == "box" else 34))
            align = opts.get("align", "center")
            left = p[0] - w / 2 if align == "center" else (p[0] - w if align == "left" else p[0])
            allpts.extend([(left, p[1]), (left + w, p[1])])
        elif kind == "swiss-ball":
            r = float(opts["r"]) if "r" in opts else max((ground - p[1]) / 2, 4.0)
            cx = p[0] + float(opts.get("shift", 0))
            allpts.extend([(cx - r, p[1]), (cx + r, p[1])])
        else:
            allpts.append(p)
    xs = [p[0] for p in allpts]
    ys = [p[1] for p in allpts]
    min_x, max_x = min(xs) - HEAD_R, max(xs) + HEAD_R
    min_y = min(ys) - HEAD_R
    cx = (min_x + max_x) / 2
    scale = min(1.0, (WIDTH - 2 * PAD) / (max_x - min_x), (GROUND_Y - PAD) / (GROUND_Y - min_y))
    tx = WIDTH / 2 - cx * scale
    ty = GROUND_Y - GROUND_Y * scale

    body = []
    behind = []
    for kind, opts, p in shapes:
        if kind == "band":
            behind.append(_render_band(opts, skel))
        elif kind == "frame":
            behind.append(_render_frame(opts, skel, ground))
        elif kind == "mini-band":
            pass
        elif kind in ("box", "bench", "swiss-ball", "wall", "mat"):
            behind.append(_render_prop(kind, opts, p, ground, False))
    front = [_render_prop(k, o, p, ground, False) for k, o, p in shapes if k not in BEHIND]
    for limb in skel["limbs"]:
        cls = "lw-fig-far" if limb["layer"] == "far" else "lw-fig-limb"
        body.append(_line(limb["leg"], cls))
        body.append(_line(limb["foot"], cls + " lw-fig-foot"))
        if limb["layer"] == "far":
            body.append(_line(limb["arm"], cls))
    if view == "front":
        body.append(_line(skel["pelvis"], "lw-fig-limb"))
        body.append(_line(skel["shoulders"], "lw-fig-limb"))
    body.append(_line(skel["torso"], "lw-fig-limb lw-fig-torso"))
    hx, hy = skel["head"]
    body.append(f'<circle class="lw-fig-head" cx="{_fmt(hx)}" cy="{_fmt(hy)}" r="{_fmt(HEAD_R)}"/>')
    if any(k == "mini-band" for k, _, _ in shapes):
        body.append(_render_miniband(skel, view))
    for limb in skel["limbs"]:
        if limb["layer"] == "near":
            body.append(_line(limb["arm"], "lw-fig-limb"))

    group = "".join(behind) + "".join(body) + "".join(front)
    transform = (
        f' transform="translate({_fmt(tx)} {_fmt(ty)}) scale({scale:.3f})"'
        if scale < 1
        else (f' transform="translate({_fmt(tx)} 0)"')
    )
    label = escape(title)
    return (
        f'<svg class="lw-fig" viewBox="0 0 {_fmt(WIDTH)} {_fmt(HEIGHT)}" role="img" aria-label="{label}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{label}</title>'
        f'<line class="lw-fig-ground" x1="2" y1="{_fmt(GROUND_Y)}" x2="{_fmt(WIDTH - 2)}" y2="{_fmt(GROUND_Y)}"/>'
        f"<g{transform}>{group}</g></svg>"
    )


BEHIND = ("box", "bench", "swiss-ball", "wall", "mat", "band", "mini-band", "frame")


def _title(name, which, label):
    return f"{name}: {which}, {label}" if label else f"{name}: {which}"


@functools.lru_cache(maxsize=512)
def picture_pair(slug, name):
    """(start SVG, end SVG, start label, end label) for an exercise, cached."""
    entry = pose_for(slug)
    view = entry.get("view", "side")
    svgs = []
    labels = []
    for which in ("start", "end"):
        pose = flatten(entry.get(which))
        props = pose.get("props", entry.get("props"))
        label = pose.get("label", "")
        labels.append(label)
        svgs.append(render_pose(pose, view, props, _title(name, which, label)))
    return svgs[0], svgs[1], labels[0], labels[1]
