// topicKindFor (the per-message fast path) gives parseTopic's verdict for the sender's own
// topics and refuses everything else, which then goes through parseTopic for its reason.
import { describe, expect, it } from 'vitest';
import { parseTopic, topicKindFor } from '../../src/domain/wire.ts';

const topics = (id: string) => [
  `meters/${id}/reading`, `meters/${id}/batch`, `meters/${id}/status`,
  `meters/${id}/readings`, `meters/${id}/read`, `meters/${id}/`, `meters/${id}`, `meters/${id}/reading/x`,
  `meters/${id}x/reading`, `meters/x${id}/reading`, `meter/${id}/reading`, `Meters/${id}/reading`, `meters//${id}/reading`,
  `meters/other/reading`, `$SYS/${id}/reading`, '', 'meters',
];

describe('topicKindFor', () => {
  it.each(['m-001', 'A', 'meter_7', 'x'.repeat(64), 'bad id', '-lead', 'y'.repeat(65)])('agrees with parseTopic for meter %s', (id) => {
    for (const t of topics(id)) {
      const slow = parseTopic(t);
      const want = slow && slow.meterId === id ? slow.kind : null;
      expect(topicKindFor(t, id), t).toBe(want);
    }
  });
});
