// Writes the access log (src/store/access-log.ts) for every /api request made by a principal,
// and for every sign-in attempt. It runs in onSend, before the answer leaves: if the entry
// cannot be written the client gets a 500 instead of unlogged personal data.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessLogRepo } from '../../store/access-log.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function householdIdOf(req: FastifyRequest): string | undefined {
  const url = req.routeOptions.url ?? '';
  const id = (req.params as Record<string, unknown> | undefined)?.id;
  return /\/households\/:id(\/|$)/.test(url) && typeof id === 'string' ? id : undefined;
}

/** The path as the router read it (percent-escapes decoded), or as sent when it does not decode. */
function decodedPath(url: string): string {
  const path = url.split('?')[0]!;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function installAccessLog(app: FastifyInstance, deps: { accessLog: AccessLogRepo; clock: () => number }): void {
  const plugin = async (root: FastifyInstance) => {
    root.addHook('onSend', async (req, reply, payload) => {
      // By the matched route as well as the raw URL (as authenticate.ts): "/%61pi/…" reaches an
      // /api route too, and must not read personal data off the record.
      const matched = req.routeOptions.url ?? '';
      const isApi = req.url === '/api' || req.url.startsWith('/api/') || matched === '/api' || matched.startsWith('/api/');
      const config = req.routeOptions.config;
      if (config?.accessLog === false || (!isApi && config?.accessLog !== true)) return payload;
      const note = req.accessNote;
      const p = req.principal;
      // Anonymous requests refused at the door are not personal-data access (and must not let
      // a stranger fill the disk); a sign-in attempt names its username and is kept.
      if (!p && !note?.actor) return payload;
      const ua = req.headers['user-agent'];
      const householdId = note?.householdId ?? householdIdOf(req);
      deps.accessLog.append({
        at: deps.clock(),
        actor: note?.actor ?? p!.username,
        actorKind: p ? p.kind : 'anonymous',
        ...(p && { role: p.role }),
        action: note?.action ?? (SAFE.has(req.method) ? 'read' : 'change'),
        method: req.method,
        route: decodedPath(req.url),
        ...(householdId !== undefined && { householdId }),
        ...(note?.subjects && { subjects: note.subjects }),
        status: reply.statusCode,
        ip: req.ip,
        ...(typeof ua === 'string' && { userAgent: ua }),
      });
      return payload;
    });
  };
  (plugin as any)[Symbol.for('skip-override')] = true;
  app.register(plugin);
}
