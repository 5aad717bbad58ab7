// The one way pages talk to the server's REST API (docs/api.md). Errors become ApiError with the
// server's own message, so pages show what the server said.

const CREDENTIAL_KEY = 'kiroku.credential';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Listeners told when the server asks for a login (401). */
const loginListeners = [];

export function onLoginNeeded(listener) {
  loginListeners.push(listener);
}

export function signIn(user, password) {
  sessionStorage.setItem(CREDENTIAL_KEY, 'Basic ' + btoa(unescape(encodeURIComponent(`${user}:${password}`))));
}

export function signOut() {
  sessionStorage.removeItem(CREDENTIAL_KEY);
}

export function signedInUser() {
  const credential = sessionStorage.getItem(CREDENTIAL_KEY);
  if (!credential) return null;
  try {
    return decodeURIComponent(escape(atob(credential.slice(6)))).split(':')[0];
  } catch {
    return null;
  }
}

async function request(method, path, {params, body, text} = {}) {
  const url = path + (params ? '?' + new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString() : '');
  const headers = {Accept: 'application/json', 'X-Requested-With': 'kiroku-console'};
  const credential = sessionStorage.getItem(CREDENTIAL_KEY);
  if (credential) headers.Authorization = credential;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (text !== undefined) headers['Content-Type'] = 'text/plain; charset=utf-8';
  let response;
  try {
    response = await fetch(url, {method, headers, body: text ?? (body === undefined ? undefined : JSON.stringify(body))});
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
  if (response.status === 401) loginListeners.forEach(l => l());
  if (!response.ok) {
    throw new ApiError(response.status, (data && data.error) || `${method} ${path}: HTTP ${response.status}`);
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
