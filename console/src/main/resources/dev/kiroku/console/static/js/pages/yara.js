// YARA sweeps: start a sweep of files and processes on chosen endpoints (or all), follow each endpoint's progress
// live, and see the hits (POST/GET /api/v1/yara/sweeps, GET /api/v1/yara/sweeps/{id}; docs/yara.md).
import {api} from '../api.js';
import {badge, bytes, confirmAction, fact, h, link, replace, section, table, time} from '../ui.js';
import {loadEndpoints, whileShown} from './endpoints.js';
import {needs} from '../roles.js';

const PATH = '/api/v1/yara/sweeps';
const FINISHED = ['done', 'failed', 'expired', 'cancelled'];

export async function render(params, args) {
  if (args.length) return sweepPage(args[0]);
  return h('div', h('h1', 'YARA sweeps'),
    h('p.hint', 'A sweep sends YARA rules to endpoints, which scan the given paths and processes at a bounded rate. ',
      'Each match becomes one alert per endpoint.'),
    section('Sweeps', async () => sweepTable((await api.get(PATH)).sweeps || [])),
    section('New sweep', () => sweepForm()));
}

function sweepTable(sweeps) {
  return table(sweeps, [
    {title: 'Started', value: s => link(`#/yara/${s.id}`, null, time(s.created))},
    {title: 'By', value: s => s.createdBy},
    {title: 'Rules', value: s => (s.rules || []).join(', ')},
    {title: 'Paths', value: s => (s.paths || []).join(', ')},
    {title: 'Processes', value: s => (s.processNames || []).join(', ')},
  ], {empty: 'No sweep yet. Start one below.', onRow: s => { location.hash = `#/yara/${encodeURIComponent(s.id)}`; }});
}

async function sweepForm() {
  const endpoints = await loadEndpoints({status: 'online', limit: 200});
  const rules = h('textarea.code#yara-rules', {rows: 10, spellcheck: 'false',
    placeholder: 'rule suspicious_script {\n  strings: $a = "curl http://"\n  condition: $a\n}'});
  const name = h('input#yara-name', {value: 'console.yar', size: 30});
  const paths = h('textarea#yara-paths', {rows: 3, placeholder: '/tmp\n/home'});
  const processes = h('input#yara-processes', {size: 40, placeholder: 'process name globs, e.g. python*, bash'});
  const boxes = endpoints.map(e => [e, h('input', {type: 'checkbox', value: e.id})]);
  const error = h('p.error#yara-error');
  const start = async () => {
    const chosen = boxes.filter(([, box]) => box.checked).map(([e]) => e.id);
    const body = {rules: [{name: name.value.trim() || 'console.yar', source: rules.value}],
      paths: lines(paths.value), processes: lines(processes.value), endpoints: chosen};
    if (!await confirmAction(`Sweep ${chosen.length ? chosen.length + ' endpoint(s)' : 'every endpoint'}?`,
      `Paths: ${body.paths.join(', ') || 'none'}; processes: ${body.processes.join(', ') || 'none'}.`)) return;
    try {
      const started = await api.post(PATH, body);
      location.hash = `#/yara/${encodeURIComponent(started.sweep.id)}`;
    } catch (e) {
      replace(error, e.message);
    }
  };
  return h('div',
    h('label', 'Rule file name ', name), rules,
    h('label', 'Paths to scan, one per line', paths),
    h('label', 'Processes to scan (memory) ', processes),
    h('fieldset', h('legend', 'Endpoints online now, first 200 (none chosen: every endpoint, also those offline, when they return)'), boxes.length ? boxes.map(([e, box]) =>
      h('label.check', box, ` ${e.hostname || e.id} `, badge(e.status || 'unknown', e.status))) : h('p.empty', 'No endpoint is enrolled.')),
    error, h('div.toolbar', h('button#yara-start', {...needs('analyst'), onclick: start}, 'Start sweep')));
}

async function sweepPage(id) {
  const summary = h('dl.facts#yara-summary');
  const rows = h('div#yara-endpoints');
  const found = h('div#yara-found');
  const page = h('div', h('h1', 'YARA sweep ', h('small', id)), link('#/yara', null, '← all sweeps'), summary, rows, found);
  const update = async () => {
    const status = await api.get(`${PATH}/${encodeURIComponent(id)}`);
    const states = Object.entries(status.states || {}).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`).join(', ');
    replace(summary,
      fact('Progress', `${status.percent} %`), fact('Endpoints', states || 'none'),
      fact('Hits', status.matches ? (status.sweep.trial ? `${status.matches} (a test: listed below, not alerted)`
        : [String(status.matches), ' ', link('#/alerts', {last: '30d'}, 'see the alerts')]) : 'none'),
      fact('Rules', (status.sweep.rules || []).join(', ')), fact('Paths', (status.sweep.paths || []).join(', ') || '—'),
      fact('Processes', (status.sweep.processNames || []).join(', ') || '—'),
      fact('Started', `${time(status.sweep.created)} by ${status.sweep.createdBy}`));
    replace(rows, table(status.endpoints || [], [
      {title: 'Endpoint', value: e => link(`#/endpoints/${encodeURIComponent(e.agentId)}`, null, e.hostName || e.agentId)},
      {title: 'State', value: e => badge(e.state, e.state === 'failed' ? 'danger' : e.state === 'done' ? 'online' : 'neutral')},
      {title: 'Progress', value: e => h('progress', {max: 100, value: e.percent, title: `${e.percent} %`})},
      {title: 'Files', value: e => e.filesScanned.toLocaleString()},
      {title: 'Processes', value: e => e.processesScanned.toLocaleString()},
      {title: 'Read', value: e => bytes(e.bytesScanned)},
      {title: 'Hits', value: e => e.matches ? h('a', {href: `#/alerts?host=${encodeURIComponent(e.hostName || '')}&last=30d`},
        badge(String(e.matches), 'danger')) : '0'},
      {title: 'Detail', value: e => [e.skipped ? `${e.skipped} skipped ` : '', e.refusedRules ? `${e.refusedRules} rules refused ` : '', e.detail || '']},
    ], {empty: 'No endpoint in this sweep.'}));
    const matches = (status.endpoints || []).flatMap(e => (e.found || []).map(f => ({...f, host: e.hostName || e.agentId})));
    replace(found, matches.length ? [h('h2', 'Matches'), table(matches, [
      {title: 'Endpoint', value: m => m.host}, {title: 'Rule', value: m => m.rule},
      {title: 'File or process', value: m => m.file ?? `pid ${m.pid}`},
    ])] : null);
    return (status.endpoints || []).every(e => FINISHED.includes(e.state));
  };
  await update();
  whileShown(page, 2, update);
  return page;
}

const lines = text => String(text || '').split(/[\n,]/).map(s => s.trim()).filter(Boolean);
