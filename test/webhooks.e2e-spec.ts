import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import {
  chooseImportDraftSheet,
  confirmImportDraft,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getImport,
  getWebhookEndpoint,
  listWebhookAttempts,
  listWebhookEndpoints,
  rotateWebhookSecret,
  setImportDraftMatchings,
  testWebhookEndpoint,
  updateWebhookEndpoint,
  uploadImportDraft,
  type CreateWebhookEndpointDto,
  type WebhookAttemptDto,
} from '../sdk';
import { JobQueue } from '../src/queue/job-queue';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import { WEBHOOK_QUEUE } from '../src/modules/webhooks/webhook-deliveries';
import { startTestApp, TestAccount, TestApp } from './harness';

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that answers each path with the statuses it is given, then 200. */
class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, number[]>();
  private server: Server | undefined;
  private base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers as Record<string, string>, body });
        const status = this.scripts.get(path)?.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'merci' : `status ${status}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  answer(path: string, ...statuses: number[]): void {
    this.scripts.set(path, statuses);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits until the path has received `count` calls (30 s at most). */
  async waitFor(path: string, count: number): Promise<Received[]> {
    for (let i = 0; i < 600; i++) {
      if (this.at(path).length >= count) return this.at(path);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${path} received ${this.at(path).length} calls, expected ${count}`);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/**
 * With DATABASE_URL, this file gets a database of its own: the webhook queue is shared by every app on a database,
 * and another test file's app (which does not allow private networks) would take these deliveries.
 */
