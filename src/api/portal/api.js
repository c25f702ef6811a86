// The portal's only way to the service: the portal API under /api/v1/portal, with the portal
// session's bearer token kept for this browser tab only (sessionStorage). No cookie is used, so
// no other site can act with the session.

import { ApiError, tabStore } from './forms.js';

const store = tabStore('fieldline.portal.session');
let session = store.read();
let onSignedOut = () => {};

function save(s) {
  session = s;
  store.write(s);
}

export { ApiError };

/** What to do when the session is gone (401). */
export function whenSignedOut(f) {
  onSignedOut = f;
}

/** The signed-in contact, or null. */
export function contact() {
  return session ? session.contact : null;
}

async function request(method, path, headers, body) {
  if (session) headers.Authorization = `Bearer ${session.access_token}`;
  let r;
  try {
    r = await fetch(`/api/v1/portal${path}`, { method, headers, body, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, { code: 'network', detail: 'the service cannot be reached' });
  }
  if (r.status === 401 && session) {
    save(null);
    onSignedOut(true);
  }
  return r;
}

async function send(method, path, body, type) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = type ?? 'application/json';
  const raw = body === undefined || type !== undefined ? body : JSON.stringify(body);
  const r = await request(method, path, headers, raw);
  const text = await r.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text }; }
  }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

export const get = (path) => send('GET', path);
export const post = (path, body) => send('POST', path, body ?? {});

/** Sends a file (a `File` of an `<input type=file>`) as the body, with its own type. */
export const upload = (path, file) =>
  send('POST', `${path}?${new URLSearchParams({ filename: file.name })}`, file, file.type || 'application/octet-stream');

/** A file's bytes (a download) as a Blob, fetched with the session's token. */
export async function getBlob(path) {
  const r = await request('GET', path, {});
  if (!r.ok) throw new ApiError(r.status, await r.json().catch(() => null));
  return r.blob();
}

/** Asks for a sign-in link (always accepted). */
export async function askForLink(email) {
  await send('POST', '/sign-in', { email });
}

/** Exchanges a link's token for a session and keeps it. */
export async function signIn(token) {
  save(null);
  const s = await send('POST', '/session', { token });
  save(s);
  return s.contact;
}

/** Ends the session. */
export async function signOut() {
  try {
    if (session) await send('POST', '/sign-out');
  } finally {
    save(null);
  }
}
