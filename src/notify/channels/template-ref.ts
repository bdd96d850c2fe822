// Mapping a rendered message (template name + named params) onto a provider's registered template.
import type { OutgoingMessage, SendResult } from '../types.ts';
import { fail } from './http.ts';

/** The provider template for a message, honouring its language; a failure when not registered (not retryable: config). */
export function pickTemplate<T extends { id: string; enId?: string | undefined }>(
  map: Partial<Record<string, T>>,
  msg: OutgoingMessage,
  provider: string,
): { ok: true; ref: T; id: string } | Extract<SendResult, { ok: false }> {
  const ref = map[msg.template];
  if (!ref) return fail(false, 'template-not-configured', `${provider}: no template id configured for '${msg.template}'`);
  return { ok: true, ref, id: msg.lang === 'en' && ref.enId ? ref.enId : ref.id };
}

/** Positional variables ({1}{2}… for Tencent) in the configured order; a failure if the renderer left one out. */
export function positionalParams(names: readonly string[], msg: OutgoingMessage, provider: string): { ok: true; values: string[] } | Extract<SendResult, { ok: false }> {
  const values: string[] = [];
  for (const n of names) {
    const v = msg.params[n];
    if (v === undefined) return fail(false, 'template-param-missing', `${provider}: template '${msg.template}' needs param '${n}'`);
    values.push(v);
  }
  return { ok: true, values };
}
