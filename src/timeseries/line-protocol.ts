// Reading the tag set of a line-protocol point as the writer produced it, to find the points
// of one household or meter (erasure). Values are compared in their written, escaped form:
// the client escapes ',', '=', ' ' (and \n \r \t) in tag values with a backslash, and a
// backslash escapes the character after it wherever it stands, so a tag ends only at an
// unescaped ',' or ' '. No substring matching: "h1" never matches "h10" or "xh1".
// https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/#special-characters
import { escape } from '@influxdata/influxdb-client';

/** A tag value as it appears in a line the client wrote. */
export const tagText = (value: string): string => escape.tag(value);

/** The line's tags, keys and values as written (escaped); empty when it has none. */
export function lineTags(line: string): Map<string, string> {
  const tags = new Map<string, string>();
  let i = 0;
  const scan = (stops: string): string => {
    const start = i;
    while (i < line.length) {
      const c = line[i]!;
      if (c === '\\' && i + 1 < line.length) i += 2;
      else if (stops.includes(c)) break;
      else i++;
    }
    return line.slice(start, i);
  };
  scan(', '); // the measurement
  while (line[i] === ',') {
    i++;
    const key = scan('=, ');
    if (line[i] !== '=') break; // not line protocol the client writes: nothing more to read
    i++;
    tags.set(key, scan(', '));
  }
  return tags;
}

/** Whether a line is tagged with one of these households or meters (raw ids, escaped here). */
export function taggedWith(households: readonly string[], meters: readonly string[]): (line: string) => boolean {
  const hs = new Set(households.map(tagText));
  const ms = new Set(meters.map(tagText));
  return (line) => {
    const t = lineTags(line);
    const h = t.get('household');
    const m = t.get('meter');
    return (h !== undefined && hs.has(h)) || (m !== undefined && ms.has(m));
  };
}
