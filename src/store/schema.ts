// The numbered migrations. Append only: a migration that has shipped is never edited,
// because databases in the field have already applied it.

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
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
    id: 6,
    name: 'notifications: contact ladder, durable outbox with attempts, planner wake-ups, settings',
    sql: `
      -- Contacts rebuilt without the CHECK on role (elder and duty-officer join; validated in
      -- code: CONTACT_ROLES in src/domain/household.ts), with their place on the ladder.
      CREATE TABLE contacts_new (
        id TEXT PRIMARY KEY,
        household_id TEXT NOT NULL REFERENCES households(id),
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        phone TEXT,
        wechat_open_id TEXT,
        rung INTEGER,                  -- NULL = the role's default rung
        channels TEXT,                 -- JSON array in order of preference; NULL = by what is known
        lang TEXT,                     -- 'zh-CN' | 'en'; NULL = zh-CN
        wecom_key TEXT
      );
      INSERT INTO contacts_new (id, household_id, name, role, phone, wechat_open_id)
        SELECT id, household_id, name, role, phone, wechat_open_id FROM contacts ORDER BY rowid;
      DROP TABLE contacts;
      ALTER TABLE contacts_new RENAME TO contacts;
      CREATE INDEX contacts_household ON contacts(household_id);
      CREATE INDEX contacts_phone ON contacts(phone);

      -- One row per (alert, step, recipient), written BEFORE anything is sent. idem_key is unique:
      -- a step is queued for a person once, whatever restarts happen.
      CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        alert_id TEXT NOT NULL REFERENCES alerts(id),
        step TEXT NOT NULL,            -- 'check-in' | 'rung-1' | 'voice-1' | 'reminder-2' | 'all-clear'
        purpose TEXT NOT NULL,         -- check-in | alert | voice | reminder | all-clear
        rung INTEGER NOT NULL,
        contact_id TEXT NOT NULL,
        idem_key TEXT NOT NULL UNIQUE,
        recipient TEXT NOT NULL,       -- JSON Recipient (the phone in full: the channel must dial it)
        channels TEXT NOT NULL,        -- JSON array, preference order; channel_index is the current one
        channel_index INTEGER NOT NULL DEFAULT 0,
        lang TEXT NOT NULL,
        template TEXT NOT NULL,
        params TEXT NOT NULL,          -- JSON
        body TEXT NOT NULL,
        status TEXT NOT NULL,          -- pending | sending | sent | failed | cancelled
        attempts INTEGER NOT NULL DEFAULT 0,   -- on the current channel
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        settled_at INTEGER,
        provider TEXT,
        provider_message_id TEXT,
        last_error TEXT
      );
      CREATE INDEX notifications_due ON notifications(status, next_attempt_at);
      CREATE INDEX notifications_alert ON notifications(alert_id, id);

      CREATE TABLE notification_attempts (
        id INTEGER PRIMARY KEY,
        notification_id INTEGER NOT NULL REFERENCES notifications(id),
        at INTEGER NOT NULL,
        channel TEXT NOT NULL,
        provider TEXT NOT NULL,
        ok INTEGER NOT NULL,
        code TEXT,
        message TEXT,
        duration_ms INTEGER NOT NULL
      );
      CREATE INDEX notification_attempts_n ON notification_attempts(notification_id, id);

      -- When the escalation planner must look at an alert again (durable across restarts).
      CREATE TABLE notify_wakeups (alert_id TEXT PRIMARY KEY, wake_at INTEGER NOT NULL);
      CREATE INDEX notify_wakeups_at ON notify_wakeups(wake_at);

      -- Small service settings (the generated link-signing secret when none is configured).
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
];
