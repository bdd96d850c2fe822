// The container's health check (Dockerfile HEALTHCHECK, docker-compose.yml): GET /health on
// this host, over HTTPS when the configuration turns on http.tls. A hard-coded http:// URL
// reported a healthy service with TLS on as dead, so Docker restarted it in a loop. The same
// loadConfig as the service (ANXIN_CONFIG and the ANXIN_* variables), so both agree on the
// port and the scheme. Exit 0 when /health answers 200, else 1 with one line saying why.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { loadConfig } from '../config.ts';
import { isMain } from './is-main.ts';

const TIMEOUT_MS = 4000;

export function checkHealth(port: number, tls: boolean): Promise<{ ok: boolean; why: string }> {
  return new Promise((resolve) => {
    // Loopback, the service's own certificate: it names the public host, not 127.0.0.1, so it is
    // not verified here. The question is only whether this process answers.
    const req = (tls ? httpsRequest : httpRequest)(
      { host: '127.0.0.1', port, path: '/health', method: 'GET', timeout: TIMEOUT_MS, ...(tls && { rejectUnauthorized: false }) },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ok: res.statusCode === 200, why: `/health answered ${res.statusCode}` }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (err) => resolve({ ok: false, why: `/health: ${err.message}` }));
    req.end();
  });
}

if (isMain(import.meta.url)) {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const { ok, why } = await checkHealth(config.http.port, config.http.tls !== undefined);
  if (!ok) console.error(why);
  process.exit(ok ? 0 : 1);
}
