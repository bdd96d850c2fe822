// The numbered migrations. Append only: a migration that has shipped is never edited,
// because databases in the field have already applied it. This file holds the household and
// meter data (households, meters, alerts, readings, dead letters, snapshots, the spool and
// erasures); schema-access.ts the people who are told and who read (notifications, users,
// sessions, the access log, family links, SMS replies). They run in id order.
import { ACCESS_MIGRATIONS } from './schema-access.ts';

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

const DATA_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'households, consent, contacts, meters',
    sql: `
      CREATE TABLE households (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        address TEXT,
        grid_id TEXT,
        away_from INTEGER,
        away_until INTEGER,
        consented_by TEXT,
        consented_at INTEGER,
        consent_scope TEXT,            -- JSON array of strings
        consent_withdrawn_at INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX households_grid ON households(grid_id);

      -- Every give/withdraw is kept: PIPL asks us to show when processing was permitted.
      CREATE TABLE consent_log (
        id INTEGER PRIMARY KEY,
        household_id TEXT NOT NULL REFERENCES households(id),
        at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('given', 'withdrawn')),
        by TEXT,
        scope TEXT
      );
      CREATE INDEX consent_log_household ON consent_log(household_id, id);

      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        household_id TEXT NOT NULL REFERENCES households(id),
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('family', 'grid-worker', 'neighbour', 'other')),
        phone TEXT,
        wechat_open_id TEXT
      );
      CREATE INDEX contacts_household ON contacts(household_id);

      CREATE TABLE meters (
        id TEXT PRIMARY KEY,
        household_id TEXT NOT NULL REFERENCES households(id),
        status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
        token_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX meters_household ON meters(household_id);
    `,
  },
  {
    id: 2,
    name: 'alerts and their history',
    sql: `
      -- No foreign key to meters: alerts are an audit record and must outlive any meter row.
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        meter_id TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
        opened_at INTEGER NOT NULL,
        observed_at INTEGER NOT NULL,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        resolved_at INTEGER,
        resolved_by TEXT,
        resolution TEXT CHECK (resolution IN ('auto', 'manual')),
        note TEXT,
        reason TEXT NOT NULL           -- JSON Explanation {zh, en, facts}
      );
      CREATE INDEX alerts_status ON alerts(status, opened_at);
      CREATE INDEX alerts_meter ON alerts(meter_id, opened_at);
      CREATE INDEX alerts_opened ON alerts(opened_at);

      CREATE TABLE alert_events (
        id INTEGER PRIMARY KEY,
        alert_id TEXT NOT NULL REFERENCES alerts(id),
        at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('opened', 'acknowledged', 'resolved', 'note')),
        by TEXT NOT NULL,
        note TEXT
      );
      CREATE INDEX alert_events_alert ON alert_events(alert_id, id);
    `,
  },
  {
    id: 3,
    name: 'dead letters and recent readings',
    sql: `
      CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY,
        topic TEXT NOT NULL,
        meter_id TEXT,
        payload TEXT NOT NULL,
        truncated INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL,
        received_at INTEGER NOT NULL
      );
      CREATE INDEX dead_letters_meter ON dead_letters(meter_id, id);
      CREATE INDEX dead_letters_received ON dead_letters(received_at);

      -- (meter_id, ts) is the identity of a reading: a retransmitted one is ignored.
      CREATE TABLE readings (
        meter_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        total_liters REAL NOT NULL,
        received_at INTEGER NOT NULL,
        seq INTEGER,
        flow_lpm REAL,
        battery REAL,
        PRIMARY KEY (meter_id, ts)
      ) WITHOUT ROWID;
      CREATE INDEX readings_ts ON readings(ts);
    `,
  },
  {
    id: 4,
    name: 'detector state snapshots',
    sql: `
      -- What the detector has learned per meter (routine, flow maxima, cadences), so a restart
      -- resumes instead of relearning for weeks. No foreign key: like alerts, keyed by meter id only.
      CREATE TABLE detector_snapshots (
        meter_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,      -- format of state (src/service/detector-snapshot.ts)
        state TEXT NOT NULL,           -- tagged JSON of the MeterState (NaN, Infinity, Set kept)
        saved_at INTEGER NOT NULL
      );
    `,
  },
  {
    id: 5,
    name: 'alert stage and outcome; open-ended alert event kinds',
    sql: `
      ALTER TABLE alerts ADD COLUMN stage TEXT;      -- 'check-in' | 'confirmed' | NULL (= confirmed)
      ALTER TABLE alerts ADD COLUMN outcome TEXT;    -- VisitOutcome, set at resolution
      -- Rebuilt without the CHECK on kind: notification, escalation and outcome steps join the
      -- timeline, and the kinds are validated in code (src/store/alerts.ts).
      CREATE TABLE alert_events_new (
        id INTEGER PRIMARY KEY,
        alert_id TEXT NOT NULL REFERENCES alerts(id),
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        by TEXT NOT NULL,
        note TEXT
      );
      INSERT INTO alert_events_new (id, alert_id, at, kind, by, note) SELECT id, alert_id, at, kind, by, note FROM alert_events;
      DROP TABLE alert_events;
      ALTER TABLE alert_events_new RENAME TO alert_events;
      CREATE INDEX alert_events_alert ON alert_events(alert_id, id);
    `,
  },
  {
    id: 8,
    name: 'time-series spool',
    sql: `
      -- Line-protocol points InfluxDB has not accepted yet (src/timeseries/spool.ts), oldest
      -- first. AUTOINCREMENT: ids never go back, so draining by id keeps the original order.
      CREATE TABLE ts_spool (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        class TEXT NOT NULL,           -- 'reading' | 'derived' | 'alert': what may be dropped when full
        line TEXT NOT NULL,
        spooled_at INTEGER NOT NULL
      );
      CREATE INDEX ts_spool_class ON ts_spool(class, id);
    `,
  },
  {
    id: 9,
    name: 'dead letters carry their size, so their total is bounded without reading payloads',
    sql: `
      -- Bytes of the stored (capped) payload. The index covers count(*) and sum(bytes), so
      -- the bound on the table's total (src/store/dead-letters.ts) never reads a payload.
      ALTER TABLE dead_letters ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
      UPDATE dead_letters SET bytes = length(CAST(payload AS BLOB));
      CREATE INDEX dead_letters_bytes ON dead_letters(bytes);
    `,
  },
  {
    id: 13,
    name: 'erasures still to be sent to InfluxDB',
    sql: `
      -- PIPL Art. 47: an erased household's points InfluxDB already holds are deleted through its
      -- delete API (src/timeseries/erase.ts). The row is written in the erasure's own transaction
      -- (only when history is configured) and removed when InfluxDB answered 204. No foreign key:
      -- the household row is gone by then. rejected_at: InfluxDB refused it (a 4xx other than
      -- 429); not retried in a loop, tried again at the next start.
      CREATE TABLE ts_erasures (
        household_id TEXT PRIMARY KEY,
        meter_ids TEXT NOT NULL,       -- JSON array, the meters it had
        requested_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        rejected_at INTEGER
      );
    `,
  },
];

/** Every migration, in the order they run (their ids). */
export const MIGRATIONS: readonly Migration[] = [...DATA_MIGRATIONS, ...ACCESS_MIGRATIONS].sort((a, b) => a.id - b.id);
