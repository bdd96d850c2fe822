// The JSON API, same origin, with the session cookie and the CSRF header on every
// state-changing request (the session contract: header x-csrf-token).
export const session = { user: null, csrfToken: null, open: false };

export class HttpError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error;
  }
}

export async function api(method, url, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && session.csrfToken) headers['x-csrf-token'] = session.csrfToken;
  const res = await fetch(url, { method, headers, credentials: 'same-origin', ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && !url.startsWith('/api/session')) window.dispatchEvent(new CustomEvent('anxin:signed-out'));
    throw new HttpError(res.status, data);
  }
  return data;
}

/** Who is signed in: null when not. A service without sessions (a local demo) is open. */
export async function loadSession() {
  try {
    const s = await api('GET', '/api/session');
    session.user = s.user;
    session.csrfToken = s.csrfToken;
  } catch {
    session.user = null;
    // No account exists yet (a local demo on this machine): the API is open on loopback.
    session.open = await fetch('/api/board', { credentials: 'same-origin' }).then((r) => r.ok, () => false);
  }
  return session.user;
}

export async function signIn(username, password) {
  const s = await api('POST', '/api/session', { username, password });
  session.user = s.user;
  session.csrfToken = s.csrfToken;
  return s.user;
}

export async function signOut() {
  try {
    await api('DELETE', '/api/session');
  } finally {
    session.user = null;
    session.csrfToken = null;
  }
}

/** The name an action is recorded under. */
export const actor = () => session.user?.displayName || session.user?.username || '网格员';
