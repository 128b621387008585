import {
  addGroupContacts,
  anonymiseContact,
  chooseImportDraftSheet,
  confirmImportDraft,
  createContactField,
  createGroup,
  deleteContact,
  getContact,
  getContactById,
  getContactHistory,
  setImportDraftMatchings,
  uploadImportDraft,
  upsertContact,
} from '../sdk';
import { SuppressionHasher } from '../src/modules/contacts/suppression-hash';
import { startTestApp, TestAccount, TestApp } from './harness';

type Operation = Record<string, number | string | null>;
type Attributes = { id: string; fieldName: string; fieldValue: string }[];

const UTC = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('personal data export and suppression across deletion', () => {
  let t: TestApp;
  let account: TestAccount;
  let other: TestAccount;
  const client = (who = account) => t.sdk(who);

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Personal data');
    other = await t.createAccount('Personal data, other tenant');
  });
  afterAll(async () => t.close());

  const personalData = (id: number | string, who: TestAccount | null = account) => {
    const req = t.http.get(`/api/rest/v4/contacts/${id}/personal-data`);
    return who ? req.set('Authorization', who.auth) : req;
  };

  const waitFor = (kind: 'import' | 'purge', id: number) => t.finished(account, id, kind) as Promise<Operation>;

  /** The mirrored v4 import of a small CSV, waited for. */
  async function importCsv(csv: string, matchings: string[], fileName = 'contacts.csv', name?: string) {
    let req = t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', account.auth)
      .field('matchings', JSON.stringify(matchings));
    if (name) req = req.field('name', name);
    const res = await req.attach('file', Buffer.from(csv), fileName);
    expect(res.status).toBe(201);
    const done = await waitFor('import', res.body.Id as number);
    expect(done.Status).toBe('done');
    return done;
  }

  async function purgeCsv(csv: string) {
    const res = await t.http
      .post('/api/rest/v4/contacts/purge/add')
      .set('Authorization', account.auth)
      .field('keyColumn', '1')
      .attach('file', Buffer.from(csv), 'purge.csv');
    expect(res.status).toBe(201);
    const done = await waitFor('purge', res.body.Id as number);
    expect(done.Status).toBe('done');
    return done;
  }

  async function attributes(key: string): Promise<Record<string, string>> {
    const res = await getContact({ client: client(), path: { contactKey: key } });
    expect(res.response.status).toBe(200);
    return Object.fromEntries(
      ((res.data?.[0]?.attributes ?? []) as Attributes).map((a) => [a.fieldName, a.fieldValue]),
    );
  }

  const suppressionRows = (channel: 'email' | 'sms', address: string) =>
    t.database.dataSource.query(
      'SELECT opt_in AS "optIn", status, reason FROM suppression WHERE account_id = $1 AND channel = $2 AND key_hash = $3',
      [account.id, channel, t.app.get(SuppressionHasher).hash(account.id, channel, address)],
    );

  describe('GET /contacts/{id}/personal-data', () => {
    it('exports values, consent, groups, the imports that wrote the contact with their consent record, history and suppression', async () => {
      // An earlier contact with the same mobile was deleted while opted out: its suppression record matches.
      await upsertContact({
        client: client(),
        body: {
          contactKey: 'ancien@example.fr',
          attributes: [
            { fieldName: 'mobile', fieldValue: '06 12 34 56 78' },
            { fieldName: 'mobileoptin', fieldValue: 'no' },
            { fieldName: 'mobileunsubscriptionreason', fieldValue: 'STOP' },
          ],
        },
      });
      expect(
        (await deleteContact({ client: client(), path: { contactKey: 'ancien@example.fr' } })).response.status,
      ).toBe(204);

      const created = await importCsv(
        'email;prenom;ville\nalice@example.fr;Alice;Lyon\n',
        ['email', 'firstname', 'city'],
        'salon.csv',
        'Salon 2024',
      );
      expect(created).toMatchObject({ LineAdd: 1 });
      const alice = await getContact({ client: client(), path: { contactKey: 'alice@example.fr' } });
      const id = alice.data![0].id;

      const points = await createContactField({ client: client(), body: { name: 'Points', format: 'Number' } });
      const pointsId = points.data!.id;
      const update = await upsertContact({
        client: client(),
        body: {
          contactKey: 'alice@example.fr',
          attributes: [
            { fieldName: String(pointsId), fieldValue: '42' },
            { fieldName: 'mobile', fieldValue: '0612345678' },
            { fieldName: 'mobileoptin', fieldValue: 'no' },
            { fieldName: 'mobileunsubscriptionreason', fieldValue: 'STOP' },
          ],
        },
      });
      expect(update.data?.status).toBe('updated');
      const vip = await createGroup({ client: client(), body: { name: 'VIP' } });
      await addGroupContacts({ client: client(), path: { id: vip.data!.id }, body: { contactIds: [id] } });

      // A second import, through the guided flow, updates the contact and records the consent confirmation.
      const draft = await uploadImportDraft({
        client: client(),
        body: { file: new File(['email;nom\nalice@example.fr;Martin\n'], 'relance.csv') },
      });
      const draftId = draft.data!.id;
      await chooseImportDraftSheet({ client: client(), path: { id: draftId }, body: {} });
      await setImportDraftMatchings({
        client: client(),
        path: { id: draftId },
        body: { matchings: ['email', 'lastname'] },
      });
      const confirmed = await confirmImportDraft({
        client: client(),
        path: { id: draftId },
        body: { consent: true, name: 'Relance' },
      });
      expect(confirmed.response.status).toBe(201);
      const updated = await waitFor('import', confirmed.data!.Id);
      expect(updated).toMatchObject({ Status: 'done', LineUpdate: 1 });
      const [{ consent: storedConsent }] = await t.database.dataSource.query(
        'SELECT consent FROM import_operation WHERE id = $1',
        [updated.Id],
      );

      // Another tenant's contact holding the same address stays out of the export.
      await upsertContact({
        client: client(other),
        body: { contactKey: 'alice@example.fr', attributes: [{ fieldName: 'firstname', fieldValue: 'Autre' }] },
      });

      const res = await personalData(id);
      expect(res.status).toBe(200);
      const body = res.body;
      expect(Object.keys(body).sort()).toEqual(
        ['anonymisedAt', 'consent', 'contact', 'exportedAt', 'groups', 'history', 'imports', 'suppressions'].sort(),
      );
      expect(body.exportedAt).toMatch(UTC);
      expect(body.anonymisedAt).toBeNull();

      const read = await getContactById({ client: client(), path: { id } });
      const { idEncrypted, ...contact } = read.data![0];
      expect(idEncrypted).toMatch(/^[\w-]{32}$/);
      expect(body.contact).toEqual(contact);
      const values = Object.fromEntries(
        (body.contact.attributes as Attributes).map((a) => [a.fieldName, a.fieldValue]),
      );
      expect(values).toMatchObject({
        email: 'alice@example.fr',
        firstname: 'Alice',
        lastname: 'Martin',
        city: 'Lyon',
        mobile: '+33612345678',
        [String(pointsId)]: '42',
        importcreation: String(created.Id),
        importmodification: String(updated.Id),
      });
      expect(JSON.stringify(body)).not.toContain('Autre');

      expect(body.consent).toEqual({
        email: {
          optIn: 'yes',
          unsubscriptionDate: null,
          unsubscriptionReason: null,
          status: 'unknown',
          statusDate: null,
          statusDetail: null,
        },
        sms: {
          optIn: 'no',
          unsubscriptionDate: expect.stringMatching(UTC),
          unsubscriptionReason: 'STOP',
          status: 'unknown',
          statusDate: null,
          statusDetail: null,
        },
      });
      expect(body.groups).toEqual([{ id: vip.data!.id, name: 'VIP' }]);
      expect(body.imports).toEqual([
        {
          id: created.Id,
          name: 'Salon 2024',
          fileName: 'salon.csv',
          roles: ['created'],
          date: created.StartDate,
          consent: null,
        },
        {
          id: updated.Id,
          name: 'Relance',
          fileName: 'relance.csv',
          roles: ['updated'],
          date: updated.StartDate,
          consent: {
            confirmedBy: account.login,
            confirmedAt: storedConsent.confirmedAt,
            fileHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          },
        },
      ]);
      expect(body.imports[1].consent).toEqual(storedConsent);

      const history = await getContactHistory({
        client: client(),
        path: { contactKey: 'alice@example.fr', size: 100 },
      });
      // The same entries as the v4 history, in Carnet's camelCase and oldest first.
      expect(body.history.map((h: { id: number; title: string }) => [h.id, h.title])).toEqual(
        [...history.data!.logs].reverse().map((log) => [log.Id, log.Title]),
      );
      expect(body.history.map((h: { type: string; group: string; operationId: number | null }) => h)).toEqual([
        expect.objectContaining({ type: 'creation', group: 'import', operationId: created.Id }),
        expect.objectContaining({ type: 'update', group: 'api', operationId: null }),
        expect.objectContaining({ type: 'group', object: 'VIP', group: 'api' }),
        expect.objectContaining({ type: 'update', group: 'import', operationId: updated.Id }),
      ]);

      expect(body.suppressions).toEqual([
        { channel: 'sms', optIn: 'no', status: null, reason: 'STOP', updatedAt: expect.stringMatching(UTC) },
      ]);
    });

    it('shows what is left of an anonymised contact', async () => {
      const created = await upsertContact({
        client: client(),
        body: {
          contactKey: 'efface@example.fr',
          attributes: [
            { fieldName: 'firstname', fieldValue: 'Effacé' },
            { fieldName: 'mobile', fieldValue: '0698765432' },
          ],
        },
      });
      const id = created.data!.id;
      const group = await createGroup({ client: client(), body: { name: 'Anciens clients' } });
      await addGroupContacts({ client: client(), path: { id: group.data!.id }, body: { contactIds: [id] } });
      expect((await anonymiseContact({ client: client(), path: { id } })).response.status).toBe(200);

      const res = await personalData(id);
      expect(res.status).toBe(200);
      expect(res.body.anonymisedAt).toMatch(UTC);
      expect(res.body.contact.contactKey).toBeNull();
      const fields = (res.body.contact.attributes as Attributes).map((a) => a.fieldName);
      expect(fields).not.toContain('email');
      expect(fields).not.toContain('firstname');
      expect(fields).not.toContain('mobile');
      expect(JSON.stringify(res.body)).not.toMatch(/efface@|Effacé|98765432/);
      expect(res.body.groups).toEqual([]);
      expect(res.body.imports).toEqual([]);
      expect(res.body.consent.email).toMatchObject({ unsubscriptionReason: null, statusDetail: null });
      expect(res.body.history.map((h: { type: string }) => h.type)).toEqual(['creation', 'group', 'anonymisation']);
      // The suppression hashes remain, but nothing left on the contact leads to them.
      expect(res.body.suppressions).toEqual([]);
      expect(await suppressionRows('email', 'efface@example.fr')).toEqual([
        { optIn: 'no', status: null, reason: 'personal data erased on request' },
      ]);
    });

    it("answers 404 for another account's contact or an unknown id, 400 for a bad id, 401 without credentials", async () => {
      const created = await upsertContact({
        client: client(),
        body: { contactKey: 'prive@example.fr', attributes: [] },
      });
      const id = created.data!.id;

      const foreign = await personalData(id, other);
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        code: 'ContactNotFound',
        message: `Contact "${id}" was not found in this account`,
      });
      expect(JSON.stringify(foreign.body)).not.toContain('prive@');
      expect((await personalData(999_999_999)).status).toBe(404);
      expect((await personalData('abc')).status).toBe(400);

      const anonymous = await personalData(id, null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBeDefined();
      expect(anonymous.body).toMatchObject({ statusCode: 401 });
      const wrong = await t.http
        .get(`/api/rest/v4/contacts/${id}/personal-data`)
        .set('Authorization', `Basic ${Buffer.from(`${account.login}:nope`).toString('base64')}`);
      expect(wrong.status).toBe(401);
    });
  });

  describe('suppression across deletion', () => {
    it('brings a deleted unsubscribed contact back unsubscribed when a file says yes', async () => {
      await upsertContact({
        client: client(),
        body: { contactKey: 'parti@example.fr', attributes: [{ fieldName: 'emailoptin', fieldValue: 'no' }] },
      });
      await deleteContact({ client: client(), path: { contactKey: 'parti@example.fr' } });
      expect(await suppressionRows('email', 'parti@example.fr')).toEqual([{ optIn: 'no', status: null, reason: null }]);

      const back = await importCsv('email;emailoptin\nparti@example.fr;yes\n', ['email', 'emailoptin']);
      expect(back).toMatchObject({ LineAdd: 1, LineKeptOptOut: 1 });
      expect(await attributes('parti@example.fr')).toMatchObject({ emailoptin: 'no' });
      const rows = await t.database.dataSource.query(
        'SELECT email_optin FROM contact WHERE account_id = $1 AND email = $2',
        [account.id, 'parti@example.fr'],
      );
      expect(rows).toEqual([{ email_optin: 'no' }]);
    });

    it('forgets the suppression record of a contact forced back to yes then deleted while subscribed', async () => {
      const key = 'revenu@example.fr';
      await upsertContact({
        client: client(),
        body: {
          contactKey: key,
          attributes: [
            { fieldName: 'emailoptin', fieldValue: 'no' },
            { fieldName: 'emailunsubscriptionreason', fieldValue: 'plus intéressé' },
          ],
        },
      });
      await deleteContact({ client: client(), path: { contactKey: key } });
      const recreated = await upsertContact({ client: client(), body: { contactKey: key, attributes: [] } });
      expect(recreated.data?.status).toBe('created');
      expect(await attributes(key)).toMatchObject({ emailoptin: 'no', emailunsubscriptionreason: 'plus intéressé' });

      const forced = await upsertContact({
        client: client(),
        body: { contactKey: key, attributes: [{ fieldName: 'emailoptin', fieldValue: 'yes' }], force: true },
      });
      expect(forced.data).toMatchObject({ status: 'updated', warnings: [] });
      expect(await suppressionRows('email', key)).toHaveLength(1);

      expect((await deleteContact({ client: client(), path: { contactKey: key } })).response.status).toBe(204);
      expect(await suppressionRows('email', key)).toEqual([]);

      const again = await upsertContact({ client: client(), body: { contactKey: key, attributes: [] } });
      expect(again.data).toMatchObject({ status: 'created', warnings: [] });
      expect(await attributes(key)).toMatchObject({ emailoptin: 'yes' });
      expect((await attributes(key)).emailunsubscriptionreason).toBeUndefined();
    });

    it('keeps the record of a contact deleted while subscribed but hard', async () => {
      const key = 'dur@example.fr';
      await upsertContact({
        client: client(),
        body: { contactKey: key, attributes: [{ fieldName: 'emailstatus', fieldValue: 'baddomain' }] },
      });
      await deleteContact({ client: client(), path: { contactKey: key } });
      expect(await suppressionRows('email', key)).toEqual([{ optIn: null, status: 'baddomain', reason: null }]);
      await upsertContact({ client: client(), body: { contactKey: key, attributes: [] } });
      expect(await attributes(key)).toMatchObject({ emailoptin: 'yes', emailstatus: 'baddomain' });
    });

    it('keeps the record when a contact forced back to yes is anonymised', async () => {
      const key = 'efface2@example.fr';
      await upsertContact({
        client: client(),
        body: { contactKey: key, attributes: [{ fieldName: 'emailoptin', fieldValue: 'no' }] },
      });
      await deleteContact({ client: client(), path: { contactKey: key } });
      const recreated = await upsertContact({
        client: client(),
        body: { contactKey: key, attributes: [{ fieldName: 'emailoptin', fieldValue: 'yes' }], force: true },
      });
      expect(await attributes(key)).toMatchObject({ emailoptin: 'yes' });
      await anonymiseContact({ client: client(), path: { id: recreated.data!.id } });
      expect(await suppressionRows('email', key)).toEqual([
        { optIn: 'no', status: null, reason: 'personal data erased on request' },
      ]);
    });

    it('brings a purged unsubscribed contact back unsubscribed, and forgets the record of one purged while subscribed', async () => {
      await upsertContact({
        client: client(),
        body: { contactKey: 'purge.non@example.fr', attributes: [{ fieldName: 'emailoptin', fieldValue: 'no' }] },
      });
      // Suppressed once, re-created, then forced back to yes.
      await upsertContact({
        client: client(),
        body: { contactKey: 'purge.oui@example.fr', attributes: [{ fieldName: 'emailoptin', fieldValue: 'no' }] },
      });
      await deleteContact({ client: client(), path: { contactKey: 'purge.oui@example.fr' } });
      await upsertContact({
        client: client(),
        body: {
          contactKey: 'purge.oui@example.fr',
          attributes: [{ fieldName: 'emailoptin', fieldValue: 'yes' }],
          force: true,
        },
      });
      expect(await suppressionRows('email', 'purge.oui@example.fr')).toHaveLength(1);

      const purge = await purgeCsv('email\npurge.non@example.fr\npurge.oui@example.fr\n');
      expect(purge).toMatchObject({ LineRead: 2, LineDelete: 2 });
      expect(await suppressionRows('email', 'purge.non@example.fr')).toEqual([
        { optIn: 'no', status: null, reason: null },
      ]);
      expect(await suppressionRows('email', 'purge.oui@example.fr')).toEqual([]);

      const back = await importCsv('email;emailoptin\npurge.non@example.fr;yes\npurge.oui@example.fr;yes\n', [
        'email',
        'emailoptin',
      ]);
      expect(back).toMatchObject({ LineAdd: 2, LineKeptOptOut: 1 });
      expect(await attributes('purge.non@example.fr')).toMatchObject({ emailoptin: 'no' });
      expect(await attributes('purge.oui@example.fr')).toMatchObject({ emailoptin: 'yes' });
      const rows = await t.database.dataSource.query(
        'SELECT email, email_optin FROM contact WHERE account_id = $1 AND email LIKE $2 ORDER BY email',
        [account.id, 'purge.%'],
      );
      expect(rows).toEqual([
        { email: 'purge.non@example.fr', email_optin: 'no' },
        { email: 'purge.oui@example.fr', email_optin: 'yes' },
      ]);
    });
  });
});
