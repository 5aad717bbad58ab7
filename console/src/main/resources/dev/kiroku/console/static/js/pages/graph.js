// Graph: the provenance graph around a process (root cause chain highlighted), expandable node by node.
import {api} from '../api.js';
import {graphView} from '../graph.js';
import {h} from '../ui.js';

export async function render(params) {
  const form = h('form.toolbar', {onsubmit: e => {
    e.preventDefault();
    location.hash = '#/graph?' + new URLSearchParams({entity: e.target.entity.value});
  }}, h('input', {name: 'entity', placeholder: 'process entity id', value: params.entity || '', size: 50}),
  h('button', {type: 'submit'}, 'Show'));
  if (!params.entity) return h('div', h('h1', 'Graph'), form, h('p.empty', 'Open a process from an alert, a search result or an investigation, or paste its entity id.'));
  const rootCause = await api.get(`/api/v1/investigate/graph/${encodeURIComponent(params.entity)}/rootcause`);
  const graph = consoleGraph(rootCause.graph, (rootCause.chain || []).map(link => link.process.entity_id));
  return h('div', h('h1', 'Graph'), form,
    (rootCause.cuts || []).length ? h('p.error', rootCause.cuts.join(' ')) : null,
    graphView(graph, {onExpand: expand}));
}

/** Expanding a process: its ancestors (root cause) or what it led to (descendants, files, connections). */
export async function expand(node, direction) {
  if (node.kind !== 'process') return {nodes: [], edges: []};
  const entity = encodeURIComponent((node.details || {}).entity_id || node.id);
  const answer = direction === 'ancestors'
    ? await api.get(`/api/v1/investigate/graph/${entity}/rootcause`)
    : await api.get(`/api/v1/investigate/graph/${entity}/descendants`);
  return consoleGraph(answer.graph, []);
}

/** The investigation API's ProvenanceGraph (nodes with kind/label/attributes, edges with kind/time) for the view. */
export function consoleGraph(graph, chainEntities) {
  const chain = new Set(chainEntities || []);
  const nodes = ((graph && graph.nodes) || []).map(n => ({
    id: n.id,
    kind: String(n.kind).toLowerCase() === 'host' ? 'endpoint' : String(n.kind).toLowerCase(),
    label: n.label,
    endpoint: (n.attributes || {}).host || (n.attributes || {}).agent_id,
    time: (n.attributes || {}).start || (n.attributes || {}).time,
    details: n.attributes,
  }));
  const ids = new Set(nodes.map(n => n.id));
  const edges = ((graph && graph.edges) || []).filter(e => ids.has(e.from) && ids.has(e.to)).map(e => ({
    // ACCEPTED links a connecting process on one endpoint to the process that accepted it on another.
    from: e.from, to: e.to, kind: String(e.kind).toLowerCase(), time: e.time,
    cross_host: String(e.kind).toLowerCase() === 'accepted' || /cross|remote/i.test(e.detail || ''),
  }));
  const rootCause = nodes.filter(n => chain.has((n.details || {}).entity_id)).map(n => n.id);
  return {nodes, edges, root_cause: rootCause};
}
