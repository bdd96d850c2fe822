// The eval's "+ answers" line (issue 9 item 6): the responder script is made from the labels, and
// the answers the replay writes are not scored as alerts.
import { describe, expect, it } from 'vitest';
import { responderFor } from '../../eval/systems/anxin.ts';
import { parseAlertLines } from '../../eval/trace.ts';
import { ResponderSchema } from '../../src/replay/responder.ts';

describe('anxin-answered', () => {
  it('labelled no-usage events are incapacitations, labelled absences are away, other normal periods are well', () => {
    const script = ResponderSchema.parse(
      responderFor({
        name: 't',
        meters: [{ meterId: 'm-1', cadence: 'hourly', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }],
        events: [
          { meterId: 'm-1', type: 'no-usage', scenario: 'incapacitation', start: '2026-01-10T08:00:00Z', end: '2026-01-11T20:00:00Z' },
          { meterId: 'm-1', type: 'surge', scenario: 'burst-pipe', start: '2026-01-12T08:00:00Z', end: '2026-01-12T09:00:00Z' },
        ],
        normals: [
          { meterId: 'm-1', what: 'trip: away 3 days', start: '2026-01-20T00:00:00Z', end: '2026-01-23T00:00:00Z' },
          { meterId: 'm-1', what: 'long outing (9 h)', start: '2026-01-25T08:00:00Z', end: '2026-01-25T17:00:00Z' },
        ],
      }),
    );
    expect(script.households['m-1']).toEqual([
      { from: Date.parse('2026-01-10T08:00:00Z'), to: Date.parse('2026-01-11T20:00:00Z'), state: 'incapacitated' },
      { from: Date.parse('2026-01-20T00:00:00Z'), to: Date.parse('2026-01-23T00:00:00Z'), state: 'away' },
    ]);
    expect(script.checkIn.replyRate).toBe(0.8);
    expect(script.checkIn.windowMs).toBe(30 * 60_000); // the ladder's default check-in window
    expect(script.visit?.afterMs).toBe(3_600_000);
    const labels = { name: 't', meters: [], events: [], normals: [] };
    expect(ResponderSchema.parse(responderFor(labels, 0.5)).checkIn).toMatchObject({ replyRate: 0.5, afterMs: 15 * 60_000, windowMs: 30 * 60_000 });
  });

  it('answered lines in the replay output are not alerts', () => {
    const text = [
      { meterId: 'm-1', type: 'no-usage', openedAt: '2026-01-05T10:00:00Z', change: 'opened', stage: 'check-in' },
      { meterId: 'm-1', type: 'no-usage', openedAt: '2026-01-05T10:00:00Z', change: 'answered', answeredAt: '2026-01-05T10:15:00Z', outcome: 'elder-fine' },
    ].map((l) => JSON.stringify(l)).join('\n');
    expect(parseAlertLines(text)).toEqual([{ meterId: 'm-1', type: 'no-usage', openedAt: '2026-01-05T10:00:00Z', stage: 'check-in' }]);
  });
});
