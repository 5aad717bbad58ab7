// Rules: the loaded rule set with search, enable/disable and reload; a Sigma editor that checks a rule as you write it
// (problems by line and column), tests it against the recorded history before it is added, and adds it; any loaded
// rule can be tested over history before it is enabled; indicator files and YARA sets are tried before use too
// (trials.js). APIs: /api/v1/rules, /rules/validate, /rules/test,
// /rules/{id}/test (docs/api.md).
import {api} from '../api.js';
import {badge, confirmAction, h, levelBadge, replace, reshow, section, table, time} from '../ui.js';
import {indicatorTrial, yaraTrial} from './trials.js';
import {needs} from '../roles.js';

const WINDOWS = [['1h', 'last hour'], ['24h', 'last 24 hours'], ['7d', 'last 7 days'], ['30d', 'last 30 days']];

export async function render(params) {
  const body = await api.get('/api/v1/rules');
  const filter = h('input', {type: 'search', placeholder: 'Filter by title, id, technique…', value: params.q || ''});
  const list = h('div');
  const results = h('div#rule-test-results');
  const window = h('select#rule-test-window', WINDOWS.map(([value, label]) => h('option', {value}, label)));
  window.value = '24h';
  const refresh = () => {
    const text = filter.value.toLowerCase();
    const rows = body.rules.filter(r => !text || JSON.stringify(r).toLowerCase().includes(text));
    replace(list, table(rows, [
      {title: 'Level', value: r => levelBadge(r.level)},
      {title: 'Title', value: r => r.title},
      {title: 'Techniques', value: r => (r.techniques || []).map(t => t.toUpperCase()).join(' ')},
      {title: 'Source', value: r => badge(r.source)},
      {title: 'Enabled', value: r => toggle(r)},
      {title: '', value: r => r.kind === 'correlation' ? '' : h('button.secondary.test-rule', {
        title: 'Run this rule over the recorded events of the chosen window',
        onclick: () => runTest(results, `/api/v1/rules/${encodeURIComponent(r.id)}/test`, undefined, window.value, r.title)}, 'Test')},
    ], {empty: 'No rule matches.'}));
  };
  filter.addEventListener('input', refresh);
  refresh();
  return h('div',
    h('h1', 'Rules ', h('small', `${body.rules.length} rules`)),
    h('div.toolbar', filter, h('label', 'Test over ', window), h('button.secondary', {...needs('analyst'), onclick: reload}, 'Reload rules')),
    results,
    list,
    section('Write or upload a rule (Sigma YAML)', () => ruleEditor(results, window)),
    section('Test an indicator file', () => indicatorTrial(window)),
    section('Check and test a YARA rule file', () => yaraTrial()),
    (body.problems || []).length ? section('Load problems', () => table(body.problems, [
      {title: 'File', value: p => p.file ?? ''}, {title: 'Line', value: p => p.line ?? ''}, {title: 'Problem', value: p => p.message ?? p.reason ?? JSON.stringify(p)},
    ])) : null);
}

function toggle(rule) {
  const box = h('input', {...needs('analyst'), type: 'checkbox', checked: rule.enabled !== false, 'aria-label': `enable ${rule.title}`});
  box.addEventListener('change', async () => {
    try {
      await api.post(`/api/v1/rules/${encodeURIComponent(rule.id)}/${box.checked ? 'enable' : 'disable'}`);
      rule.enabled = box.checked;
    } catch (e) {
      box.checked = !box.checked;
      alert(e.message);
    }
  });
  return box;
}

async function reload() {
  if (!await confirmAction('Reload all rules from disk?')) return;
  const result = await api.post('/api/v1/rules/reload');
  alert(`Loaded ${result.rules} rules; ${(result.refused_files || []).length} files refused.`);
  reshow();
}

