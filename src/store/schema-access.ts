// Migrations of the people who are told and who read: the notification ladder and outbox,
// users, sessions, the access log, family links, sign-in failures and SMS replies. Append only,
// like schema.ts, which joins them with the data migrations in id order.
import type { Migration } from './schema.ts';

export const ACCESS_MIGRATIONS: readonly Migration[] = [
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
  {
    id: 7,
    name: 'users, sessions, access log, erased households',
    sql: `
      -- Dashboard and API accounts (src/store/users.ts). grid_ids: JSON array; only grid workers use it.
      CREATE TABLE users (
        username TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('grid-worker', 'admin', 'operator')),
        grid_ids TEXT NOT NULL DEFAULT '[]',
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        password_changed_at INTEGER NOT NULL,
        disabled_at INTEGER
      );
      -- Server-side sessions: only a SHA-256 of the cookie value is stored, so a copy of the
      -- database cannot be replayed as a login; deleting a row revokes the session at once.
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,   -- the absolute limit
        ip TEXT,
        user_agent TEXT
      );
      CREATE INDEX sessions_user ON sessions(username);
      -- PIPL Art. 51/55: who read or changed whose personal data, when and from where.
      -- Append-only: no code path updates it, the trigger refuses it; rows leave only by retention.
      CREATE TABLE access_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        actor_kind TEXT NOT NULL,      -- session | token | anonymous
        role TEXT,
        action TEXT NOT NULL,
        method TEXT NOT NULL,
        route TEXT NOT NULL,
        household_id TEXT,
        subjects TEXT,                 -- JSON array of household ids a list answer carried
        status INTEGER NOT NULL,
        ip TEXT,
        user_agent TEXT
      );
      CREATE INDEX access_log_at ON access_log(at);
      CREATE INDEX access_log_household ON access_log(household_id, at);
      CREATE INDEX access_log_actor ON access_log(actor, at);
      CREATE TRIGGER access_log_append_only BEFORE UPDATE ON access_log
        BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
      -- What is left of a household after erasure (consent withdrawn or deleted on request):
      -- that consent existed, its scope, when it was withdrawn and when the data was erased.
      CREATE TABLE erased_households (
        household_id TEXT NOT NULL,
        consented_at INTEGER,
        consent_scope TEXT,
        withdrawn_at INTEGER,
        erased_at INTEGER NOT NULL,
        reason TEXT NOT NULL           -- consent-withdrawn | deletion-request
      );
      CREATE INDEX erased_households_id ON erased_households(household_id);
      CREATE INDEX erased_households_at ON erased_households(erased_at);
    `,
  },
  {
    id: 10,
    name: 'family links',
    sql: `
      -- Read-only family page links (src/store/family-links.ts). The link carries an HMAC of its
      -- id under family_link_key's secret; revoking or expiry stops it at once.
      CREATE TABLE family_links (
        id TEXT PRIMARY KEY,
        household_id TEXT NOT NULL REFERENCES households(id),
        label TEXT,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX family_links_household ON family_links(household_id);
      CREATE TABLE family_link_key (id INTEGER PRIMARY KEY CHECK (id = 1), secret TEXT NOT NULL);
      INSERT INTO family_link_key (id, secret) VALUES (1, lower(hex(randomblob(32))));
    `,
  },
  {
    id: 11,
    name: 'sign-in failures survive a restart; notifications in doubt after a crash',
    sql: `
      -- Failed sign-ins (src/store/login-failures.ts): one row per failure and key, where the key
      -- is 'u:<username>' or 'a:<address>'. Bounded: only the last few per key, only inside the
      -- limiter's window, and a cap on the table; the oldest go first.
      CREATE TABLE login_failures (
        key TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX login_failures_key ON login_failures(key, at);
      CREATE INDEX login_failures_at ON login_failures(at);
      -- 1: the row was being sent when the process stopped (it may have reached the provider).
      ALTER TABLE notifications ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    id: 12,
    name: 'sign-in failures keyed by a keyed hash of the username, not the name',
    sql: `
      -- 'u:<username as typed>' wrote a password typed into the username field to disk; the keys
      -- are now 'h:<HMAC>' (src/http/auth/login-limiter.ts). The old rows are only a sliding
      -- window of failures: dropped.
      DELETE FROM login_failures WHERE key LIKE 'u:%';
    `,
  },
  {
    id: 14,
    name: 'access log: every household a list read returned, findable by an index',
    sql: `
      -- A list answer's households were a JSON array in access_log.subjects, cut at 500 and found
      -- by json_each over every row. They are now a subject set (src/store/access-log.ts): the
      -- ordered household ids, stored once and shared by every entry that returned exactly them
      -- (a board re-read every 30 s names the same 5,000 homes each time: one row per read, not
      -- 5,000), with an index from household to set and from set to entries.
      CREATE TABLE access_subject_sets (
        id INTEGER PRIMARY KEY,
        digest TEXT NOT NULL UNIQUE,   -- SHA-256 of the ids in order; 'legacy:<entry id>' for migrated rows
        size INTEGER NOT NULL
      );
      CREATE TABLE access_subject_members (
        set_id INTEGER NOT NULL,
        pos INTEGER NOT NULL,
        household_id TEXT NOT NULL,
        PRIMARY KEY (set_id, pos)
      ) WITHOUT ROWID;
      CREATE INDEX access_subject_members_household ON access_subject_members(household_id, set_id);
      CREATE TRIGGER access_subject_sets_append_only BEFORE UPDATE ON access_subject_sets
        BEGIN SELECT RAISE(ABORT, 'access_subject_sets is append-only'); END;
      CREATE TRIGGER access_subject_members_append_only BEFORE UPDATE ON access_subject_members
        BEGIN SELECT RAISE(ABORT, 'access_subject_members is append-only'); END;
      ALTER TABLE access_log ADD COLUMN subject_set INTEGER;
      CREATE INDEX access_log_subject_set ON access_log(subject_set) WHERE subject_set IS NOT NULL;
      -- Existing entries keep their JSON as written and are linked to a set of their own: the
      -- only change ever made to a logged row, here with the append-only trigger lifted for the
      -- migration's own transaction.
      INSERT INTO access_subject_sets (id, digest, size)
        SELECT id, 'legacy:' || id, json_array_length(subjects) FROM access_log WHERE subjects IS NOT NULL;
      INSERT OR IGNORE INTO access_subject_members (set_id, pos, household_id)
        SELECT a.id, CAST(j.key AS INTEGER), CAST(j.value AS TEXT) FROM access_log a, json_each(a.subjects) j WHERE a.subjects IS NOT NULL;
      DROP TRIGGER access_log_append_only;
      UPDATE access_log SET subject_set = id WHERE subjects IS NOT NULL;
      CREATE TRIGGER access_log_append_only BEFORE UPDATE ON access_log
        BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
    `,
  },
  {
    id: 15,
    name: 'SMS replies already applied (a re-pushed callback is applied once)',
    sql: `
      -- src/store/sms-replies.ts. ref: HMAC-SHA256 of the provider and its reference of the reply
      -- (which holds the sender's number), keyed by notify.smsReplyToken; at: when it first came,
      -- for retention (retention.smsReplyDays).
      CREATE TABLE sms_replies_seen (ref TEXT PRIMARY KEY, at INTEGER NOT NULL);
      CREATE INDEX sms_replies_seen_at ON sms_replies_seen(at);
    `,
  },
  {
    id: 16,
    name: 'the channel a notification is in doubt on',
    sql: `
      -- A message in doubt on one channel (it may be on their phone) that falls back to the
      -- contact's next channel is not in doubt there: an acknowledgement meanwhile must cancel
      -- the fallback (src/notify/dispatcher.ts). NULL: in doubt on its current channel (rows
      -- from before this migration).
      ALTER TABLE notifications ADD COLUMN doubt_channel INTEGER;
    `,
  },
  {
    id: 17,
    name: 'alerts by time of resolution',
    sql: `
      -- The board's "resolved lately" (src/http/routes/status.ts) is by resolved_at: an alert
      -- open for two days and resolved an hour ago belongs there.
      CREATE INDEX alerts_resolved ON alerts(status, resolved_at);
    `,
  },
];
