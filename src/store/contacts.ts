// People to call about a household, with their place on the escalation ladder. Phones are
// stored in full (the notifier must dial them) and masked by every reader that shows or logs them.
import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Contact, ContactChannel, ContactLanguage } from '../domain/household.ts';
import { fail, type Failure } from './failure.ts';

interface ContactRow {
  id: string;
  household_id: string;
  name: string;
  role: Contact['role'];
  phone: string | null;
  wechat_open_id: string | null;
  rung: number | null;
  channels: string | null;
  lang: ContactLanguage | null;
  wecom_key: string | null;
}

export type NewContact = Omit<Contact, 'id' | 'householdId'>;

function toContact(r: ContactRow): Contact {
  const c: Contact = { id: r.id, householdId: r.household_id, name: r.name, role: r.role };
  if (r.phone !== null) c.phone = r.phone;
  if (r.wechat_open_id !== null) c.wechatOpenId = r.wechat_open_id;
  if (r.rung !== null) c.rung = r.rung;
  if (r.channels !== null) c.channels = JSON.parse(r.channels) as ContactChannel[];
  if (r.lang !== null) c.lang = r.lang;
  if (r.wecom_key !== null) c.wecomKey = r.wecom_key;
  return c;
}

/** Mainland numbers are compared without +86 / 0086, spaces or dashes. */
export const phoneKey = (phone: string): string => phone.replace(/[\s-]/g, '').replace(/^(\+|00)86(?=1\d{10}$)/, '').replace(/^\+/, '');

export function contactsRepo(db: Database) {
  const householdExists = db.prepare<[string], { id: string }>('SELECT id FROM households WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO contacts (id, household_id, name, role, phone, wechat_open_id, rung, channels, lang, wecom_key)
     VALUES (@id, @householdId, @name, @role, @phone, @wechatOpenId, @rung, @channels, @lang, @wecomKey)`,
  );
  const byHousehold = db.prepare<[string], ContactRow>('SELECT * FROM contacts WHERE household_id = ? ORDER BY rowid');
  const byId = db.prepare<[string], ContactRow>('SELECT * FROM contacts WHERE id = ?');
  const withPhone = db.prepare<[], ContactRow>('SELECT * FROM contacts WHERE phone IS NOT NULL ORDER BY rowid');

  return {
    add(householdId: string, c: NewContact): Contact | Failure<'household-not-found'> {
      if (!householdExists.get(householdId)) return fail('household-not-found', `no household with id "${householdId}"`);
      const id = `ct-${randomBytes(6).toString('hex')}`;
      insert.run({
        id,
        householdId,
        name: c.name,
        role: c.role,
        phone: c.phone ?? null,
        wechatOpenId: c.wechatOpenId ?? null,
        rung: c.rung ?? null,
        channels: c.channels ? JSON.stringify(c.channels) : null,
        lang: c.lang ?? null,
        wecomKey: c.wecomKey ?? null,
      });
      return toContact(byId.get(id)!);
    },

    get(id: string): Contact | undefined {
      const row = byId.get(id);
      return row && toContact(row);
    },

    /** In the order they were added: within a rung, the first is called first. */
    list(householdId: string): Contact[] {
      return byHousehold.all(householdId).map(toContact);
    },

    /** Contacts whose phone is this number (an SMS reply is matched to its sender). */
    byPhone(phone: string): Contact[] {
      const key = phoneKey(phone);
      return withPhone.all().filter((r) => phoneKey(r.phone!) === key).map(toContact);
    },

    remove(id: string): boolean {
      return db.prepare('DELETE FROM contacts WHERE id = ?').run(id).changes > 0;
    },
  };
}

export type ContactsRepo = ReturnType<typeof contactsRepo>;
