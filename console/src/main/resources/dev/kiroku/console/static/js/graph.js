// An interactive provenance graph drawn as SVG: layered left to right along causality, pan by
// dragging, zoom with the wheel, click a node for its details, a time slider that hides what
// happened later, and the root-cause chain highlighted.
import {h, replace, time} from './ui.js';

const NS = 'http://www.w3.org/2000/svg';
const NODE_W = 190, NODE_H = 40, GAP_X = 70, GAP_Y = 16;
const ICONS = {process: '⚙', file: '🗎', network: '⇄', endpoint: '🖥', user: '👤', domain: '🌐'};

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Columns by longest causal distance from a source node; rows by time within a column. */
export function layout(graph) {
  const incoming = new Map(graph.nodes.map(n => [n.id, []]));
  for (const e of graph.edges) if (incoming.has(e.to) && incoming.has(e.from)) incoming.get(e.to).push(e.from);
  const depth = new Map();
  const visiting = new Set();
  const depthOf = id => {
    if (depth.has(id)) return depth.get(id);
    if (visiting.has(id)) return 0; // a cycle (e.g. a process that wrote its own parent's file): cut it
    visiting.add(id);
    const d = Math.max(-1, ...incoming.get(id).map(depthOf)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const columns = [];
  for (const n of graph.nodes) (columns[depthOf(n.id)] ||= []).push(n);
  const position = new Map();
  columns.forEach((column, x) => {
    column.sort((a, b) => String(a.time || '').localeCompare(String(b.time || '')) || String(a.label).localeCompare(String(b.label)));
    column.forEach((n, y) => position.set(n.id, {x: x * (NODE_W + GAP_X) + 10, y: y * (NODE_H + GAP_Y) + 10}));
  });
  return position;
}

/**
 * Renders graph = {nodes:[{id, kind, label, endpoint, time, details}], edges:[{from, to, kind, time}],
 * root_cause:[ids]} into an element. onExpand(node, direction) may return more of the graph.
 */
export function graphView(graph, {onExpand} = {}) {
  const state = {graph: {nodes: [...graph.nodes], edges: [...graph.edges], root_cause: graph.root_cause || []}, until: null, selected: null};
  const canvas = svg('svg', {class: 'graph', role: 'img'});
  const details = h('aside.node-details', h('p.empty', 'Click a node for its details.'));
  const slider = h('input', {type: 'range', min: 0, max: 1000, value: 1000});
  const sliderLabel = h('span');
  const view = {x: 0, y: 0, scale: 1};

  const times = () => state.graph.nodes.map(n => Date.parse(n.time)).concat(state.graph.edges.map(e => Date.parse(e.time))).filter(t => !isNaN(t));
  const draw = () => {
    const ts = times();
    const [min, max] = ts.length ? [Math.min(...ts), Math.max(...ts)] : [0, 0];
    state.until = max > min ? min + (max - min) * slider.value / 1000 : null;
    replace(sliderLabel, state.until ? `until ${time(new Date(state.until).toISOString())}` : '');
    const visible = n => !state.until || isNaN(Date.parse(n.time)) || Date.parse(n.time) <= state.until;
    const nodes = state.graph.nodes.filter(visible);
    const ids = new Set(nodes.map(n => n.id));
    const edges = state.graph.edges.filter(e => ids.has(e.from) && ids.has(e.to) && visible(e));
    const position = layout({nodes, edges});
    const chain = new Set(state.graph.root_cause);
    const group = svg('g', {transform: `translate(${view.x},${view.y}) scale(${view.scale})`});
    for (const e of edges) {
      const a = position.get(e.from), b = position.get(e.to);
      const onChain = chain.has(e.from) && chain.has(e.to);
      const path = svg('path', {
        class: 'edge ' + e.kind + (onChain ? ' chain' : '') + (e.cross_host ? ' cross-host' : ''),
        d: `M${a.x + NODE_W},${a.y + NODE_H / 2} C${a.x + NODE_W + GAP_X / 2},${a.y + NODE_H / 2} ${b.x - GAP_X / 2},${b.y + NODE_H / 2} ${b.x},${b.y + NODE_H / 2}`,
      }, svg('title', {}, `${e.kind}${e.time ? ' at ' + time(e.time) : ''}`));
      group.append(path);
    }
    for (const n of nodes) {
      const p = position.get(n.id);
      const g = svg('g', {class: `node ${n.kind}${chain.has(n.id) ? ' chain' : ''}${state.selected === n.id ? ' selected' : ''}`,
        transform: `translate(${p.x},${p.y})`, 'data-id': n.id, tabindex: 0},
      svg('rect', {width: NODE_W, height: NODE_H, rx: 6}),
      svg('text', {x: 8, y: 17, class: 'label'}, `${ICONS[n.kind] || '•'} ${truncate(n.label, 24)}`),
      svg('text', {x: 8, y: 32, class: 'sub'}, truncate([n.endpoint, n.time ? time(n.time).slice(11) : ''].filter(Boolean).join(' · '), 30)),
      svg('title', {}, n.label));
      g.addEventListener('click', () => select(n));
      group.append(g);
    }
    const width = Math.max(...[...position.values()].map(p => p.x), 0) + NODE_W + 20;
    const height = Math.max(...[...position.values()].map(p => p.y), 0) + NODE_H + 20;
    canvas.setAttribute('viewBox', `0 0 ${Math.max(width, 600)} ${Math.max(height, 300)}`);
    replace(canvas, group);
  };

  const select = node => {
    state.selected = node.id;
    replace(details,
      h('h3', `${ICONS[node.kind] || ''} ${node.label}`),
      h('table.fields', Object.entries({kind: node.kind, endpoint: node.endpoint, time: time(node.time), id: node.id, ...(node.details || {})})
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k, v]) => h('tr', h('th', k), h('td', Array.isArray(v) ? v.join(' ') : typeof v === 'object' ? JSON.stringify(v) : String(v))))),
      onExpand ? h('div.toolbar',
        ['ancestors', 'children', 'files', 'connections'].map(direction =>
          h('button.secondary', {onclick: () => expand(node, direction)}, `Expand ${direction}`))) : null);
    draw();
  };

  const expand = async (node, direction) => {
    try {
      const more = await onExpand(node, direction);
      merge(state.graph, more);
      draw();
    } catch (e) {
      details.append(h('p.error', e.message));
    }
  };

  // pan and zoom
  let drag = null;
  canvas.addEventListener('pointerdown', e => { if (!e.target.closest('.node')) drag = {x: e.clientX - view.x, y: e.clientY - view.y}; });
  canvas.addEventListener('pointermove', e => { if (drag) { view.x = e.clientX - drag.x; view.y = e.clientY - drag.y; draw(); } });
  window.addEventListener('pointerup', () => { drag = null; });
  canvas.addEventListener('wheel', e => {
    e.preventDefault();
    view.scale = Math.min(3, Math.max(0.2, view.scale * (e.deltaY < 0 ? 1.1 : 0.9)));
    draw();
  }, {passive: false});
  slider.addEventListener('input', draw);

  draw();
  return h('div.graph-view',
    h('div.toolbar', h('label', 'Time ', slider), sliderLabel,
      h('span.legend', h('span.swatch.chain'), 'root-cause chain ', h('span.swatch.cross-host'), 'cross-endpoint')),
    h('div.graph-body', canvas, details));
}

/** Adds nodes and edges not yet in the graph. */
export function merge(graph, more) {
  const ids = new Set(graph.nodes.map(n => n.id));
  for (const n of more.nodes || []) if (!ids.has(n.id)) { graph.nodes.push(n); ids.add(n.id); }
  const key = e => `${e.from}|${e.to}|${e.kind}`;
  const edges = new Set(graph.edges.map(key));
  for (const e of more.edges || []) if (!edges.has(key(e))) { graph.edges.push(e); edges.add(key(e)); }
  for (const id of more.root_cause || []) if (!graph.root_cause.includes(id)) graph.root_cause.push(id);
}

function truncate(text, n) {
  const s = String(text ?? '');
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
