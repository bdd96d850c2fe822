// A board's live stream (GET /api/events) over a real socket, for the privacy tests: the text
// received so far, a wait for a condition on it (woken by each chunk, no timers), and a close.
import http from 'node:http';

export function sseStream(port: number, cookie: string, lastEventId?: string) {
  const chunks: string[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  const req = http.get(
    { host: '127.0.0.1', port, path: '/api/events', headers: { cookie, accept: 'text/event-stream', ...(lastEventId && { 'last-event-id': lastEventId }) } },
    (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => (chunks.push(c), wake()));
    },
  );
  req.on('error', () => {});
  const until = (pred: () => boolean) => new Promise<void>((ok) => { const check = () => (pred() ? ok() : waiters.push(check)); check(); });
  return { text: () => chunks.join(''), until, close: () => req.destroy() };
}
