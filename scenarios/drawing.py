"""The scenario graph drawn on the server as SVG for the admin: scenes in layers by their distance from the start
scenes (``rules.layers``), endings coloured by kind, each arrow labelled with its choice number. No JavaScript."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import rules

NODE_WIDTH, NODE_HEIGHT = 150, 46
GAP_X, GAP_Y = 30, 80
MARGIN = 24
# (fill, stroke) by ending; scenes with choices are white.
COLOURS = {
    "good": ("#dcfce7", "#166534"),
    "acceptable": ("#fef9c3", "#a16207"),
    "poor": ("#fee2e2", "#b91c1c"),
    "": ("#ffffff", "#4b5563"),
}
START_STROKE = "#1d4ed8"


def _clip(text: str, length: int = 18) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def graph_svg(graph: rules.Graph, *, title: str, ending_labels: dict[str, str], start_label: str) -> SafeString:
    """The SVG markup (escaped text throughout, so it is safe to insert in the page)."""
    by_key = graph.by_key
    layers = rules.layers(graph)
    starts = set(graph.starts.values())
    reached = set().union(*rules.reachable_by_role(graph).values()) if graph.starts else set()
    widest = max((len(layer) for layer in layers), default=1)
    inner = widest * NODE_WIDTH + (widest - 1) * GAP_X
    width = MARGIN * 2 + inner + 2 * GAP_X  # room on the right for loops drawn back up
    height = MARGIN * 2 + len(layers) * NODE_HEIGHT + max(len(layers) - 1, 0) * GAP_Y
    position: dict[str, tuple[float, float]] = {}
    for row, layer in enumerate(layers):
        row_width = len(layer) * NODE_WIDTH + (len(layer) - 1) * GAP_X
        left = MARGIN + (inner - row_width) / 2
        for column, key in enumerate(layer):
            position[key] = (left + column * (NODE_WIDTH + GAP_X), MARGIN + row * (NODE_HEIGHT + GAP_Y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="scenario-graph" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}" font-size="13" '
        'font-family="system-ui, sans-serif">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker></defs>',
    ]
    # Edges first, so the nodes sit on top of them.
    for scene in graph.scenes:
        if scene.key not in position or by_key.get(scene.key) is not scene:
            continue
        x1, y1 = position[scene.key]
        for number, choice in enumerate(scene.choices, start=1):
            if choice.target not in position:
                continue
            x2, y2 = position[choice.target]
            start = (x1 + NODE_WIDTH * number / (len(scene.choices) + 1), y1 + NODE_HEIGHT)
            if y2 > y1:  # forward: straight down to the top of the target
                end = (x2 + NODE_WIDTH / 2, y2)
                path = f"M{start[0]:.1f},{start[1]:.1f} L{end[0]:.1f},{end[1]:.1f}"
                label = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
            elif y2 == y1 and abs(x2 - x1) > NODE_WIDTH + GAP_X + 1:  # within a layer, not neighbours: dip below
                end = (x2 + NODE_WIDTH / 2, y2 + NODE_HEIGHT)
                dip = y1 + NODE_HEIGHT + GAP_Y * 0.45
                path = (
                    f"M{start[0]:.1f},{start[1]:.1f} C{start[0]:.1f},{dip:.1f} {end[0]:.1f},{dip:.1f} "
                    f"{end[0]:.1f},{end[1]:.1f}"
                )
                label = ((start[0] + end[0]) / 2, y1 + NODE_HEIGHT + GAP_Y * 0.34)
            elif y2 == y1:  # sideways to a neighbour: side to side, each choice on its own height
                offset = (number - (len(scene.choices) + 1) / 2) * 8
                leftward = x2 < x1
                start = (x1 if leftward else x1 + NODE_WIDTH, y1 + NODE_HEIGHT / 2 + offset)
                end = (x2 + NODE_WIDTH if leftward else x2, y2 + NODE_HEIGHT / 2 + offset)
                path = f"M{start[0]:.1f},{start[1]:.1f} L{end[0]:.1f},{end[1]:.1f}"
                label = ((start[0] + end[0]) / 2, start[1])
            else:  # back up (a loop): a curve round the right of the nodes
                end = (x2 + NODE_WIDTH, y2 + NODE_HEIGHT / 2)
                bulge = max(x1, x2) + NODE_WIDTH + GAP_X
                path = (
                    f"M{start[0]:.1f},{start[1]:.1f} C{bulge:.1f},{start[1] + GAP_Y / 2:.1f} "
                    f"{bulge:.1f},{end[1]:.1f} {end[0]:.1f},{end[1]:.1f}"
                )
                label = (bulge - GAP_X / 2, (start[1] + end[1]) / 2)
            parts.append(f'<path d="{path}" fill="none" stroke="#6b7280" stroke-width="1.4" marker-end="url(#arrow)"/>')
            parts.append(
                f'<g class="edge-label"><circle cx="{label[0]:.1f}" cy="{label[1]:.1f}" r="9" fill="#fff" '
                f'stroke="#6b7280"/><text x="{label[0]:.1f}" y="{label[1] + 4:.1f}" text-anchor="middle" '
                f'font-size="11">{number}</text><title>{escape(choice.text)}</title></g>'
            )
    for key, (x, y) in position.items():
        scene = by_key[key]
        fill, stroke = COLOURS.get(scene.ending, COLOURS[""])
        if key in starts:
            stroke = START_STROKE
        dash = ' stroke-dasharray="5 4"' if key not in reached else ""
        subtitle = ending_labels.get(scene.ending, "") if scene.ending else ""
        if key in starts:
            subtitle = start_label
        parts.append(
            f'<g class="node" data-scene="{escape(key)}"><rect x="{x:.1f}" y="{y:.1f}" width="{NODE_WIDTH}" '
            f'height="{NODE_HEIGHT}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="2"{dash}/>'
            f'<text x="{x + NODE_WIDTH / 2:.1f}" y="{y + 19:.1f}" text-anchor="middle" font-weight="600">'
            f"{escape(_clip(key))}</text>"
            f'<text x="{x + NODE_WIDTH / 2:.1f}" y="{y + 36:.1f}" text-anchor="middle" font-size="11" fill="#374151">'
            f"{escape(subtitle)}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
