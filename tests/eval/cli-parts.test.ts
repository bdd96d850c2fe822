import { describe, expect, it } from 'vitest';
import { parseEvalArgs } from '../../eval/args.ts';
import { parseReportedRate } from '../../eval/systems/anxin.ts';
import { renderTable } from '../../eval/table.ts';
import { parseAlertLines } from '../../eval/trace.ts';

describe('parseEvalArgs', () => {
  it('reads the flags, with repeated or comma-separated names', () => {
    expect(parseEvalArgs(['--quick', '--dataset', 'sim-1min,smoke', '--dataset', 'real-ciws', '--json', 'r.json'])).toEqual({
      quick: true, datasets: ['sim-1min', 'smoke', 'real-ciws'], systems: [], json: 'r.json', out: '.eval-out', check: false, help: false, replyRate: 0.8,
    });
  });

  it('--reply-rate sets the "+ answers" share of check-ins answered, from 0 to 1', () => {
    expect(parseEvalArgs(['--reply-rate', '0.5']).replyRate).toBe(0.5);
    expect(parseEvalArgs(['--reply-rate', '0']).replyRate).toBe(0);
    for (const bad of ['80', '-0.1', 'often']) expect(() => parseEvalArgs([`--reply-rate=${bad}`])).toThrow(/--reply-rate: expected a share from 0 to 1/);
  });

  it('rejects unknown flags', () => {
    expect(() => parseEvalArgs(['--fast'])).toThrow(/Unknown option '--fast'/);
  });
});

describe('parseReportedRate', () => {
  it.each([
    ['replay: 3435 readings (0 invalid lines skipped) from 3 meters in 0.16 s = 21369 readings/s; verdicts {}', 21369],
    ['done, 1,234,567.5 lines/s', 1234567.5],
    ['no rate here', undefined],
  ])('%s', (text, rate) => expect(parseReportedRate(text)).toBe(rate));
});

describe('parseAlertLines', () => {
  it('keeps meterId, type and openedAt of each line and names a bad line', () => {
    expect(parseAlertLines('{"meterId":"m1","type":"surge","openedAt":"2026-01-05T00:00:00Z","reason":"x"}\n\n')).toEqual([
      { meterId: 'm1', type: 'surge', openedAt: '2026-01-05T00:00:00Z' },
    ]);
    expect(() => parseAlertLines('{"meterId":"m1"}\n')).toThrow(/alerts line 1: expected \{meterId, type, openedAt\}/);
  });
});

describe('renderTable', () => {
  it('pads columns to the widest cell, with a rule under the header', () => {
    expect(renderTable([['system', 'FA'], ['anxin', '0.25'], ['nagano-8h', '12.00']])).toBe(
      ['system     FA', '─────────  ─────', 'anxin      0.25', 'nagano-8h  12.00'].join('\n'),
    );
  });
});
