// The `security` slice of the configuration (src/config.ts): sessions, login limits, the
// grace period before a withdrawn household is erased, and the HTTPS certificate paths.
import { z } from 'zod';

export const SecurityConfigSchema = z.strictObject({
  session: z
    .strictObject({
      /** A session unused this long ends (the dashboard's own requests keep it alive). */
      idleMinutes: z.number().int().min(1).max(24 * 60).default(120),
      /** A session ends this long after sign-in, used or not: one shift. */
      absoluteHours: z.number().int().min(1).max(24 * 30).default(12),
    })
    .prefault({}),
  login: z
    .strictObject({
      /** Failed sign-ins allowed per username in the window, then 429 until the oldest ages out. */
      maxFailuresPerUsername: z.number().int().min(1).default(5),
      /** Failed sign-ins allowed per source address in the window (guessing across many names). */
      maxFailuresPerAddress: z.number().int().min(1).default(20),
      windowMinutes: z.number().int().min(1).max(24 * 60).default(15),
    })
    .prefault({}),
  /** Days between a consent withdrawal and the erasure of the household's data; 0 = at once (PIPL Art. 47). */
  erasureGraceDays: z.number().int().min(0).max(365).default(0),
});
export type SecurityConfig = z.output<typeof SecurityConfigSchema>;

/** `http.tls`: serve HTTPS with this PEM certificate (chain) and key. */
export const TlsConfigSchema = z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) });
export type TlsConfig = z.output<typeof TlsConfigSchema>;

export const sessionLimits = (c: SecurityConfig) => ({ idleMs: c.session.idleMinutes * 60_000, absoluteMs: c.session.absoluteHours * 3_600_000 });
