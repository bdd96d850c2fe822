// A register that wraps: a retrofit NB-IoT module counting reed pulses in a 16-bit counter
// reports pulses × 10 L and goes from 655,350 L back to 0 after a few years; a mechanical
// odometer rolls over at 99,999 m³. Taken for a reset, the wrap raised a data-fault ("读数倒退
// …（-655xxx 升）"), threw the readings away until the new value was confirmed and rebased the
// register as if the meter had been swapped, losing the water used across it.
//
// A wrap is recognised by where it happens: the drop is a register span (a power of ten of
// litres, or a 16-, 24- or 32-bit counter of the register's own step) minus what the interval
// could have used. Only those few spans: a swapped meter's new register also starts near 0, and
// with every power of two of every unit as a span, one swap in ten would pass for a wrap.
import { litersBetween } from './milli.ts';

const TEN_SPANS = [1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const COUNTER_BITS = [16, 24, 32];

/** Litres used across a wrap from `last` to `total` (at most `maxRise`), NaN when it is none.
 *  `stepL`: the register's trusted step (0 while it is not known: powers of ten only). */
export function rolloverLiters(last: number, total: number, stepL: number, maxRise: number): number {
  if (!(total >= 0 && total < last)) return NaN;
  let best = NaN;
  const consider = (span: number) => {
    const used = litersBetween(total, last) + span;
    if (span > last && used >= 0 && used <= maxRise && !(used >= best)) best = used;
  };
  for (const s of TEN_SPANS) consider(s);
  if (stepL > 0) for (const b of COUNTER_BITS) consider(2 ** b * stepL);
  return best;
}
