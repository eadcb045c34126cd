"""The guide's framework figures, drawn from the graph as SVG.

The 2023 guide prints the framework as images (图1 the whole system, 图2–图6 one per category) that are not in
its text. The build draws them again from the parsed framework: a tree from left to right (categories →
sub-categories for 图1; a category → its sub-categories → their topics for the others), each node with its zh and
en label, linked to its page, and a badge with the number of standards listed under it. Captions are the ones the
guide prints (``tb:figureCaption``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

__all__ = ["Node", "framework_figures", "tree_from_rows"]

FONT = "'WenQuanYi Zen Hei','Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif"
ROW_H, ROW_GAP, COL_GAP, PAD, BADGE = 40, 8, 36, 10, 34
FILLS = ("#1f4e79", "#2e75b6", "#9dc3e6", "#deebf7")  # root, category, sub-category, topic
INK = ("#ffffff", "#ffffff", "#0b2239", "#0b2239")
NOTE = ("圆圈内数字：体系位置在该节点下的标准数（附件1 及本次构建的更新记录）/ Number in the circle: standards placed "
        "under the node (Appendix 1 and the build's update records). Drawn by tanbiao from the parsed framework.")


@dataclass
class Node:
    notation: str
    zh: str
    en: str = ""
    standards: int | None = None
    items: int | None = None
    href: str = ""
    children: list[Node] = field(default_factory=list)


def tree_from_rows(rows: list[dict], root: Node) -> Node:
    """Categories → sub-categories → topics from the rows of ``queries/framework-tree.rq``."""
    nodes: dict[str, Node] = {}

    def child(parent: Node, notation: str, zh: str, en: str | None, standards, items=None) -> Node:
        if notation not in nodes:
            nodes[notation] = Node(notation, zh, en or "", _int(standards), _int(items), f"/framework/{notation}")
            parent.children.append(nodes[notation])
        return nodes[notation]

    for r in rows:
        cat = child(root, r["categoryNotation"], r["category"], r.get("categoryEn"), r["categoryStandards"])
        sub = child(cat, r["subcategoryNotation"], r["subcategory"], r.get("subcategoryEn"),
                    r["subcategoryStandards"])
        if r.get("topicNotation"):
            child(sub, r["topicNotation"], r["topic"], r.get("topicEn"), r["topicStandards"], r["topicItems"])
    return root


def _int(v) -> int | None:
    return None if v in (None, "") else int(v)


def _width(text: str, size: float) -> float:
    """Rough advance width: CJK and full-width characters are 1 em, the rest about 0.58 em."""
    return sum(size if ord(c) > 0x2E80 else size * 0.58 for c in text)


def _label(node: Node, depth: int) -> str:
    return node.zh if depth == 0 else f"{node.notation} {node.zh}"


def framework_figures(root: Node, captions: dict[str, str]) -> dict[str, str]:
    """``figure-1.svg`` (the system: categories → sub-categories) and ``figure-N.svg`` per category."""
    overview = Node(root.notation, root.zh, root.en, root.standards, root.items, root.href,
                    [Node(c.notation, c.zh, c.en, c.standards, c.items, c.href,
                          [Node(s.notation, s.zh, s.en, s.standards, s.items, s.href) for s in c.children])
                     for c in root.children])
    out = {"figure-1.svg": _svg(overview, captions.get("", "图1"), depth0=0)}
    for i, cat in enumerate(root.children, start=2):
        out[f"figure-{i}.svg"] = _svg(cat, captions.get(cat.notation, f"图{i}"), depth0=1)
    return out


def _svg(root: Node, caption: str, depth0: int) -> str:
    # columns: one per depth; rows: one per leaf, parents centred on their children
    columns: dict[int, list[tuple[Node, int]]] = {}

    def walk(node: Node, depth: int) -> None:
        columns.setdefault(depth, []).append((node, depth0 + depth))
        for c in node.children:
            walk(c, depth + 1)

    walk(root, 0)
    widths = {d: max(max(_width(_label(n, lvl), 14), _width(n.en, 11)) for n, lvl in col) + 2 * PAD + BADGE
              for d, col in columns.items()}
    xs: dict[int, float] = {}
    x: float = PAD
    for d in sorted(widths):
        xs[d] = x
        x += widths[d] + COL_GAP
    width = max(x - COL_GAP + PAD, _width(NOTE, 11) + 2 * PAD, _width(caption, 17) + 2 * PAD)
    ys: dict[int, float] = {}
    leaf_y = [60.0]

    def place(node: Node) -> float:
        if not node.children:
            y = leaf_y[0]
            leaf_y[0] += ROW_H + ROW_GAP
        else:
            child_ys = [place(c) for c in node.children]
            y = (child_ys[0] + child_ys[-1]) / 2
        ys[id(node)] = y
        return y

    place(root)
    height = leaf_y[0] + 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" font-family="{escape(FONT)}" role="group" aria-label="{escape(caption)}">',
        f"<title>{escape(caption)}</title>",
        f'<text x="{width / 2:.0f}" y="30" text-anchor="middle" font-size="17" font-weight="bold" '
        f'fill="#0b2239">{escape(caption)}</text>',
    ]

    def draw(node: Node, depth: int) -> None:
        lvl = depth0 + depth
        x0, y0, w = xs[depth], ys[id(node)], widths[depth]
        for c in node.children:
            cx, cy = xs[depth + 1], ys[id(c)] + ROW_H / 2
            mid = x0 + w + COL_GAP / 2
            parts.append(f'<path d="M{x0 + w:.1f},{y0 + ROW_H / 2:.1f} H{mid:.1f} V{cy:.1f} H{cx:.1f}" '
                         'fill="none" stroke="#7f9cb8" stroke-width="1.2"/>')
        tip = node.zh + (f" / {node.en}" if node.en else "")
        if node.standards is not None:
            tip += f" — 标准 {node.standards} 项 / {node.standards} standard(s)"
        if node.items is not None:
            tip += f"; 重点方向条目 {node.items} 项 / {node.items} priority item(s)"
        open_a = f'<a href="{escape(node.href)}">' if node.href else "<g>"
        parts.append(f"{open_a}<title>{escape(tip)}</title>")
        parts.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{ROW_H}" rx="6" '
                     f'fill="{FILLS[lvl]}" stroke="#1f4e79" stroke-width="0.8"/>')
        parts.append(f'<text x="{x0 + PAD:.1f}" y="{y0 + 17:.1f}" font-size="14" fill="{INK[lvl]}">'
                     f"{escape(_label(node, lvl))}</text>")
        if node.en:
            parts.append(f'<text x="{x0 + PAD:.1f}" y="{y0 + 32:.1f}" font-size="11" fill="{INK[lvl]}" '
                         f'fill-opacity="0.85">{escape(node.en)}</text>')
        if node.standards is not None:
            bx = x0 + w - PAD - BADGE / 2 + 4
            parts.append(f'<circle cx="{bx:.1f}" cy="{y0 + ROW_H / 2:.1f}" r="13" fill="#ffffff" '
                         f'stroke="#1f4e79" stroke-width="1"/>')
            parts.append(f'<text x="{bx:.1f}" y="{y0 + ROW_H / 2 + 4.5:.1f}" font-size="12" text-anchor="middle" '
                         f'fill="#1f4e79" font-weight="bold">{node.standards}</text>')
        parts.append("</a>" if node.href else "</g>")
        for c in node.children:
            draw(c, depth + 1)

    draw(root, 0)
    parts.append(f'<text x="{PAD}" y="{height - 12:.0f}" font-size="11" fill="#555555">{escape(NOTE)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
