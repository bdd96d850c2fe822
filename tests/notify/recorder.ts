// A recording Notifier for tests over the real app: it keeps every message it was handed and
// answers as told (ok, a retryable failure, a failure for good, or never — a hung provider).
import type { ChannelKind, Notifier, OutgoingMessage, SendResult } from '../../src/notify/types.ts';

/** 'timeout': answers at once as a timed-out send would (in doubt), without waiting on wall time. */
export type Behaviour = 'ok' | 'retry' | 'fail' | 'hang' | 'timeout';

export class Recorder {
  readonly sent: (OutgoingMessage & { at: number })[] = [];
  readonly attempts: { key: string; behaviour: Behaviour }[] = [];
  /** Per "channel:phone" or phone (or recipient id): how the next attempts go; default ok. */
  readonly script = new Map<string, Behaviour[]>();

  constructor(private readonly clock: () => number) {}

  notifiers(kinds: ChannelKind[] = ['sms', 'voice', 'wechat', 'wecom']): Map<ChannelKind, Notifier> {
    return new Map(kinds.map((kind) => [kind, this.notifier(kind)]));
  }

  notifier(kind: ChannelKind): Notifier {
    return {
      kind,
      provider: 'recorder',
      send: (msg, signal) => {
        const who = msg.to.phone ?? msg.to.id;
        const behaviour = this.script.get(`${kind}:${who}`)?.shift() ?? this.script.get(who)?.shift() ?? 'ok';
        this.attempts.push({ key: msg.idempotencyKey, behaviour });
        if (behaviour === 'hang')
          return new Promise<SendResult>((resolve) =>
            signal.addEventListener('abort', () => resolve({ ok: false, retryable: true, code: 'timeout', message: 'aborted' }), { once: true }),
          );
        if (behaviour === 'timeout') return Promise.resolve({ ok: false, retryable: true, code: 'timeout', message: 'no answer in time' });
        if (behaviour === 'retry') return Promise.resolve({ ok: false, retryable: true, code: 'http-503', message: 'provider down' });
        if (behaviour === 'fail') return Promise.resolve({ ok: false, retryable: false, code: 'InvalidParameterValue.IncorrectPhoneNumber', message: 'bad number' });
        this.sent.push({ ...msg, at: this.clock() });
        return Promise.resolve({ ok: true, providerMessageId: `rec-${this.sent.length}` });
      },
    };
  }

  /** "check-in→13900000001 sms" lines in send order. */
  lines(): string[] {
    return this.sent.map((m) => `${m.idempotencyKey.split(':')[1]}→${m.to.phone ?? m.to.id} ${m.channel}`);
  }
}
