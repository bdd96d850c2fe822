// The README's example notify configuration is a valid configuration (an operator copies it).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';

describe('README notify example', () => {
  it('parses, and its secrets print as <secret>', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Notifications'));
    const json = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    const config = parseConfig(JSON.parse(json));
    expect(config.notify.channels.tencent?.sms?.templates.alert?.params).toEqual(['name', 'what', 'since', 'token']);
    expect(config.notify.policy.checkIn.windowMin).toBe(30);
    expect(config.notify.publicBaseUrl).toBe('https://anxin.example.cn');
    expect(JSON.stringify(config.notify)).not.toContain('at least 16 characters');
  });

  it('bad notify settings are clear errors', () => {
    expect(() => parseConfig({ notify: { timeZone: 'Mars/Olympus' } })).toThrow(/notify\.timeZone: expected an IANA time zone/);
    expect(() => parseConfig({ notify: { linkSecret: 'short' } })).toThrow(/notify\.linkSecret/);
    expect(() => parseConfig({ notify: { policy: { rules: { surge: { rungs: [] } } } } })).toThrow(/notify\.policy\.rules\.surge\.rungs/);
  });
});
