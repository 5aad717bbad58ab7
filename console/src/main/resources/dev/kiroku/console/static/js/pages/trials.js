// Trying indicators and YARA rules before they are used, on the Rules page: an indicator file is hunted over the
// recorded history without being imported (POST /api/v1/indicators/test), a YARA rule file is compiled with its
// errors listed by line (POST /api/v1/yara/check) and may be run on one endpoint as a test sweep that raises no alert
// (POST /api/v1/yara/sweeps with trial). docs/console.md, docs/api.md.
import {api} from '../api.js';
import {h, replace, table, time} from '../ui.js';
import {loadEndpoints} from './endpoints.js';
import {needs} from '../roles.js';

/** An indicator file (OpenIOC, STIX, list) hunted over the window the page's select names; nothing is stored. */
export function indicatorTrial(windowSelect) {
  const file = h('input#ioc-test-file', {type: 'file'});
  const result = h('div#ioc-test-report');
  const run = async () => {
    const chosen = file.files[0];
    if (!chosen) return replace(result, h('p.error', 'Choose an indicator file first.'));
    replace(result, h('p.loading', `Hunting with ${chosen.name} over the ${windowSelect.selectedOptions[0].textContent}…`));
    try {
      const r = await api.postText('/api/v1/indicators/test', await chosen.text(), {name: chosen.name, last: windowSelect.value, limit: 20});
      replace(result, indicatorReport(r));
    } catch (e) {
      replace(result, h('p.error', e.message), e.data && e.data.problems ? problemList(e.data.problems) : null);
    }
  };
  return h('div', h('p.hint', 'Hunts the file\'s indicators over the stored events of the chosen window, as an import would, ',
    'without importing them, blocking anything or raising an alert.'),
  h('div.toolbar', h('label', 'Indicator file ', file), h('button.secondary#ioc-test', {...needs('analyst'), onclick: run}, 'Test on recorded history')), result);
}

function indicatorReport(r) {
  return h('div',
    h('p.test-summary', r.hits === 0 ? `No event matched the ${r.evaluable} evaluable indicators` :
      `${r.hits.toLocaleString()} matching events for ${Object.keys(r.per_indicator).length} of ${r.evaluable} evaluable indicators`,
    ` (${r.events_examined.toLocaleString()} events examined, ${time(r.from)} – ${time(r.to)}, ${r.millis} ms).`),
    r.complete ? null : h('p.error.test-cut', `Not the whole window: ${r.cut}.`),
    r.problems.length ? problemList(r.problems) : null,
    r.not_evaluable.length ? h('p.hint', 'Cannot be evaluated on Kiroku events: ',
      r.not_evaluable.map(i => `${i.value || i.id} (${i.reason})`).join('; ')) : null,
    table(r.events, [
      {title: 'Time', value: e => time(e.event['@timestamp'])},
      {title: 'Host', value: e => e.event['host.name'] ?? ''},
      {title: 'Indicator', value: e => `${e.indicator.type} ${e.indicator.value}`},
      {title: 'What', value: e => e.event['destination.ip'] ?? e.event['process.command_line'] ?? e.event['file.path'] ?? e.event['process.executable'] ?? ''},
    ], {empty: 'Importing it would not have raised an alert in this window.'}));
}

function problemList(problems) {
  return h('ul.problems', problems.map(p => h('li', p.line ? `Line ${p.line}: ` : '', p.message ?? p.reason ?? String(p))));
}

/** A YARA rule file checked by libyara on the server, then optionally run on one endpoint as a test sweep. */
export async function yaraTrial() {
  const name = h('input#yara-check-name', {value: 'candidate.yar', size: 30});
  const rules = h('textarea.code#yara-check-rules', {rows: 8, spellcheck: 'false',
    placeholder: 'rule suspicious_script {\n  strings: $a = "curl http://"\n  condition: $a\n}'});
  const file = h('input', {type: 'file', accept: '.yar,.yara,text/plain'});
  file.addEventListener('change', async () => {
    if (!file.files.length) return;
    rules.value = await file.files[0].text();
    name.value = file.files[0].name;
  });
  const endpoints = await loadEndpoints({status: 'online', limit: 200});
  const endpoint = h('select#yara-test-endpoint', endpoints.map(e => h('option', {value: e.id}, e.hostname || e.id)));
  const paths = h('input#yara-test-paths', {size: 50, placeholder: 'empty: the directories the file inventory covers'});
  const report = h('div#yara-check-report');
  const source = () => [{name: name.value.trim() || 'candidate.yar', source: rules.value}];
  const check = async () => {
    try {
      const r = await api.post('/api/v1/yara/check', {rules: source()});
      replace(report, yaraReport(r));
      return r.valid;
    } catch (e) {
      replace(report, h('p.error', e.message));
      return false;
    }
  };
  const test = async () => {
    if (!await check()) return;
    try {
      const chosen = paths.value.split(/[\n,]/).map(p => p.trim()).filter(Boolean);
      const started = await api.post('/api/v1/yara/sweeps', {rules: source(), endpoints: [endpoint.value], paths: chosen, trial: true});
      location.hash = `#/yara/${encodeURIComponent(started.sweep.id)}`;
    } catch (e) {
      replace(report, h('p.error', e.message));
    }
  };
  return h('div', h('div.toolbar', h('label', 'File name ', name), h('label', 'Open a file ', file)), rules,
    h('div.toolbar', h('button.secondary#yara-check', {...needs('analyst'), onclick: check}, 'Check'),
      endpoints.length ? [h('label', 'Test on ', endpoint), h('label', 'Paths ', paths),
        h('button.secondary#yara-test', {...needs('analyst'), onclick: test, title: 'Scan these paths (by default the directories the file inventory covers) on this endpoint; matches are shown, not alerted'},
          'Test on the endpoint')] : h('span.hint', 'No endpoint online to test on.')),
    report);
}

function yaraReport(r) {
  return h('div', h('p', r.valid ? h('span.ok', `✓ Compiles: ${r.rules} rules.`) : h('span.error', 'Refused by libyara:')),
    r.files.map(f => f.compiled && !f.warnings.length ? null : h('div', h('strong', f.name),
      h('ul.problems', [...f.errors.map(e => ['error', e]), ...f.warnings.map(w => ['warning', w])].map(([kind, d]) =>
        h('li', `Line ${d.line}: ${kind}: `, d.rule ? `rule ${d.rule}: ` : '', d.message))))));
}
