// One Chromium per test file and one listening service per test (the dashboard rig), closed
// after it: the set-up the browser tests of single pages share.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launch } from './browser.ts';
import { rig, type Rig } from '../dashboard/helpers.ts';

export interface Listening {
  r: Rig;
  browser: Browser;
  /** http://127.0.0.1:<port> of the service. */
  base: string;
}

export function browserWithService(): { run: boolean; start(): Promise<Listening> } {
  const run = chromiumAvailable();
  let browser: Browser | undefined;
  let current: Rig | undefined;
  beforeAll(async () => { if (run) browser = await launch(); });
  afterAll(async () => browser?.close());
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    run,
    async start() {
      const r = (current = await rig({ listen: true }));
      const addr = r.app.http.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      return { r, browser: browser!, base: `http://127.0.0.1:${port}` };
    },
  };
}
