// The gateway's API, reached by URLs relative to this module (…/ui/api.js → …/), so the page works under any path
// prefix a reverse proxy puts it behind, with no configuration.
export const base = new URL('../', import.meta.url);

const keyStorage = 'gateway.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(keyStorage) || '',
  set: (value) => value ? sessionStorage.setItem(keyStorage, value) : sessionStorage.removeItem(keyStorage),
};

/** The 401 of SPEC §1: the key is missing or wrong. */
export class UnauthorizedError extends Error {}

/** fetch() of a gateway path, with the key as a bearer token when one was given; a 401 throws UnauthorizedError. */
export async function api(path, init = {}) {
  const headers = new Headers(init.headers);
  const key = apiKey.get();
  if (key) headers.set('Authorization', `Bearer ${key}`);
  const response = await fetch(new URL(path, base), { ...init, headers });
  if (response.status === 401) throw new UnauthorizedError('The gateway needs a valid API key.');
  return response;
}

/** The `error` of a JSON error body (SPEC §1), else the status line. */
export async function errorOf(response) {
  try {
    const body = await response.json();
    if (typeof body.error === 'string') return body.error;
  } catch { /* not JSON */ }
  return `${response.status} ${response.statusText}`;
}
