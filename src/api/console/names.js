// Names for the ids the API's records carry (customers, sites, assets, colleagues), each read
// once per page load (and signed-in user) and shared by the views, so lists show names and never
// raw ids.

import * as api from './api.js';

const cache = new Map();

/** Kept per signed-in user: someone signing in after another does not see what they read. */
function once(what, load) {
  const key = `${api.currentUser()?.id}:${what}`;
  if (!cache.has(key)) cache.set(key, load().catch(() => null));
  return cache.get(key);
}

/** The business calendar's time zone, which the pages' times are shown in (the browser's when it cannot be read). */
export const zone = () => once('zone', () => api.get('/calendar')).then((c) => c?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);

/** A customer's name (null when it cannot be read). */
export const customer = (id) => (id ? once(`customer:${id}`, () => api.get(`/customers/${id}`)).then((c) => c?.name ?? null) : Promise.resolve(null));

/** A ticket's number. */
export const ticket = (id) => (id ? once(`ticket:${id}`, () => api.get(`/tickets/${id}`)).then((x) => x?.number ?? null) : Promise.resolve(null));

/** A site's name. */
export const site = (id) => (id ? once(`site:${id}`, () => api.get(`/sites/${id}`)).then((s) => s?.name ?? null) : Promise.resolve(null));

/** An asset as people name it: model and serial number. */
export const asset = (id) => (id
  ? once(`asset:${id}`, () => api.get(`/assets/${id}`)).then((a) => (a ? `${a.model} ${a.serial_number}` : null))
  : Promise.resolve(null));

/** The active colleagues (`/users/directory`): id, display name, role. */
export const colleagues = () => once('directory', () => api.getAll('/users/directory')).then((all) => all ?? []);

/** A colleague's display name (null for someone not in the directory, e.g. disabled). */
export async function user(id) {
  if (!id) return null;
  const all = await colleagues();
  return all.find((u) => u.id === id)?.display_name ?? null;
}

/** The names of many ids at once: `{id: name}`. */
export async function many(kind, ids) {
  const unique = [...new Set(ids.filter(Boolean))];
  const names = await Promise.all(unique.map((id) => kind(id)));
  return Object.fromEntries(unique.map((id, i) => [id, names[i]]));
}
