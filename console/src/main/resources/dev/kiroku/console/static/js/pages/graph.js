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
  const graph = await api.get('/api/v1/graph/rootcause', {entity: params.entity});
  return h('div', h('h1', 'Graph'), form,
    graph.truncated ? h('p.error', graph.truncated_reason || 'The graph was cut at its size limit; expand nodes to see more.') : null,
    graphView(graph, {onExpand: (node, direction) => api.get('/api/v1/graph/expand', {node: node.id, direction})}));
}
