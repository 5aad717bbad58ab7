// Small DOM and formatting helpers shared by every page. No framework: pages build DOM with h().

/** Creates an element: h('a.link', {href: '#/x', onclick}, 'text', child, [children]); 'textarea.code#rule-yaml' sets an id. */
export function h(tag, attrs, ...children) {
  const id = /#([\w-]+)/.exec(tag);
  const [name, ...classes] = tag.replace(/#[\w-]+/, '').split('.');
  const el = document.createElement(name || 'div');
  if (id) el.id = id[1];
  if (classes.length) el.className = classes.join(' ');
  // Anything but a plain object is a child, including 0 and ''.
  if (attrs !== undefined && attrs !== null && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the content of an element. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A term and its description in a <dl class="facts">. */
export function fact(name, value) {
  return [h('dt', name), h('dd', value ?? '')];
}

/** A table from rows: columns are {title, value(row) -> node|string, className}. */
export function table(rows, columns, {empty = 'Nothing to show.', onRow} = {}) {
  if (!rows.length) return h('p.empty', empty);
  return h('table.data',
    h('thead', h('tr', columns.map(c => h('th', c.title)))),
    h('tbody', rows.map(row => {
      const tr = h('tr', columns.map(c => h('td' + (c.className ? '.' + c.className : ''), c.value(row))));
      if (onRow) {
        tr.classList.add('clickable');
        tr.addEventListener('click', e => { if (!e.target.closest('a,button')) onRow(row); });
      }
      return tr;
    })));
}

export function time(value) {
  if (!value) return '';
  const d = new Date(value);
  return isNaN(d) ? String(value) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function ago(value) {
  if (!value) return 'never';
  const seconds = Math.round((Date.now() - new Date(value)) / 1000);
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86400)}d ago`;
}

export function bytes(n) {
  if (n === undefined || n === null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export const LEVELS = ['critical', 'high', 'medium', 'low', 'informational'];

export function levelBadge(level) {
  return h('span.badge.level-' + (level || 'informational'), level || 'informational');
}

export function badge(text, kind = 'neutral') {
  return h('span.badge.' + kind, text);
}

/** A link into another page with query parameters: link('#/search', {q: 'x'}, 'text'). */
export function link(route, params, text) {
  return h('a', {href: route + query(params)}, text);
}

export function query(params) {
  const entries = Object.entries(params || {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? '?' + new URLSearchParams(entries).toString() : '';
}

/** A value an analyst can pivot from: click to investigate or search it. */
export function pivot(field, value) {
  if (value === undefined || value === null || value === '') return '';
  const text = Array.isArray(value) ? value.join(' ') : String(value);
  const kind = pivotKind(field, text);
  const target = kind ? link('#/investigate', {kind, value: text}, text)
    : link('#/search', {q: `${field}:"${text.replace(/(["\\])/g, '\\$1')}"`}, text);
  target.className = 'pivot';
  target.title = kind ? `Investigate ${kind} ${text}` : `Search ${field}`;
  return target;
}

function pivotKind(field, value) {
  if (/\.ip$/.test(field)) return 'ip';
  if (/hash\.sha256$/.test(field) || /^[a-f0-9]{64}$/i.test(value)) return 'hash';
  if (/\.domain$/.test(field)) return 'domain';
  return null;
}

/** A bar chart as SVG: series = [{label, values:[number…], className}], one bar group per x label. */
export function stackedBars(labels, series, {height = 140} = {}) {
  const width = Math.max(320, labels.length * 18);
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] || 0), 0));
  const max = Math.max(1, ...totals);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height + 18}`);
  svg.setAttribute('class', 'chart');
  const barWidth = width / Math.max(1, labels.length);
  labels.forEach((label, i) => {
    let y = height;
    for (const s of series) {
      const v = s.values[i] || 0;
      if (!v) continue;
      const barHeight = (v / max) * (height - 4);
      y -= barHeight;
      const rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', i * barWidth + 1);
      rect.setAttribute('y', y);
      rect.setAttribute('width', Math.max(1, barWidth - 2));
      rect.setAttribute('height', barHeight);
      rect.setAttribute('class', s.className || 'bar');
      const title = document.createElementNS(ns, 'title');
      title.textContent = `${label}: ${s.label} ${v}`;
      rect.append(title);
      svg.append(rect);
    }
    if (labels.length <= 24 || i % Math.ceil(labels.length / 12) === 0) {
      const text = document.createElementNS(ns, 'text');
      text.setAttribute('x', i * barWidth + 2);
      text.setAttribute('y', height + 14);
      text.setAttribute('class', 'axis');
      text.textContent = label;
      svg.append(text);
    }
  });
  return svg;
}

/** Downloads text (or bytes) as a file the browser saves. */
export function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], {type}));
  const a = h('a', {href: url, download: name});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Asks the analyst to confirm an action that changes something, optionally with the action's parameters as form
 * fields ({name, label, multiline?, type: 'checkbox'?, value?}). Resolves to the fields' values (an object, {} without
 * fields) on Confirm, or false on Cancel or Escape. The first field (or Cancel) has the focus; Enter confirms.
 */
export function confirmAction(question, detail, fields = []) {
  return new Promise(resolve => {
    const inputs = fields.map(f => {
      const input = f.multiline ? h('textarea', {name: f.name, rows: 4, cols: 60})
        : h('input', {name: f.name, type: f.type || 'text', size: f.type === 'checkbox' ? undefined : 60});
      if (f.type === 'checkbox') input.checked = f.value !== false;
      else if (f.value !== undefined) input.value = f.value;
      return [f, input];
    });
    let answered = false;
    const answer = value => {
      answered = true;
      dialog.close();
      resolve(value);
    };
    const dialog = h('dialog.confirm',
      h('form', {method: 'dialog', onsubmit: e => {
        e.preventDefault();
        answer(Object.fromEntries(inputs.map(([f, input]) => [f.name, f.type === 'checkbox' ? input.checked : input.value])));
      }},
        h('h3', question),
        detail ? h('p', detail) : null,
        inputs.map(([f, input]) => h('label' + (f.type === 'checkbox' ? '.check' : ''), f.label, input)),
        h('div.actions',
          h('button.secondary', {type: 'button', onclick: () => answer(false)}, 'Cancel'),
          h('button.danger', {type: 'submit', 'data-confirm': 'yes'}, 'Confirm'))));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (!answered) resolve(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    (inputs.length ? inputs[0][1] : dialog.querySelector('button.secondary')).focus();
  });
}

/** A section with a heading that loads its body asynchronously and shows errors in place. */
export function section(title, load, ...tools) {
  const body = h('div.section-body', h('p.loading', 'Loading…'));
  const el = h('section.card', h('header', h('h2', title), ...tools), body);
  Promise.resolve().then(load).then(
    content => replace(body, content),
    error => replace(body, h('p.error', error.message)));
  return el;
}

/** Shows the current page again with fresh data (after an action changed it), without reloading the console. */
export function reshow() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
