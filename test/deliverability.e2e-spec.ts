import {
  type DeliverabilityEventDto,
  deleteContact,
  getContact,
  getContactHistory,
  recordDeliverabilityEvents,
  updateAccountSettings,
  upsertContact,
} from '../sdk';
import { DeliverabilityEventsService } from '../src/modules/deliverability-status/deliverability-events.service';
import { startTestApp, TestAccount, TestApp } from './harness';

type Attributes = { id: string; fieldName: string; fieldValue: string }[];
interface Event {
  eventId?: string;
  contactKey?: string;
  email?: string;
  mobile?: string;
  channel?: string;
  type?: string;
  detail?: string;
  at?: string;
}

const day = (n: number) => new Date(Date.UTC(2026, 9, n, 9)).toISOString();
const utc = (iso: string) => iso.replace('T', ' ').slice(0, 19);

describe('deliverability events', () => {
  let t: TestApp;
  let account: TestAccount;
  let other: TestAccount;
  let sequence = 0;
  const client = (who = account) => t.sdk(who);

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Deliverability');
    other = await t.createAccount('Deliverability, other tenant');
  });
  afterAll(async () => t.close());

  /** Events with fresh ids unless given. */
  async function send(events: Event[], who = account) {
    const res = await recordDeliverabilityEvents({
      client: client(who),
      // Some tests send deliberately incomplete items: the service reads each one itself.
      body: {
        events: events.map((e) => ({
          eventId: `ev-${++sequence}`,
          channel: 'email',
          ...e,
        })) as DeliverabilityEventDto[],
      },
    });
    return res;
  }

  async function create(key: string, attributes: Record<string, string> = {}, who = account) {
    const res = await upsertContact({
      client: client(who),
      body: {
        contactKey: key,
        attributes: Object.entries(attributes).map(([fieldName, fieldValue]) => ({ fieldName, fieldValue })),
      },
    });
    expect(res.response.status).toBe(201);
    return res.data!;
  }

  async function attributes(key: string, who = account): Promise<Record<string, string>> {
    const res = await getContact({ client: client(who), path: { contactKey: key } });
    expect(res.response.status).toBe(200);
    return Object.fromEntries(
      ((res.data?.[0]?.attributes ?? []) as Attributes).map((a) => [a.fieldName, a.fieldValue]),
    );
  }

  async function rows(sql: string, params: unknown[]) {
    return t.database.dataSource.query<Record<string, unknown>[]>(sql, params);
  }

  it('moves valid → absent → valid, dating and detailing each status', async () => {
    await create('absent@example.fr');
    const sent = await send([
      { email: 'absent@example.fr', type: 'delivered', at: day(1) },
      { email: 'absent@example.fr', type: 'absent', at: day(2), detail: 'Out of office until Monday' },
    ]);
    expect(sent.response.status).toBe(200);
    expect(sent.data).toEqual({ received: 2, applied: 2, ignored: 0, unknown: 0, failed: 0, errors: [] });
    expect(await attributes('absent@example.fr')).toMatchObject({
      emailstatus: 'absent',
      emailstatusdate: utc(day(2)),
      emailstatusdetail: 'Out of office until Monday',
    });

    await send([{ email: 'absent@example.fr', type: 'delivered', at: day(3), detail: '250 2.0.0 OK' }]);
    expect(await attributes('absent@example.fr')).toMatchObject({
      emailstatus: 'valid',
      emailstatusdate: utc(day(3)),
      emailstatusdetail: '250 2.0.0 OK',
    });
  });

  it('sets an address aside after five soft bounces in a row; a delivery in between resets the count', async () => {
    await create('soft@example.fr');
    const soft = (n: number) => ({
      contactKey: 'soft@example.fr',
      type: 'soft',
      at: day(n),
      detail: '452 4.2.2 Mailbox full',
    });
    await send([soft(1), soft(2), soft(3), soft(4), { contactKey: 'soft@example.fr', type: 'delivered', at: day(5) }]);
    await send([soft(6), soft(7), soft(8), soft(9)]);
    expect((await attributes('soft@example.fr')).emailstatus).toBe('soft');

    await send([soft(10)]);
    expect((await attributes('soft@example.fr')).emailstatus).toBe('rejected');
    const [row] = await rows('SELECT email_soft_count FROM contact WHERE account_id = $1 AND email = $2', [
      account.id,
      'soft@example.fr',
    ]);
    expect(row.email_soft_count).toBe(5);
  });

  it('applies each event once to a contact named both by its key and by its email in one batch', async () => {
    await create('named-twice@example.fr');
    const res = await send([
      { contactKey: 'named-twice@example.fr', type: 'soft', at: day(1) },
      { email: 'NAMED-TWICE@example.fr', type: 'soft', at: day(2) },
    ]);
    expect(res.data).toMatchObject({ applied: 2, ignored: 0 });
    const [row] = await rows('SELECT email_soft_count FROM contact WHERE account_id = $1 AND email = $2', [
      account.id,
      'named-twice@example.fr',
    ]);
    expect(row.email_soft_count).toBe(2);
  });

  it('honours the account softBounceLimit setting', async () => {
    const limited = await t.createAccount('Deliverability, two softs');
    const settings = await updateAccountSettings({
      client: client(limited),
      body: { attributeType: { softBounceLimit: 2 } },
    });
    expect(settings.response.status).toBe(200);
    await create('two@example.fr', {}, limited);
    await send(
      [
        { email: 'two@example.fr', type: 'soft', at: day(1) },
        { email: 'two@example.fr', type: 'soft', at: day(2) },
      ],
      limited,
    );
    expect((await attributes('two@example.fr', limited)).emailstatus).toBe('rejected');

    const bad = await updateAccountSettings({
      client: client(limited),
      body: { attributeType: { softBounceLimit: 0 } },
    });
    expect(bad.response.status).toBe(400);
    expect((bad.error as { message: string }).message).toBe('softBounceLimit must be a whole number from 1 to 100');
  });

  it('classifies hard bounces from the reply, and no write revives them but a forced one', async () => {
    await create('alias@example.fr');
    await create('domain@example.fr');
    await create('other@example.fr');
    await send([
      { email: 'alias@example.fr', type: 'hard', at: day(1), detail: '550 5.1.1 <alias@example.fr>: User unknown' },
      { email: 'domain@example.fr', type: 'hard', at: day(1), detail: 'Host or domain name not found' },
      { email: 'other@example.fr', type: 'hard', at: day(1), detail: '550 Message rejected' },
    ]);
    expect((await attributes('alias@example.fr')).emailstatus).toBe('badalias');
    expect((await attributes('domain@example.fr')).emailstatus).toBe('baddomain');
    expect((await attributes('other@example.fr')).emailstatus).toBe('rejected');

    // A later delivery report does not revive a hard address…
    const later = await send([{ email: 'alias@example.fr', type: 'delivered', at: day(2) }]);
    expect(later.data).toMatchObject({ applied: 0, ignored: 1 });
    // …nor does an API write, unless forced.
    const write = await upsertContact({
      client: client(),
      body: { contactKey: 'alias@example.fr', attributes: [{ fieldName: 'emailstatus', fieldValue: 'valid' }] },
    });
    expect(write.data?.warnings).toEqual([
      'emailstatus stays "badalias": a hard status is kept unless the write is forced',
    ]);
    expect((await attributes('alias@example.fr')).emailstatus).toBe('badalias');
    await upsertContact({
      client: client(),
      body: {
        contactKey: 'alias@example.fr',
        force: true,
        attributes: [{ fieldName: 'emailstatus', fieldValue: 'valid' }],
      },
    });
    expect((await attributes('alias@example.fr')).emailstatus).toBe('valid');
  });

  it('unsubscribes on unsubscribe and complaint events; a re-import saying yes keeps no, and so does re-creation after deletion', async () => {
    await create('leaver@example.fr');
    await create('angry@example.fr');
    await send([
      { email: 'leaver@example.fr', type: 'unsubscribed', at: day(4), detail: 'Link in newsletter 42' },
      { email: 'angry@example.fr', type: 'complaint', at: day(4), detail: 'abuse report' },
    ]);
    expect(await attributes('leaver@example.fr')).toMatchObject({
      emailoptin: 'no',
      emailunsubscriptiondate: utc(day(4)),
      emailunsubscriptionreason: 'Link in newsletter 42',
    });
    expect(await attributes('angry@example.fr')).toMatchObject({
      emailoptin: 'no',
      emailunsubscriptionreason: 'complaint: abuse report',
    });

    const reimport = await t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', account.auth)
      .field('matchings', JSON.stringify(['email', 'emailoptin', 'firstname']))
      .attach('file', Buffer.from('email;emailoptin;firstname\nleaver@example.fr;oui;Lea\n'), 'again.csv');
    expect(reimport.status).toBe(201);
    const operation = await t.finished(account, reimport.body.Id as number);
    expect(operation).toMatchObject({ Status: 'done', LineUpdate: 1, LineKeptOptOut: 1 });
    expect(await attributes('leaver@example.fr')).toMatchObject({ emailoptin: 'no', firstname: 'Lea' });

    expect((await deleteContact({ client: client(), path: { contactKey: 'leaver@example.fr' } })).response.status).toBe(
      204,
    );
    await upsertContact({
      client: client(),
      body: { contactKey: 'leaver@example.fr', attributes: [{ fieldName: 'emailoptin', fieldValue: 'yes' }] },
    });
    expect((await attributes('leaver@example.fr')).emailoptin).toBe('no');
  });

  it('imports status fields by file under the same rules: a file cannot revive a hard address', async () => {
    await create('filehard@example.fr');
    await send([{ email: 'filehard@example.fr', type: 'hard', at: day(1), detail: '550 5.1.1 User unknown' }]);
    const file = [
      'email;emailstatus;emailstatusdetail',
      'filehard@example.fr;valid;cleaned by a list provider',
      'filenew@example.fr;absent;auto-reply',
    ].join('\n');
    const res = await t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', account.auth)
      .field('matchings', JSON.stringify(['email', 'emailstatus', 'emailstatusdetail']))
      .attach('file', Buffer.from(file), 'statuses.csv');
    expect(res.status).toBe(201);
    expect(await t.finished(account, res.body.Id as number)).toMatchObject({
      Status: 'done',
      LineAdd: 1,
      LineKeptOptOut: 1,
    });
    expect((await attributes('filehard@example.fr')).emailstatus).toBe('badalias');
    expect(await attributes('filenew@example.fr')).toMatchObject({
      emailstatus: 'absent',
      emailstatusdetail: 'auto-reply',
    });
  });

  it('changes nothing when a batch is replayed, and ignores an event older than the current status', async () => {
    await create('replay@example.fr');
    const batch = [
      { eventId: 'replay-1', email: 'replay@example.fr', type: 'delivered', at: day(5) },
      { eventId: 'replay-2', email: 'replay@example.fr', type: 'open', at: day(6) },
    ];
    expect((await send(batch)).data).toMatchObject({ applied: 2, ignored: 0 });
    const historyBefore = await rows('SELECT count(*)::int AS n FROM contact_history WHERE account_id = $1', [
      account.id,
    ]);
    const [before] = await rows('SELECT updated_at, xmin::text FROM contact WHERE account_id = $1 AND email = $2', [
      account.id,
      'replay@example.fr',
    ]);

    expect((await send(batch)).data).toEqual({
      received: 2,
      applied: 0,
      ignored: 2,
      unknown: 0,
      failed: 0,
      errors: [],
    });
    const [after] = await rows('SELECT updated_at, xmin::text FROM contact WHERE account_id = $1 AND email = $2', [
      account.id,
      'replay@example.fr',
    ]);
    expect(after).toEqual(before);
    expect(await rows('SELECT count(*)::int AS n FROM contact_history WHERE account_id = $1', [account.id])).toEqual(
      historyBefore,
    );

    // Sent late, an older soft bounce does not overwrite the newer delivery.
    const late = await send([{ email: 'replay@example.fr', type: 'soft', at: day(3) }]);
    expect(late.data).toMatchObject({ applied: 0, ignored: 1 });
    expect(await attributes('replay@example.fr')).toMatchObject({ emailstatus: 'valid', emailstatusdate: utc(day(5)) });
  });

  it('keeps the last engagement as the activity field, judged against activityDays', async () => {
    await create('reader@example.fr');
    const longAgo = new Date(Date.now() - 200 * 86_400_000).toISOString();
    await send([{ email: 'reader@example.fr', type: 'open', at: longAgo }]);
    expect((await attributes('reader@example.fr')).activity).toBe('inactive');

    const yearLong = await t.createAccount('Deliverability, a year of activity');
    await updateAccountSettings({ client: client(yearLong), body: { attributeType: { activityDays: 365 } } });
    await create('reader@example.fr', {}, yearLong);
    await send([{ email: 'reader@example.fr', type: 'click', at: longAgo }], yearLong);
    expect((await attributes('reader@example.fr', yearLong)).activity).toBe('active');

    await send([{ email: 'reader@example.fr', type: 'open', at: new Date().toISOString() }]);
    expect((await attributes('reader@example.fr')).activity).toBe('active');
  });

  it('records each change in the contact history with the event as its source', async () => {
    await create('history@example.fr');
    await send([{ email: 'history@example.fr', type: 'hard', at: day(7), detail: '550 5.1.3 Bad address syntax' }]);
    const history = await getContactHistory({ client: client(), path: { contactKey: 'history@example.fr', size: 10 } });
    expect(history.data?.logs?.[0]).toMatchObject({
      Type: 'event',
      Object: 'emailstatus, emailstatusdate, emailstatusdetail',
      Title: 'Email hard bounce: 550 5.1.3 Bad address syntax',
      Date: utc(day(7)),
      Group: 'event',
    });
    expect((await attributes('history@example.fr')).emailstatus).toBe('badsyntax');
  });

  it('moves SMS statuses by mobile number, read with the account country', async () => {
    await create('sms@example.fr', { mobile: '06 11 22 33 44' });
    await send([
      { mobile: '+33 6 11 22 33 44', channel: 'sms', type: 'delivered', at: day(1) },
      { mobile: '0611223344', channel: 'sms', type: 'unknown_number', at: day(2) },
    ]);
    expect((await attributes('sms@example.fr')).mobilestatus).toBe('badnumber');
    expect((await attributes('sms@example.fr')).emailstatus).toBe('unknown');
  });

  it('reports contacts of another account as unknown and changes nothing there', async () => {
    await create('mine@example.fr', {}, other);
    const res = await send([{ eventId: 'x-1', contactKey: 'mine@example.fr', type: 'hard', at: day(1) }]);
    expect(res.data).toEqual({
      received: 1,
      applied: 0,
      ignored: 0,
      unknown: 1,
      failed: 0,
      errors: [
        { index: 0, eventId: 'x-1', code: 'ContactNotFound', message: 'No contact "mine@example.fr" in this account' },
      ],
    });
    expect((await attributes('mine@example.fr', other)).emailstatus).toBe('unknown');
  });

  it('reports an event with no key and applies the rest', async () => {
    await create('rest@example.fr');
    const res = await send([
      { eventId: 'nokey', type: 'delivered', at: day(1) },
      { email: 'rest@example.fr', type: 'delivered', at: day(1) },
    ]);
    expect(res.data).toEqual({
      received: 2,
      applied: 1,
      ignored: 0,
      unknown: 0,
      failed: 1,
      errors: [
        { index: 0, eventId: 'nokey', code: 'InvalidEvent', message: 'no contact: give contactKey, email or mobile' },
      ],
    });
    expect((await attributes('rest@example.fr')).emailstatus).toBe('valid');
  });

  it('refuses a batch with an unknown type or channel, naming it, and applies none of it', async () => {
    await create('refused@example.fr');
    const res = await send([
      { email: 'refused@example.fr', type: 'delivered', at: day(1) },
      { email: 'refused@example.fr', type: 'bounced', at: day(1) },
      { email: 'refused@example.fr', channel: 'push', type: 'delivered', at: day(1) },
    ]);
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      details: [
        { field: 'events[1].type', message: expect.stringContaining('"bounced"') },
        { field: 'events[2].channel', message: expect.stringContaining('"push"') },
      ],
      message:
        'events[1].type "bounced" is not an email event type: use delivered, open, click, soft, hard, absent, rejected, unsubscribed, complaint; events[2].channel "push" is not a channel: use "email" or "sms"',
    });
    expect((await attributes('refused@example.fr')).emailstatus).toBe('unknown');
  });

  // The embedded database serves one connection at a time: nothing there can hold a lock from the side.
  describe('with another writer holding contacts (real PostgreSQL)', () => {
    const onRealPostgres = process.env.DATABASE_URL ? it : it.skip;

    /** A transaction on its own connection, holding the given contacts until it ends. */
    async function holder(...contactIds: (number | null)[]) {
      const side = t.database.dataSource.createQueryRunner();
      await side.connect();
      await side.startTransaction();
      await side.query('SELECT id FROM contact WHERE account_id = $1 AND id = ANY($2::bigint[]) FOR UPDATE', [
        account.id,
        contactIds,
      ]);
      const [{ pid }] = (await side.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
      const end = async () => {
        if (side.isTransactionActive) await side.commitTransaction();
        if (!side.isReleased) await side.release();
      };
      return { side, pid, end };
    }

    /** Resolves once a connection waits for a lock `pid` holds. */
    async function blockedBy(pid: number) {
      for (let waited = 0; ; waited += 50) {
        const [{ blocked }] = await rows(
          'SELECT count(*)::int AS blocked FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
          [pid],
        );
        if (blocked === 1) return;
        if (waited > 10_000) throw new Error('nothing waited for the lock');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    const eventHistory = (contactId: number | null) =>
      rows(
        `SELECT count(*)::int AS n FROM contact_history WHERE account_id = $1 AND contact_id = $2 AND source = 'event'`,
        [account.id, contactId],
      );

    onRealPostgres(
      'applies the events of free contacts at once and waits only for the held ones, which get all their events',
      async () => {
        const free = await create('free@example.fr');
        // Two contacts share a mobile (an email-keyed account allows it); another writer holds the second.
        const linked = await create('linked@example.fr', { mobile: '06 55 44 33 22' });
        const held = await create('held@example.fr', { mobile: '06 55 44 33 22' });
        const writer = await holder(held.id);
        try {
          const batch = send([
            { email: 'free@example.fr', type: 'soft', detail: '452 4.2.2 mailbox full', at: day(1) },
            // `linked` waits with `held`: it shares this SMS event with it.
            { email: 'linked@example.fr', type: 'soft', detail: '452 4.2.2 mailbox full', at: day(1) },
            { mobile: '0655443322', channel: 'sms', type: 'delivered', at: day(2) },
          ]);
          await blockedBy(writer.pid);
          // The free contact's event is committed while the batch still waits for the held one.
          expect(await attributes('free@example.fr')).toMatchObject({ emailstatus: 'soft' });
          expect(await attributes('linked@example.fr')).toMatchObject({
            emailstatus: 'unknown',
            mobilestatus: 'unknown',
          });
          await writer.end();
          const res = await batch;
          expect(res.response.status).toBe(200);
          expect(res.data).toMatchObject({ received: 3, applied: 3, ignored: 0, unknown: 0, failed: 0 });
        } finally {
          await writer.end();
        }
        expect(await attributes('linked@example.fr')).toMatchObject({ emailstatus: 'soft', mobilestatus: 'valid' });
        expect(await attributes('held@example.fr')).toMatchObject({ emailstatus: 'unknown', mobilestatus: 'valid' });
        expect(await eventHistory(free.id)).toEqual([{ n: 1 }]);
        expect(await eventHistory(linked.id)).toEqual([{ n: 2 }]);
        expect(await eventHistory(held.id)).toEqual([{ n: 1 }]);
      },
    );

    onRealPostgres(
      'runs the waiting part again when PostgreSQL picks it to break a deadlock, applying each event once',
      async () => {
        const first = await create('deadlock-a@example.fr');
        const second = await create('deadlock-b@example.fr');
        // Two writers hold the contacts, so the batch leaves both for the part that waits.
        const writerOfFirst = await holder(first.id);
        const writerOfSecond = await holder(second.id);
        try {
          const batch = send([
            { email: 'deadlock-b@example.fr', type: 'soft', detail: '452 4.2.2 mailbox full', at: day(1) },
            { email: 'deadlock-a@example.fr', type: 'soft', detail: '452 4.2.2 mailbox full', at: day(1) },
          ]);
          // Emails are locked in sorted order: the batch waits for the first contact, gets it, waits for the second…
          await blockedBy(writerOfFirst.pid);
          await writerOfFirst.end();
          await blockedBy(writerOfSecond.pid);
          // …and the second writer now wants the first contact: PostgreSQL breaks the cycle by failing the batch,
          // which waited first, and the batch runs again once the writer is done.
          await writerOfSecond.side.query('SELECT id FROM contact WHERE account_id = $1 AND id = $2 FOR UPDATE', [
            account.id,
            first.id,
          ]);
          await writerOfSecond.end();
          const res = await batch;
          expect(res.response.status).toBe(200);
          expect(res.data).toMatchObject({ received: 2, applied: 2, failed: 0 });
        } finally {
          await writerOfFirst.end();
          await writerOfSecond.end();
        }
        for (const [key, contact] of [
          ['deadlock-a@example.fr', first],
          ['deadlock-b@example.fr', second],
        ] as const) {
          expect(await attributes(key)).toMatchObject({ emailstatus: 'soft' });
          expect(await eventHistory(contact.id)).toEqual([{ n: 1 }]);
        }
      },
    );
  });

  it('forgets event ids after the retention, keeping recent ones', async () => {
    await create('retained@example.fr');
    const sent = await send([
      { eventId: 'retention-old', email: 'retained@example.fr', type: 'soft', at: day(1) },
      { eventId: 'retention-new', email: 'retained@example.fr', type: 'delivered', at: day(2) },
    ]);
    expect(sent.data).toMatchObject({ applied: 2 });
    const db = t.database.dataSource;
    await db.query(
      `UPDATE deliverability_event SET received_at = now() - interval '31 days'
       WHERE account_id = $1 AND event_id = 'retention-old'`,
      [account.id],
    );
    await t.app.get(DeliverabilityEventsService).forgetOldEventIds();
    const kept = async () =>
      (
        await db.query<{ event_id: string }[]>(
          `SELECT event_id FROM deliverability_event WHERE account_id = $1 AND event_id LIKE 'retention-%'`,
          [account.id],
        )
      ).map((r) => r.event_id);
    expect(await kept()).toEqual(['retention-new']);
    // A replay that late is taken as a new event; the rules then find nothing newer in it.
    const replay = await send([{ eventId: 'retention-old', email: 'retained@example.fr', type: 'soft', at: day(1) }]);
    expect(replay.data).toMatchObject({ received: 1, applied: 0, ignored: 1 });
    expect((await kept()).sort()).toEqual(['retention-new', 'retention-old']);
    expect((await attributes('retained@example.fr')).emailstatus).toBe('valid');
  });

  it('answers 413 over 10,000 events, 400 for an empty batch, 401 without credentials', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => ({
      eventId: `m${i}`,
      email: 'a@example.fr',
      type: 'open',
      at: day(1),
    }));
    const tooMany = await send(many);
    expect(tooMany.response.status).toBe(413);
    expect((tooMany.error as { message: string }).message).toBe(
      'At most 10000 events per batch; this one has 10001. Split it.',
    );
    const empty = await send([]);
    expect(empty.response.status).toBe(400);
    const notAList = await t.http
      .post('/api/rest/v4/deliverability/events')
      .set('Authorization', account.auth)
      .send({ events: { eventId: 'e1', email: 'a@example.fr', type: 'open', at: day(1) } });
    expect(notAList.status).toBe(400);
    expect(notAList.body.message).toBe('Send the events as an array in "events"');
    const anonymous = await t.http.post('/api/rest/v4/deliverability/events').send({ events: [] });
    expect(anonymous.status).toBe(401);
  });
});
