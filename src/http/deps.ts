// What the HTTP server needs from the rest of the service, as one typed object.
import type { FastifyBaseLogger } from 'fastify';
import type { Alert } from '../domain/alert.ts';
import type { TransitionError } from '../alerting/lifecycle.ts';
import type { Store } from '../store/index.ts';
import type { Counter } from '../observability/metrics.ts';
import type { SecurityConfig } from './auth/config.ts';
import type { TrustProxy } from './auth/trust-proxy.ts';
import type { PrivacyActions } from '../service/consent-lifecycle.ts';
import type { DashboardDeps } from './dashboard.ts';
import type { NotifyHttpDeps } from './routes/notify.ts';

export type AlertActionResult = Alert | TransitionError;

/** Operator actions on an alert; the composition root keeps its in-memory AlertBook in step. */
export interface AlertActions {
  /** `via`: how it was acknowledged, recorded in the history (default 'api'). */
  acknowledge(id: string, by: string, note?: string, via?: 'api' | 'dashboard'): AlertActionResult | Promise<AlertActionResult>;
  resolve(id: string, by: string, note: string): AlertActionResult | Promise<AlertActionResult>;
}

/** Extra facts for /health; `ok: false` turns the answer into 503 "degraded". */
export type HealthReport = { ok?: boolean } & Record<string, unknown>;

export interface ServerDeps {
  store: Store;
  /** `exposition` (service + runtime metrics) is served when present, else `render`. */
  metrics: { render(): string; exposition?(): Promise<string>; signIns?: Counter<'result'> };
  /** Epoch ms; the server never reads the wall clock itself. */
  clock: () => number;
  alerts: AlertActions;
  logger?: FastifyBaseLogger;
  /** When set, /api/* requires `Authorization: Bearer <apiToken>`. */
  apiToken?: string;
  health?: () => HealthReport;
  /** Called after a household's away period is set or cleared. */
  onAwayChanged?: (householdId: string) => void;
  /** Called after a meter is provisioned, revoked or gets a new token. */
  onMeterChanged?: (meterId: string) => void;
  /** Called after consent is given or withdrawn (processing of its meters starts or stops). */
  onConsentChanged?: (householdId: string) => void;
  /** Sessions and sign-in limits (src/http/auth/config.ts); defaults when absent. */
  security?: SecurityConfig;
  /** Consent withdrawal, export and erasure (src/service/consent-lifecycle.ts); defaults to one over `store`. */
  privacy?: PrivacyActions;
  /** Serve HTTPS with this certificate and key (PEM; src/http/auth/secure-start.ts loadTls). */
  https?: { cert: Buffer; key: Buffer };
  /** http.trustProxy: whose X-Forwarded-For is believed for request.ip (src/http/auth/trust-proxy.ts). */
  trustProxy?: TrustProxy;
  /** The dashboard (live events, detector status); absent = no dashboard routes (unit tests of the API). */
  dashboard?: DashboardDeps;
  /** Acknowledgement links, SMS-reply callbacks, /api/alerts/:id/notifications (src/notify). */
  notify?: NotifyHttpDeps;
}
