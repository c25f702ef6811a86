// The console's only way to the service: the public JSON API under /api/v1, with the signed-in
// user's tokens kept for this browser tab only (sessionStorage).

import { ApiError, tabStore } from './forms.js';
import { number } from './i18n.js';

const store = tabStore('fieldline.console.session');
let session = store.read();
let onSignedOut = () => {};

function save(s) {
  session = s;
  store.write(s);
}

function keep(tokens) {
  save({ ...tokens, expires_at: Date.now() + tokens.expires_in * 1000 });
}

export { ApiError };

/** What to do when the sign-in is gone (refresh refused). */
export function whenSignedOut(f) {
  onSignedOut = f;
}

export function currentUser() {
  return session ? session.user : null;
}

async function send(method, path, body, token, accept = 'application/json', extra = {}, base = '/api/v1') {
  const headers = { Accept: accept, ...extra };
  // A file goes as it is, with the type the caller names; anything else as JSON.
  const raw = body instanceof Blob;
  if (body !== undefined && !raw) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let r;
  try {
    r = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined || raw ? body : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { code: 'network', detail: 'the service cannot be reached' });
  }
  const text = await r.text();
  let data = null;
  if (r.ok && accept !== 'application/json') {
    data = text;
  } else if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text };
    }
  }
  return { status: r.status, data };
}

export async function signIn(username, password) {
  const r = await send('POST', '/auth/login', { username, password });
  if (r.status !== 200) throw new ApiError(r.status, r.data);
  keep(r.data);
  return r.data.user;
}

let refreshing = null;

/** Rotates the tokens once, however many requests ask at the same time. */
function refresh() {
  if (!session) return Promise.resolve(false);
  if (!refreshing) {
    const token = session.refresh_token;
    refreshing = send('POST', '/auth/refresh', { refresh_token: token })
      .then((r) => {
        if (r.status === 200) {
          keep(r.data);
          return true;
        }
        return false;
      })
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

export async function signOut() {
  if (session) {
    await send('POST', '/auth/logout', { refresh_token: session.refresh_token }).catch(() => {});
  }
  save(null);
}

/** A request with the signed-in user's token; the answer's JSON, or its text when `accept` is another type. */
export async function call(method, path, body, accept, extra, base) {
  if (!session) throw new ApiError(401, { code: 'unauthorized', detail: 'sign in first' });
  if (session.expires_at - Date.now() < 30000) await refresh();
  if (!session) throw new ApiError(401, { code: 'unauthorized', detail: 'sign in again' });
  let r = await send(method, path, body, session.access_token, accept, extra, base);
  if (r.status === 401 && (await refresh())) r = await send(method, path, body, session.access_token, accept, extra, base);
  if (r.status === 401) {
    save(null);
    onSignedOut();
  }
  if (r.status >= 400) throw new ApiError(r.status, r.data);
  return r.data;
}

/** `path?query` with the parameters that have a value. */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const get = (path, params) => call('GET', withQuery(path, params));
export const post = (path, body) => call('POST', path, body ?? {});
/** A POST that changes the object only if it is still at `version` (412 otherwise). */
export const postIf = (path, body, version) => call('POST', path, body ?? {}, undefined, version === undefined ? {} : { 'If-Match': `"${version}"` });
export const patch = (path, body) => call('PATCH', path, body ?? {});
export const put = (path, body) => call('PUT', path, body ?? {});
export const del = (path) => call('DELETE', path);
/** The service's readiness (`GET /ready`, outside /api/v1): with an admin's token, the outbox's backlog and the jobs against their schedules. */
export const ready = () => call('GET', '/ready', undefined, undefined, undefined, '');
/** POSTs a file as it is, sent as `type` (e.g. `text/csv`). */
export const upload = (path, file, type, params) => call('POST', withQuery(path, params), file, undefined, { 'Content-Type': type });
/** A GET answered as text of the type `accept` names (e.g. `text/csv`). */
export const getText = (path, params, accept) => call('GET', withQuery(path, params), undefined, accept);

/** A file's bytes (a download) as a Blob, fetched with the signed-in user's token. */
export async function getBlob(path) {
  if (!session) throw new ApiError(401, { code: 'unauthorized', detail: 'sign in first' });
  if (session.expires_at - Date.now() < 30000) await refresh();
  const r = await fetch(`/api/v1${path}`, { headers: { Authorization: `Bearer ${session.access_token}` }, credentials: 'omit', cache: 'no-store' });
  if (!r.ok) throw new ApiError(r.status, await r.json().catch(() => null));
  return r.blob();
}

/** A page's total as people read it: "10,000+" when the list stopped counting. */
export const totalText = (page) => `${number(page.total)}${page.total_capped ? '+' : ''}`;

/** Changes the signed-in user's own record (`PATCH /me`) and keeps the answer as the session's user. */
export async function updateMe(changes) {
  const user = await call('PATCH', '/me', changes);
  if (session) save({ ...session, user });
  return user;
}

/** Every item of a paged list. */
export async function getAll(path, params) {
  const items = [];
  for (let offset = 0; ; offset += 200) {
    const page = await get(path, { ...params, limit: 200, offset });
    items.push(...page.items);
    if (page.items.length === 0 || (items.length >= page.total && !page.total_capped)) return items;
  }
}
