"""Geometry checks of a diagram's layout (BPMN DI), so a person can read it.

Every node inside its lane, lanes stacked and enclosed by the pool, no two shapes or labels
overlapping, orthogonal edges that start and end on their shapes' borders and pass through
no other shape or label; crossings are counted.
"""

from __future__ import annotations

import math
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

from lxml import etree

Point = tuple[float, float]
Box = tuple[float, ...]  # x, y, width, height
Segment = tuple[Point, Point]

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI"}


def check_layout(path: Path) -> tuple[list[str], list[Any]]:  # noqa: C901 - one checklist
    """Layout errors (empty when clean) and the crossings of sequence flows."""
    PATH = str(path)
    doc = etree.parse(PATH)
    errors: list[str] = []


    def b(el: Any) -> Box:
        bd = el.find('dc:Bounds', NS)
        return tuple(float(bd.get(k)) for k in ('x', 'y', 'width', 'height'))


    proc = doc.find('.//bpmn:process', NS)
    flow_nodes = {}
    for el in proc:
        tag = etree.QName(el).localname
        if tag in ('userTask', 'exclusiveGateway', 'startEvent', 'endEvent', 'task', 'scriptTask',
                   'boundaryEvent'):
            flow_nodes[el.get('id')] = (tag, el)
    # A boundary event sits on its host's border: it may overlap the host, nothing else.
    hosts = {nid: el.get('attachedToRef') for nid, (tag, el) in flow_nodes.items()
             if tag == 'boundaryEvent'}
    flows = {el.get('id'): el for el in proc.findall('bpmn:sequenceFlow', NS)}
    lanes = {lane.get('id'): [r.text for r in lane.findall('bpmn:flowNodeRef', NS)]
             for lane in proc.iterfind('.//bpmn:lane', NS)}

    shapes, labels, edges = {}, {}, {}
    for s in doc.iterfind('.//bpmndi:BPMNShape', NS):
        shapes[s.get('bpmnElement')] = b(s)
        lab = s.find('bpmndi:BPMNLabel', NS)
        if lab is not None and lab.find('dc:Bounds', NS) is not None:
            labels[s.get('bpmnElement')] = b(lab)
    for e in doc.iterfind('.//bpmndi:BPMNEdge', NS):
        edges[e.get('bpmnElement')] = [(float(p.get('x')), float(p.get('y')))
                                       for p in e.findall('di:waypoint', NS)]
        lab = e.find('bpmndi:BPMNLabel', NS)
        if lab is not None and lab.find('dc:Bounds', NS) is not None:
            labels[e.get('bpmnElement')] = b(lab)

    # --- every node/flow has DI, lane membership exactly once
    for nid in flow_nodes:
        if nid not in shapes:
            errors.append(f'no shape for {nid}')
        owners = [lid for lid, refs in lanes.items() if nid in refs]
        if len(owners) != 1:
            errors.append(f'{nid} in lanes {owners}')
    for fid in flows:
        if fid not in edges:
            errors.append(f'no edge for {fid}')

    # --- pool encloses lanes exactly; lanes stacked
    part = doc.find('.//bpmn:participant', NS).get('id')
    px, py, pw, ph = shapes[part]
    lane_bounds = [shapes[lane] for lane in lanes]
    if (min(lb[1] for lb in lane_bounds) != py
            or max(lb[1] + lb[3] for lb in lane_bounds) != py + ph):
        errors.append('pool does not enclose lanes exactly (y)')
    for lb in lane_bounds:
        if lb[0] != px + 30 or lb[0] + lb[2] != px + pw:
            errors.append(f'lane x bounds {lb} vs pool {shapes[part]}')
    ls = sorted(lane_bounds, key=lambda lb: lb[1])
    for a, c in pairwise(ls):
        if a[1] + a[3] != c[1]:
            errors.append('lanes not contiguous')

    # --- every node inside its lane
    for lid, refs in lanes.items():
        lx, ly, lw, lh = shapes[lid]
        for nid in refs:
            x, y, w, h = shapes[nid]
            if not (x >= lx and y >= ly and x + w <= lx + lw and y + h <= ly + lh):
                errors.append(f'{nid} {shapes[nid]} outside lane {lid} {shapes[lid]}')
            if nid in labels:
                x, y, w, h = labels[nid]
                if not (x >= lx and y >= ly and x + w <= lx + lw and y + h <= ly + lh):
                    errors.append(f'label of {nid} outside lane {lid}')


    def overlap(r1: Box, r2: Box, pad: float = 0) -> bool:
        return (r1[0] < r2[0] + r2[2] + pad and r2[0] < r1[0] + r1[2] + pad and
                r1[1] < r2[1] + r2[3] + pad and r2[1] < r1[1] + r1[3] + pad)


    # --- no overlapping shapes / labels (labels count as obstacles too)
    boxes = {('shape', k): v for k, v in shapes.items() if k in flow_nodes}
    boxes.update({('label', k): v for k, v in labels.items()})
    for (k1, r1), (k2, r2) in combinations(boxes.items(), 2):
        if k1[0] == k2[0] == 'shape' and (hosts.get(k1[1]) == k2[1] or hosts.get(k2[1]) == k1[1]):
            continue
        if overlap(r1, r2):
            errors.append(f'overlap {k1} {k2}')

    # --- edges: orthogonal, endpoints on borders of source/target


    def on_border(pt: Point, r: Box, kind: str, tol: float = 1.0) -> bool:
        x, y = pt
        rx, ry, rw, rh = r
        if kind == 'exclusiveGateway':  # diamond
            cx, cy = rx + rw / 2, ry + rh / 2
            return abs(abs(x - cx) / (rw / 2) + abs(y - cy) / (rh / 2) - 1) <= tol / (rw / 2)
        if kind in ('startEvent', 'endEvent', 'boundaryEvent'):
            cx, cy = rx + rw / 2, ry + rh / 2
            return abs(math.hypot(x - cx, y - cy) - rw / 2) <= tol
        inside_x = rx - tol <= x <= rx + rw + tol
        inside_y = ry - tol <= y <= ry + rh + tol
        return (inside_x and inside_y and
                (abs(x - rx) <= tol or abs(x - rx - rw) <= tol
                 or abs(y - ry) <= tol or abs(y - ry - rh) <= tol))


    for nid, host in hosts.items():
        x, y, w, h = shapes[nid]
        if host not in shapes or not on_border((x + w / 2, y + h / 2), shapes[host], 'userTask'):
            errors.append(f'boundary event {nid} is not on the border of {host}')

    segs = {}
    for fid, pts in edges.items():
        f = flows[fid]
        src, tgt = f.get('sourceRef'), f.get('targetRef')
        if not on_border(pts[0], shapes[src], flow_nodes[src][0]):
            errors.append(f'{fid} start {pts[0]} not on border of {src}')
        if not on_border(pts[-1], shapes[tgt], flow_nodes[tgt][0]):
            errors.append(f'{fid} end {pts[-1]} not on border of {tgt}')
        segs[fid] = list(pairwise(pts))
        for (a, c) in segs[fid]:
            if a[0] != c[0] and a[1] != c[1]:
                errors.append(f'{fid} segment {a}->{c} not orthogonal')
            if a == c:
                errors.append(f'{fid} zero-length segment')


    def seg_hits_rect(a: Point, c: Point, r: Box, shrink: float = 1.0) -> bool:
        x1, x2 = sorted((a[0], c[0]))
        y1, y2 = sorted((a[1], c[1]))
        rx, ry, rw, rh = r[0] + shrink, r[1] + shrink, r[2] - 2 * shrink, r[3] - 2 * shrink
        return (x1 < rx + rw and rx < x2 + (1 if x1 == x2 else 0)
                and y1 < ry + rh and ry < y2 + (1 if y1 == y2 else 0))


    # --- edge through a shape other than its own ends (only first/last segment may touch those)
    for fid, ss in segs.items():
        f = flows[fid]
        for nid in flow_nodes:
            r = shapes[nid]
            for i, (a, c) in enumerate(ss):
                if nid == f.get('sourceRef') and i == 0:
                    continue
                if nid == f.get('targetRef') and i == len(ss) - 1:
                    continue
                if seg_hits_rect(a, c, r):
                    errors.append(f'{fid} segment {i} passes through {nid}')
        for lid, r in labels.items():
            if lid == fid:
                continue
            for a, c in ss:
                if seg_hits_rect(a, c, r, shrink=0):
                    errors.append(f'{fid} passes through label of {lid}')

    # --- crossings


    def cross(s1: Segment, s2: Segment) -> str | Point | None:
        (a, b_), (c, d) = s1, s2
        h1 = a[1] == b_[1]
        h2 = c[1] == d[1]
        if h1 == h2:
            # parallel: overlapping collinear segments?
            if h1 and a[1] == c[1]:
                lo1, hi1 = sorted((a[0], b_[0]))
                lo2, hi2 = sorted((c[0], d[0]))
                return 'overlap' if min(hi1, hi2) > max(lo1, lo2) else None
            if not h1 and a[0] == c[0]:
                lo1, hi1 = sorted((a[1], b_[1]))
                lo2, hi2 = sorted((c[1], d[1]))
                return 'overlap' if min(hi1, hi2) > max(lo1, lo2) else None
            return None
        if not h1:
            (a, b_), (c, d) = (c, d), (a, b_)
        # a-b horizontal, c-d vertical
        y, x = a[1], c[0]
        lo, hi = sorted((a[0], b_[0]))
        vlo, vhi = sorted((c[1], d[1]))
        if lo < x < hi and vlo < y < vhi:
            return (x, y)
        return None


    crossings = []
    for (f1, s1), (f2, s2) in combinations(segs.items(), 2):
        for one in s1:
            for other in s2:
                hit = cross(one, other)
                if hit == 'overlap':
                    errors.append(f'collinear overlap {f1} {f2}')
                elif hit:
                    crossings.append((f1, f2, hit))

    return errors, crossings
