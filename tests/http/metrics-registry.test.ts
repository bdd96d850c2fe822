import { describe, expect, it } from 'vitest';
import { createMetrics, createRegistry } from '../../src/observability/metrics.ts';

describe('Prometheus registry', () => {
  it('escapes label values and help text per the exposition format', () => {
    const r = createRegistry();
    const c = r.counter('x_total', 'Line one\nback\\slash', ['path']);
    c.inc({ path: 'a"b\\c\nd' });
    expect(r.render()).toBe(
      ['# HELP x_total Line one\\nback\\\\slash', '# TYPE x_total counter', 'x_total{path="a\\"b\\\\c\\nd"} 1', ''].join('\n'),
    );
  });

  it('renders HELP/TYPE for a labelled family before any series exists', () => {
    const r = createRegistry();
    r.counter('y_total', 'Y.', ['reason']);
    expect(r.render()).toBe('# HELP y_total Y.\n# TYPE y_total counter\n');
  });

  it('keeps one series per label set and lets gauges go down', () => {
    const m = createMetrics();
    m.readingsRejected.inc({ reason: 'a' });
    m.readingsRejected.inc({ reason: 'a' }, 4);
    m.readingsRejected.inc({ reason: 'b' });
    m.alertsActive.inc({ type: 'leak' });
    m.alertsActive.inc({ type: 'leak' });
    m.alertsActive.dec({ type: 'leak' });
    expect(m.readingsRejected.get({ reason: 'a' })).toBe(5);
    expect(m.alertsActive.get({ type: 'leak' })).toBe(1);
    expect(m.render()).toContain('anxin_readings_rejected_total{reason="b"} 1');
  });

  it.each([
    ['a decreasing counter', () => createRegistry().counter('c_total', 'c').inc(undefined, -1), /only goes up/],
    ['a bad metric name', () => createRegistry().counter('bad-name', 'c'), /expected a metric name/],
    ['a duplicate name', () => { const r = createRegistry(); r.gauge('g', 'g'); r.gauge('g', 'g'); }, /already registered/],
    ['missing labels', () => createRegistry().counter('d_total', 'd', ['type']).inc({} as { type: string }), /expected labels \{type\}, got \{\}/],
  ])('throws on %s', (_case, act, message) => {
    expect(act).toThrow(message);
  });
});