async function ownDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { env: {}, drop: () => Promise.resolve() };
  const name = `carnet_webhooks_e2e_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const CSV = 'email;prenom\nanne@orange.fr;Anne\nbob@free.fr;Bob\n';

describe('webhooks', () => {
  const receiver = new Receiver();
  let database: Awaited<ReturnType<typeof ownDatabase>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'carnet-webhooks-'));

  beforeAll(async () => {
    await receiver.start();
    database = await ownDatabase();
  });
  afterAll(async () => {
    await receiver.stop();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when private networks are not allowed (the default)', () => {
    let t: TestApp;
    let account: TestAccount;
    beforeAll(async () => {
      t = await startTestApp(database.env);
      account = await t.createAccount('Webhooks, public only');
    });
    afterAll(async () => t.close());

    it.each([
      ['the test receiver', /loopback or private address.*WEBHOOK_ALLOW_PRIVATE_NETWORKS=true/],
      ['http://localhost:9/hook', /resolves to .*loopback or private/],
      ['https://10.1.2.3/hook', /10\.1\.2\.3, a loopback or private address/],
      ['https://169.254.169.254/latest/meta-data', /loopback or private/],
      ['https://[::1]/hook', /loopback or private/],
      ['ftp://hooks.example.com/x', /must use https/],
    ])('refuses %s', async (url, message) => {
      const res = await createWebhookEndpoint({
        client: t.sdk(account),
        body: { url: url === 'the test receiver' ? receiver.url('/hook') : url, events: ['import.finished'] },
      });
      expect(res.response.status).toBe(400);
      expect(res.error).toMatchObject({ error: 'Bad Request', message: expect.stringMatching(message) });
    });
  });

  describe('delivery', () => {
    let t: TestApp;
    const env = () => ({
      ...database.env,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      // The SPEC's backoff, shortened by configuration: three retries, at once.
      WEBHOOK_RETRY_SECONDS: '0,0,0',
    });

    beforeAll(async () => {
      t = await startTestApp(env(), { dataDir });
    });
    afterAll(async () => t.close());

    async function endpoint(
      who: TestAccount,
      path: string,
      events: CreateWebhookEndpointDto['events'] = ['import.finished'],
    ) {
      const res = await createWebhookEndpoint({ client: t.sdk(who), body: { url: receiver.url(path), events } });
      expect(res.response.status).toBe(201);
      return res.data!;
    }

    async function importCsv(who: TestAccount, csv = CSV): Promise<number> {
      const res = await t.http
        .post('/api/rest/v4/contacts/import/add')
        .set('Authorization', who.auth)
        .field('matchings', JSON.stringify(['email', 'firstname']))
        .attach('file', Buffer.from(csv), 'contacts.csv');
      expect(res.status).toBe(201);
      return (res.body as { Id: number }).Id;
    }

    async function attempts(who: TestAccount, id: number): Promise<WebhookAttemptDto[]> {
      const res = await listWebhookAttempts({ client: t.sdk(who), path: { id } });
      expect(res.response.status).toBe(200);
      return res.data!;
    }

    it('manages endpoints: the secret shown once, updates, another account answered 404', async () => {
      const account = await t.createAccount('Webhooks CRUD');
      const other = await t.createAccount('Webhooks CRUD, other tenant');
      const created = await createWebhookEndpoint({
        client: t.sdk(account),
        body: { url: receiver.url('/crud'), events: ['import.finished', 'purge.finished'], description: 'CRM' },
      });
      expect(created.response.status).toBe(201);
      expect(created.data).toMatchObject({
        url: receiver.url('/crud'),
        events: ['import.finished', 'purge.finished'],
        description: 'CRM',
        enabled: true,
        secret: expect.stringMatching(/^whsec_/),
      });
      const id = created.data!.id;
      const got = await getWebhookEndpoint({ client: t.sdk(account), path: { id } });
      expect(got.data).toMatchObject({ id, enabled: true });
      expect(got.data).not.toHaveProperty('secret');
      const stored = await t.database.dataSource.query('SELECT secret FROM webhook_endpoint WHERE id = $1', [id]);
      expect(stored[0].secret).toMatch(/^v1\./);
      expect(stored[0].secret).not.toContain(created.data!.secret.slice(6));

      const updated = await updateWebhookEndpoint({
        client: t.sdk(account),
        path: { id },
        body: { events: ['import.failed'], enabled: false },
      });
      expect(updated.data).toMatchObject({ events: ['import.failed'], enabled: false, description: 'CRM' });
      const listed = await listWebhookEndpoints({ client: t.sdk(account) });
      expect(listed.data!.map((e) => e.id)).toEqual([id]);

      const badEvent = await createWebhookEndpoint({
        client: t.sdk(account),
        body: { url: receiver.url('/crud'), events: ['contact.created' as 'import.finished'] },
      });
      expect(badEvent.response.status).toBe(400);
      expect(JSON.stringify(badEvent.error)).toContain('each event must be one of import.finished');

      expect((await getWebhookEndpoint({ client: t.sdk(other), path: { id } })).response.status).toBe(404);
      expect((await deleteWebhookEndpoint({ client: t.sdk(other), path: { id } })).response.status).toBe(404);
      expect((await listWebhookEndpoints({ client: t.sdk(other) })).data).toEqual([]);
      expect((await deleteWebhookEndpoint({ client: t.sdk(account), path: { id } })).response.status).toBe(204);
      expect((await getWebhookEndpoint({ client: t.sdk(account), path: { id } })).response.status).toBe(404);
    });

    it('delivers one signed import.finished, with welcomeMessages and the counts, verified by standardwebhooks', async () => {
      const account = await t.createAccount('Webhooks signed');
      const hook = await endpoint(account, '/signed');
      const client = t.sdk(account);
      const draft = await uploadImportDraft({ client, body: { file: new File([CSV], 'bienvenue.csv') } });
      const id = draft.data!.id;
      await chooseImportDraftSheet({ client, path: { id }, body: {} });
      await setImportDraftMatchings({ client, path: { id }, body: { matchings: ['email', 'firstname'] } });
      const confirmed = await confirmImportDraft({
        client,
        path: { id },
        body: { consent: true, welcomeMessages: true },
      });
      expect(confirmed.response.status).toBe(201);
      const operationId = confirmed.data!.Id;

      const [call] = await receiver.waitFor('/signed', 1);
      const payload = new Webhook(hook.secret).verify(call.body, call.headers) as Record<string, unknown>;
      const shown = await getImport({ client, path: { id: operationId } });
      expect(payload).toEqual({
        type: 'import.finished',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        data: { ...shown.data, welcomeMessages: true },
      });
      expect(payload.data).toMatchObject({ Id: operationId, Status: 'done', LineAdd: 2, LineImport: 2 });
      expect(call.headers['webhook-id']).toMatch(/^msg_/);
      expect(() =>
        new Webhook(hook.secret).verify(call.body.replace('"LineAdd":2', '"LineAdd":3'), call.headers),
      ).toThrow();

      const log = await attempts(account, hook.id);
      expect(log).toEqual([
        expect.objectContaining({
          eventId: call.headers['webhook-id'],
          eventType: 'import.finished',
          attempt: 1,
          statusCode: 200,
          outcome: 'delivered',
          responseHead: 'merci',
          error: null,
        }),
      ]);
    });

    it('retries a receiver answering 500 twice, then 200: three attempts, one event', async () => {
      const account = await t.createAccount('Webhooks retries');
      receiver.answer('/flaky', 500, 500);
      const hook = await endpoint(account, '/flaky');
      await importCsv(account);
      const calls = await receiver.waitFor('/flaky', 3);
      expect(new Set(calls.map((c) => c.headers['webhook-id'])).size).toBe(1);
      for (const call of calls) expect(() => new Webhook(hook.secret).verify(call.body, call.headers)).not.toThrow();
      let log: WebhookAttemptDto[] = [];
      for (let i = 0; i < 100 && log.length < 3; i++) {
        log = await attempts(account, hook.id);
        if (log.length < 3) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(log.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
        [3, 200, 'delivered'],
        [2, 500, 'retrying'],
        [1, 500, 'retrying'],
      ]);
      const deliveries = await t.database.dataSource.query(
        'SELECT status, attempts FROM webhook_delivery WHERE endpoint_id = $1',
        [hook.id],
      );
      expect(deliveries).toEqual([{ status: 'delivered', attempts: 3 }]);
      const health = await getWebhookEndpoint({ client: t.sdk(account), path: { id: hook.id } });
      expect(health.data).toMatchObject({ enabled: true, failingSince: null });
    });

    it('disables an endpoint that answers 410, and records why', async () => {
      const account = await t.createAccount('Webhooks gone');
      receiver.answer('/gone', 410);
      const hook = await endpoint(account, '/gone');
      await importCsv(account);
      await receiver.waitFor('/gone', 1);
      let shown = (await getWebhookEndpoint({ client: t.sdk(account), path: { id: hook.id } })).data!;
      for (let i = 0; i < 100 && shown.enabled; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        shown = (await getWebhookEndpoint({ client: t.sdk(account), path: { id: hook.id } })).data!;
      }
      expect(shown).toMatchObject({ enabled: false, disabledReason: 'the receiver answered 410 Gone' });
      expect(await attempts(account, hook.id)).toEqual([
        expect.objectContaining({
          statusCode: 410,
          outcome: 'failed',
          endpointDisabled: 'the receiver answered 410 Gone',
        }),
      ]);
      // A later import owes the disabled endpoint nothing.
      await t.finished(account, await importCsv(account));
      const owed = await t.database.dataSource.query(
        'SELECT count(*)::int AS n FROM webhook_delivery WHERE endpoint_id = $1',
        [hook.id],
      );
      expect(owed[0].n).toBe(1);
      // Enabled again by the account, it takes events again.
      const again = await updateWebhookEndpoint({
        client: t.sdk(account),
        path: { id: hook.id },
        body: { enabled: true },
      });
      expect(again.data).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null });
      await importCsv(account);
      await receiver.waitFor('/gone', 2);
    });

    it('tells of a finished purge', async () => {
      const account = await t.createAccount('Webhooks purge');
      const hook = await endpoint(account, '/purged', ['purge.finished']);
      await t.finished(account, await importCsv(account));
      const res = await t.http
        .post('/api/rest/v4/contacts/purge/add')
        .set('Authorization', account.auth)
        .attach('file', Buffer.from('email\nanne@orange.fr\nnobody@free.fr\n'), 'purge.csv');
      expect(res.status).toBe(201);
      const [call] = await receiver.waitFor('/purged', 1);
      expect(new Webhook(hook.secret).verify(call.body, call.headers)).toMatchObject({
        type: 'purge.finished',
        data: { Id: (res.body as { Id: number }).Id, Status: 'done', LineDelete: 1, LineNotFound: 1 },
      });
      // The import before it was not asked for here.
      expect(receiver.at('/purged')).toHaveLength(1);
    });

    it('writes nothing for an operation whose transaction rolls back', async () => {
      const account = await t.createAccount('Webhooks rollback');
      const hook = await endpoint(account, '/rolled-back');
      const webhooks = t.app.get(WebhooksService);
      let deliveryId = 0;
      await expect(
        t.database.dataSource.transaction(async (em) => {
          await webhooks.recordEvent(em, account.id, 'import.finished', { Id: 1 });
          const rows: { id: number }[] = await em.query(
            'SELECT id::int AS id FROM webhook_delivery WHERE endpoint_id = $1',
            [hook.id],
          );
          expect(rows).toHaveLength(1);
          deliveryId = rows[0].id;
          const queued = await em.query(`SELECT 1 FROM pgboss.job WHERE name = $1 AND data->>'deliveryId' = $2`, [
            WEBHOOK_QUEUE,
            String(deliveryId),
          ]);
          expect(queued).toHaveLength(1);
          throw new Error('the operation failed after all');
        }),
      ).rejects.toThrow('the operation failed after all');
      const owed = await t.database.dataSource.query('SELECT 1 FROM webhook_delivery WHERE endpoint_id = $1', [
        hook.id,
      ]);
      expect(owed).toEqual([]);
      const queued = await t.database.dataSource.query(
        `SELECT 1 FROM pgboss.job WHERE name = $1 AND data->>'deliveryId' = $2`,
        [WEBHOOK_QUEUE, String(deliveryId)],
      );
      expect(queued).toEqual([]);
    });

    it('rotates the secret: both sign for a while, and the test call sends a ping', async () => {
      const account = await t.createAccount('Webhooks rotation');
      const hook = await endpoint(account, '/rotated');
      const rotated = await rotateWebhookSecret({ client: t.sdk(account), path: { id: hook.id } });
      expect(rotated.response.status).toBe(200);
      expect(rotated.data!.secret).not.toBe(hook.secret);
      expect(Date.parse(rotated.data!.previousSecretValidUntil!)).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);

      const ping = await testWebhookEndpoint({ client: t.sdk(account), path: { id: hook.id } });
      expect(ping.data).toMatchObject({ eventType: 'ping', statusCode: 200, outcome: 'delivered' });
      const [call] = receiver.at('/rotated');
      expect(call.headers['webhook-signature'].split(' ')).toHaveLength(2);
      for (const secret of [hook.secret, rotated.data!.secret]) {
        expect(new Webhook(secret).verify(call.body, call.headers)).toMatchObject({
          type: 'ping',
          data: { endpointId: hook.id },
        });
      }

      receiver.answer('/rotated', 503);
      const failed = await testWebhookEndpoint({ client: t.sdk(account), path: { id: hook.id } });
      expect(failed.data).toMatchObject({ statusCode: 503, outcome: 'failed', error: 'the receiver answered 503' });
      expect((await attempts(account, hook.id)).map((a) => a.id)).toEqual([failed.data!.id, ping.data!.id]);
    });

    it('delivers an event committed by a process that stopped before sending it, once restarted', async () => {
      const account = await t.createAccount('Webhooks restart');
      const hook = await endpoint(account, '/restart');
      // This process stops taking delivery jobs: it commits the import and its event, then is gone.
      await t.app.get(JobQueue).stopWorking(WEBHOOK_QUEUE);
      const operationId = await importCsv(account);
      expect(await t.finished(account, operationId)).toMatchObject({ Status: 'done' });
      const owed = await t.database.dataSource.query(
        'SELECT d.status, d.event_id AS "eventId" FROM webhook_delivery d WHERE d.endpoint_id = $1',
        [hook.id],
      );
      expect(owed).toEqual([{ status: 'pending', eventId: expect.stringMatching(/^msg_/) }]);
      expect(receiver.at('/restart')).toEqual([]);
      await t.close();

      t = await startTestApp(env(), { dataDir });
      const [call] = await receiver.waitFor('/restart', 1);
      expect(call.headers['webhook-id']).toBe(owed[0].eventId);
      expect(new Webhook(hook.secret).verify(call.body, call.headers)).toMatchObject({
        type: 'import.finished',
        data: { Id: operationId, Status: 'done' },
      });
    });
  });
});
