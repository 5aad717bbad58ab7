// The one way pages talk to the server's REST API (docs/api.md). Errors become ApiError with the
// server's own message, so pages show what the server said.

// The console signs in with a session (POST /api/v1/session): the server sets an HttpOnly cookie the page cannot
// read, and answers a CSRF token that the page sends with every state-changing request. HTTP Basic stays for scripts.
const SESSION_KEY = 'kiroku.session';

export class ApiError extends Error {
  /** data: the server's whole error answer (a refused rule carries its problems). */
  constructor(status, message, data = null) {
    super(message);
    this.status = status;
    this.data = data;
  }
}

/** Listeners told when the server asks for a login (401). */
const loginListeners = [];

export function onLoginNeeded(listener) {
  loginListeners.push(listener);
}

/** Signs in; throws ApiError (401 for a wrong user or password). */
export async function signIn(user, password) {
  const session = await request('POST', '/api/v1/session', {body: {user, password}});
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

/** Picks up a session this browser already has (another tab, a reload); false when there is none. */
export async function resumeSession() {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(await request('GET', '/api/v1/session', {quiet: true})));
    return true;
  } catch {
    sessionStorage.removeItem(SESSION_KEY);
    return false;
  }
}

export async function signOut() {
  try {
    await request('DELETE', '/api/v1/session', {quiet: true});
  } finally {
    sessionStorage.removeItem(SESSION_KEY);
  }
}

function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
  } catch {
    return null;
  }
}

export function signedInUser() {
  const current = session();
  return current ? current.user : null;
}

/** The signed-in user's role (viewer, analyst or admin); null when nobody is signed in. */
export function signedInRole() {
  const current = session();
  return current ? current.role : null;
}

async function request(method, path, {params, body, text, quiet} = {}) {
  const url = path + (params ? '?' + new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString() : '');
  const headers = {Accept: 'application/json', 'X-Requested-With': 'kiroku-console'};
  const current = session();
  if (current && method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = current.csrf_token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (text !== undefined) headers['Content-Type'] = 'text/plain; charset=utf-8';
  let response;
  try {
    response = await fetch(url, {method, headers, credentials: 'same-origin',
      body: text ?? (body === undefined ? undefined : JSON.stringify(body))});
  } catch (e) {
    throw new ApiError(0, `The server did not answer (${e.message}). Is it running?`);
  }
  const raw = await response.text();
  let data = null;
  try {
    data = raw ? JSON.parse(raw) : null;
  } catch {
    data = {error: raw};
  }
  if (response.status === 401 && !quiet && path !== '/api/v1/session') {
    sessionStorage.removeItem(SESSION_KEY);
    loginListeners.forEach(l => l());
  }
  if (!response.ok) {
    throw new ApiError(response.status, (data && data.error) || `${method} ${path}: HTTP ${response.status}`, data);
  }
  return data;
}

export const api = {
  get: (path, params) => request('GET', path, {params}),
  post: (path, body, params) => request('POST', path, {body: body ?? {}, params}),
  /** Posts a text body as it is (a Sigma rule in YAML). */
  postText: (path, text, params) => request('POST', path, {text, params}),
  put: (path, body) => request('PUT', path, {body: body ?? {}}),
  delete: (path) => request('DELETE', path),
};
