// The console's shell: navigation, hash routing (#/page/arg?params) and sign-in.
import {h, replace} from './ui.js';
import {onLoginNeeded, resumeSession, signIn, signOut, signedInUser} from './api.js';
import {restrictActions} from './roles.js';
import * as overview from './pages/overview.js';
import * as endpoints from './pages/endpoints.js';
import * as alerts from './pages/alerts.js';
import * as search from './pages/search.js';
import * as graph from './pages/graph.js';
import * as investigate from './pages/investigate.js';
import * as incidents from './pages/incidents.js';
import * as response from './pages/response.js';
import * as rules from './pages/rules.js';
import * as policies from './pages/policies.js';
import * as yara from './pages/yara.js';
import * as settings from './pages/settings.js';

const PAGES = [
  ['overview', 'Overview', overview],
  ['endpoints', 'Endpoints', endpoints],
  ['alerts', 'Alerts', alerts],
  ['search', 'Search', search],
  ['investigate', 'Investigate', investigate],
  ['graph', 'Graph', graph],
  ['incidents', 'Incidents', incidents],
  ['response', 'Response', response],
  ['policies', 'Policies', policies],
  ['rules', 'Rules', rules],
  ['yara', 'YARA', yara],
  ['settings', 'Settings', settings],
];

function route() {
  const hash = location.hash.replace(/^#\/?/, '') || 'overview';
  const [path, queryString] = hash.split('?');
  const [name, ...args] = path.split('/').map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(queryString || ''));
  return {name, args, params};
}

let navigations = 0;

/**
 * Renders the page the hash names. Only the newest navigation's page is put in place (a slow page started earlier
 * never replaces a later one); #page[data-shown] then holds the hash it shows, so tests and timings wait for the page
 * they asked for rather than for elements the previous page may also have.
 */
async function show() {
  const navigation = ++navigations;
  const {name, args, params} = route();
  const entry = PAGES.find(([key]) => key === name) || PAGES[0];
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.page === entry[0]));
  document.title = `Kiroku · ${entry[1]}`;
  const page = document.getElementById('page');
  delete page.dataset.shown;
  let content;
  try {
    content = await entry[2].render(params, args);
  } catch (e) {
    content = h('p.error', e.message);
  }
  if (navigation !== navigations) return;
  replace(page, content);
  page.dataset.shown = location.hash || '#/overview';
}

function showLogin(message) {
  if (document.querySelector('dialog.login')) return;
  const user = h('input', {name: 'user', autocomplete: 'username', value: signedInUser() || 'admin'});
  const password = h('input', {name: 'password', type: 'password', autocomplete: 'current-password'});
  const error = h('p.error', message || '');
  const dialog = h('dialog.login',
    h('form', {method: 'dialog', onsubmit: async e => {
      e.preventDefault();
      try {
        await signIn(user.value, password.value);
        dialog.close();
        renderUser();
        show();
      } catch (err) {
        replace(error, err.status === 401 ? 'Wrong user name or password.' : err.message);
      }
    }},
      h('h2', 'Sign in to Kiroku'),
      h('label', 'User', user), h('label', 'Password', password), error,
      h('div.actions', h('button', {type: 'submit'}, 'Sign in'))));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

function renderUser() {
  const who = signedInUser();
  replace(document.getElementById('user'), who ? [who, ' ', h('button.link', {onclick: async () => {
    await signOut().catch(() => {});
    renderUser();
    showLogin();
  }}, 'sign out')] : '');
}

replace(document.getElementById('nav'), PAGES.map(([key, title]) => h('a', {href: '#/' + key, dataset: {page: key}}, title)));
onLoginNeeded(() => showLogin());
restrictActions(document.getElementById('page'));
window.addEventListener('hashchange', show);
// Keyboard: "/" goes to the page's search or filter box (the Search page when it has none), as in most consoles.
document.addEventListener('keydown', e => {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.target.closest('input, textarea, select, dialog')) return;
  const box = document.querySelector('#page input.query, #page input[type=search]');
  e.preventDefault();
  if (box) box.focus();
  else location.hash = '#/search';
});
resumeSession().then(() => {
  renderUser();
  show();
});