/** The editor: checked on the server a moment after each change; problems are listed by line and select it on click. */
function ruleEditor(results, window) {
  const yaml = h('textarea.code#rule-yaml', {rows: 14, spellcheck: 'false',
    placeholder: 'title: …\nid: …\nlogsource: {product: linux, category: process_creation}\ndetection: …'});
  const file = h('input', {type: 'file', accept: '.yml,.yaml,text/yaml'});
  const status = h('div#rule-problems');
  let timer = null;
  const check = async () => {
    if (!yaml.value.trim()) return replace(status);
    try {
      showProblems(status, yaml, await api.postText('/api/v1/rules/validate', yaml.value));
    } catch (e) {
      replace(status, h('p.error', e.message));
    }
  };
  yaml.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  file.addEventListener('change', async () => {
    if (!file.files.length) return;
    yaml.value = await file.files[0].text();
    check();
  });
  const added = h('div');
  return h('div', h('div.toolbar', h('label', 'Open a file ', file)), yaml, status,
    h('div.toolbar',
      h('button.secondary#rule-check', {...needs('analyst'), onclick: check}, 'Check'),
      h('button.secondary#rule-test', {...needs('analyst'), onclick: () => runTest(results, '/api/v1/rules/test', yaml.value, window.value, 'the new rule')},
        'Test on recorded history'),
      h('button#rule-add', {...needs('analyst'), onclick: async () => {
        try {
          const answer = await api.postText('/api/v1/rules', yaml.value,
            file.files.length ? {name: file.files[0].name} : undefined);
          replace(added, h('p', `Added and enabled ${(answer.rules || []).join(', ')}.`));
        } catch (e) {
          if (e.data && e.data.problems) {
            showProblems(status, yaml, {valid: false, problems: e.data.problems.map(p => ({line: p.line, column: 1, message: p.reason}))});
          }
          replace(added, h('p.error', e.message));
        }
      }}, 'Add rule')),
    added);
}

function showProblems(status, yaml, answer) {
  if (answer.valid) {
    return replace(status, h('p.ok', `✓ Valid: ${(answer.rules || []).join(', ') || 'no rule'}.`));
  }
  replace(status, h('ul.problems', answer.problems.map(p => h('li',
    h('a', {href: '#', onclick: e => {
      e.preventDefault();
      selectLine(yaml, p.line, p.column);
    }}, p.line ? `Line ${p.line}, column ${p.column}` : 'File'), ': ', p.message))));
}

/** Puts the cursor on a 1-based line and column of a textarea and selects the rest of that line. */
function selectLine(textarea, line, column) {
  const lines = textarea.value.split('\n');
  let start = 0;
  for (let i = 0; i < Math.max(0, line - 1) && i < lines.length; i++) start += lines[i].length + 1;
  const end = start + (lines[line - 1] || '').length;
  textarea.focus();
  textarea.setSelectionRange(Math.min(start + Math.max(0, column - 1), end), end);
}

/** Runs a rule over the stored events of the window and shows the hits: counts, whether the window was cut, first events. */
async function runTest(results, path, text, window, what) {
  replace(results, h('section.card', h('p.loading', `Testing ${what} over the ${label(window)}…`)));
  try {
    const answer = text === undefined ? await api.post(path, undefined, {last: window, limit: 20})
      : await api.postText(path, text, {last: window, limit: 20});
    replace(results, testReport(answer, what, window));
  } catch (e) {
    replace(results, h('section.card', h('header', h('h2', `Test of ${what}`)), h('p.error', e.message)));
  }
}

function testReport(r, what, window) {
  const skipped = Object.entries(r.not_applicable || {});
  return h('section.card#rule-test-report',
    h('header', h('h2', `Test of ${what} over the ${label(window)}`)),
    h('p.test-summary', r.hits === 0 ? `No event matched in ${r.scanned.toLocaleString()} events evaluated` :
      `${r.hits.toLocaleString()} matching events in ${r.scanned.toLocaleString()} evaluated`,
      ` (${time(r.from)} – ${time(r.to)}, ${r.millis} ms).`),
    r.complete ? null : h('p.error.test-cut', `Not the whole window: ${r.cut}. Events from ${time(r.scanned_from)} on were evaluated.`),
    skipped.length ? h('p.hint', 'Not applicable to Kiroku events: ', skipped.map(([id, why]) => `${id} (${why})`).join('; ')) : null,
    r.store_query ? h('p.hint', 'Events read: ', h('code', r.store_query)) : null,
    table(r.events || [], [
      {title: 'Time', value: e => time(e.event['@timestamp'])},
      {title: 'Host', value: e => e.event['host.name'] ?? ''},
      {title: 'Action', value: e => e.event['event.action'] ?? ''},
      {title: 'What', value: e => e.event['process.command_line'] ?? e.event['file.path'] ?? e.event['destination.ip'] ?? e.event['process.executable'] ?? ''},
      {title: 'Rules', value: e => e.rules.join(', ')},
    ], {empty: 'Enabling it would not have raised an alert in this window.'}));
}

const label = window => (WINDOWS.find(([value]) => value === window) || [window, window])[1];
