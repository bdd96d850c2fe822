// Real headless Chromium (Debian /usr/bin/chromium) driven by playwright-core. Under CI the
// browser must be there: a missing one fails the run; locally it is a loud skip.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install it (apt-get install -y chromium); browser tests never skip under CI`);
  console.warn(`\n⚠️  SKIPPING the browser tests: ${CHROMIUM} not found (apt-get install -y chromium). Under CI=true they fail instead.\n`);
  return false;
}

export function launch(): Promise<Browser> {
  // Playwright gives every launch a new, empty profile directory of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core run in the page; returns the serious and critical violations only. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  // Evaluated over the DevTools protocol, so the page's CSP (script-src 'self') does not apply.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
  });
  return result.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical');
}

export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 375, height: 812 } } as const;

/** Saves the page at both sizes: test-results/screenshots/<name>-1280x800.png and -375x812.png.
 *  `check` runs at each size once the charts are redrawn (assertions about the layout there). */
export async function screenshots(page: Page, name: string, opts: { fullPage?: boolean; check?: (size: string) => Promise<void> } = {}): Promise<string[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const out: string[] = [];
  const before = page.viewportSize();
  for (const v of Object.values(VIEWPORTS)) {
    await page.setViewportSize(v);
    // Redraw the charts at the new width now (the page's own resize handler is debounced),
    // then wait two frames for layout and paint.
    await page.evaluate(() => new Promise((r) => { (window as any).anxinRedraw?.(); requestAnimationFrame(() => requestAnimationFrame(r)); }));
    const path = join(SCREENSHOTS, `${name}-${v.width}x${v.height}.png`);
    await opts.check?.(`${v.width}x${v.height}`);
    await page.screenshot({ path, animations: 'disabled', fullPage: opts.fullPage ?? false });
    out.push(path);
  }
  if (before) await page.setViewportSize(before);
  return out;
}

/** Every option of each <select> shows whole at the current size: the width it needs for its
 *  longest option (its own intrinsic width, measured on a hidden copy sized auto) is at most the
 *  width it has. A select cuts the chosen option off rather than wrap it; nothing else says so. */
export async function expectSelectsFit(page: Page, ids: string[], what: string): Promise<void> {
  const widths = await page.evaluate((ids) => Object.fromEntries(ids.map((id) => {
    const s = document.getElementById(id)!;
    const copy = s.cloneNode(true) as HTMLElement;
    copy.removeAttribute('id');
    copy.style.cssText = 'width: auto; min-width: 0; position: absolute; visibility: hidden';
    s.parentNode!.append(copy);
    const need = copy.getBoundingClientRect().width;
    copy.remove();
    return [id, { need, have: s.getBoundingClientRect().width }];
  })), ids);
  for (const [id, { need, have }] of Object.entries(widths)) expect(need, `${id} at ${what}: ${JSON.stringify(widths)}`).toBeLessThanOrEqual(have + 0.5);
}

/** The Chinese left in `selector` (its text, and its aria-label, title and placeholder
 *  attributes) once the `allowed` strings — data such as names and addresses — are taken out:
 *  after a switch to English, whatever the page itself says should be in English. */
export async function chineseLeft(page: Page, selector: string, allowed: string[]): Promise<string[]> {
  const texts = await page.locator(selector).evaluateAll((els) => els.flatMap((el) => [
    (el as HTMLElement).innerText,
    ...[el, ...el.querySelectorAll('*')].flatMap((e) => ['aria-label', 'title', 'placeholder'].map((a) => e.getAttribute(a) ?? '')),
  ]));
  const rest = texts.map((s) => allowed.reduce((acc, a) => acc.split(a).join(' '), s));
  return rest.flatMap((s) => s.match(/[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+/g) ?? []);
}
