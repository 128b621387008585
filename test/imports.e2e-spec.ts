import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { CFB, utils } from '@e965/xlsx';
import {
  createContactField,
  createContactFieldValue,
  deleteContact,
  getContact,
  getContactWithValueIds,
  getContactHistory,
  upsertContact,
} from '../sdk';
import { ImportRunner } from '../src/modules/imports/import-runner';
import { encryptedWorkbook, workbook, zipArchive } from './fixtures/generated-files';
import { startTestApp, TestAccount, TestApp } from './harness';

const fixture = (name: string) => join(__dirname, 'fixtures', name);
/** The columns of excel-fr-cp1252.csv, in order. */
const CP1252_MATCHINGS = ['firstname', 'lastname', 'email', 'mobile', 'zipcode', 'city', 'birthdate'];
type Operation = Record<string, number | string | null>;

/** The archive behind an operation's Link: its entries by name. */
async function archive(t: TestApp, who: TestAccount, link: string): Promise<(name: string) => Buffer> {
  const res = await t.http
    .get(link)
    .set('Authorization', who.auth)
    .buffer(true)
    .parse((response, callback) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => callback(null, Buffer.concat(chunks)));
    });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  const zip = CFB.read(res.body as Buffer, { type: 'buffer' });
  return (name) => Buffer.from(CFB.find(zip, name)?.content as Uint8Array);
}

/** The lines of an archive's errors.csv, without the BOM. */
const reportLines = (entry: (name: string) => Buffer) =>
  entry('errors.csv')
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/);

type Attributes = { id: string; fieldName: string; fieldValue: string }[];

describe('imports (mirrored v4 call)', () => {
  let t: TestApp;
  let account: TestAccount;
  let other: TestAccount;
  const client = () => t.sdk(account);

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Imports');
    other = await t.createAccount('Imports, other tenant');
  });
  afterAll(async () => t.close());

  const finishedOperation = (who: TestAccount, id: number) => t.finished(who, id) as Promise<Operation>;

  function upload(who: TestAccount, file: string | Buffer, fields: Record<string, string>, fileName?: string) {
    let req = t.http.post('/api/rest/v4/contacts/import/add').set('Authorization', who.auth);
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    return typeof file === 'string'
      ? req.attach('file', fixture(file), fileName)
      : req.attach('file', file, fileName ?? 'upload.csv');
  }

  /** A contact's values, list values as value ids. */
  async function attributes(key: string, who = account): Promise<Record<string, string>> {
    const res = await getContactWithValueIds({ client: t.sdk(who), path: { contactKey: key } });
    expect(res.response.status).toBe(200);
    return Object.fromEntries(
      ((res.data?.[0]?.attributes ?? []) as Attributes).map((a) => [a.fieldName, a.fieldValue]),
    );
  }

  it('imports the Windows-1252 Excel export: accents kept, lost leading zero restored, dd/mm/yyyy dates, bad rows reported', async () => {
    const res = await upload(account, 'excel-fr-cp1252.csv', {
      name: 'Export Excel',
      matchings: JSON.stringify(CP1252_MATCHINGS),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ Name: 'Export Excel', Status: 'pending', LineRead: 0 });
    expect(res.body.StartDate).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const done = await finishedOperation(account, res.body.Id as number);
    expect(done).toMatchObject({ Status: 'done', LineRead: 5, LineAdd: 3, LineUpdate: 0, LineImport: 3, LineError: 2 });

    expect(await attributes('helene.beranger@orange.fr')).toMatchObject({
      firstname: 'Hélène',
      lastname: 'Béranger',
      mobile: '+33612345678',
      birthdate: '1981-02-03',
      city: 'Paris',
      importcreation: String(done.Id),
    });
    expect(await attributes('francois.lefevre@free.fr')).toMatchObject({
      firstname: 'François',
      mobile: '+33698765432',
    });
    // The typo domain is only flagged; 07 12… is not an allocated French mobile range, so that number is left out.
    const zoe = await attributes('zoe.mercier@gmial.com');
    expect(zoe).toMatchObject({ firstname: 'Zoé', birthdate: '1990-12-31' });
    expect(zoe.mobile).toBeUndefined();

    const entry = await archive(t, account, done.Link as string);
    expect(entry('excel-fr-cp1252.csv').equals(readFileSync(fixture('excel-fr-cp1252.csv')))).toBe(true);
    const lines = reportLines(entry);
    expect(lines[0]).toBe('line;reasons;Prénom;Nom;Adresse e-mail;Mobile;Code postal;Ville;Date de naissance');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^5;row\.missing_key: .*;Noël;Garçon;;06 11 22 33 44;/);
    expect(lines[2]).toMatch(/^6;"email\.syntax: .*";Agnès;Dubœuf;agnes@@laposte\.net;/);
  });

  it('reads the xlsx example: typo domain flagged but imported, broken address rejected, keyless row ignored, groups created', async () => {
    const res = await upload(account, 'espace-pro-clients.xlsx', {
      matchings: JSON.stringify(['firstname', 'lastname', 'email', 'mobile', 'groups']),
    });
    expect(res.status).toBe(201);
    const done = await finishedOperation(account, res.body.Id as number);
    expect(done).toMatchObject({ Status: 'done', LineRead: 6, LineAdd: 4, LineError: 2 });
    expect(await attributes('jdupond@hotmial.fr')).toMatchObject({ firstname: 'Jean' });
    expect(await attributes('ab@kiween.com')).toMatchObject({ mobile: '+33612345678' });
    const groups = await t.http.get('/api/rest/v4/groups').set('Authorization', account.auth);
    expect((groups.body as { name: string; contactCount: number }[]).map((g) => [g.name, g.contactCount])).toEqual(
      expect.arrayContaining([
        ['pro', 2],
        ['vip', 1],
        ['salon 2019', 1],
      ]),
    );
    const lines = reportLines(await archive(t, account, done.Link as string));
    expect(lines.slice(1).map((l) => l.split(';')[0])).toEqual(['5', '7']);
    expect(lines[1]).toContain('email.syntax');
    expect(lines[2]).toContain('row.missing_key');
  });

  it('sets multi-select values from X columns and rejects an unknown single-select value unless the field accepts new ones', async () => {
    const stones = await createContactField({
      client: client(),
      body: { name: 'Pierres', format: 'MultipleSelection' },
    });
    const stonesId = stones.data!.id;
    const values: Record<string, number> = {};
    for (const text of ['Perle', 'Diamant', 'Agathe']) {
      const v = await createContactFieldValue({ client: client(), path: { id: stonesId }, body: { text } });
      values[text] = v.data!.id;
    }
    const member = await createContactField({
      client: client(),
      body: { name: 'Adhérent', format: 'SingleSelection' },
    });
    const memberId = member.data!.id;
    for (const text of ['Oui', 'Non']) {
      await createContactFieldValue({ client: client(), path: { id: memberId }, body: { text } });
    }
    const matchings = [
      'email',
      'firstname',
      'lastname',
      String(stonesId),
      String(stonesId),
      String(stonesId),
      String(memberId),
    ];
    const first = await finishedOperation(
      account,
      (await upload(account, 'liste-valeurs-x.csv', { matchings: JSON.stringify(matchings) })).body.Id as number,
    );
    expect(first).toMatchObject({ Status: 'done', LineRead: 4, LineAdd: 4, LineError: 0 });
    const two = await attributes('email2@domaine.com');
    expect(two[String(stonesId)].split(',').map(Number).sort()).toEqual([values.Perle, values.Diamant].sort());
    const four = await attributes('email4@domaine.com');
    expect(four[String(stonesId)].split(',').map(Number).sort()).toEqual(Object.values(values).sort());
    expect(four[String(memberId)]).toBeUndefined();

    await t.http
      .put('/api/rest/v4/account/contactattribute')
      .set('Authorization', account.auth)
      .send({ id: memberId, options: 'true' })
      .expect(200);
    const second = await finishedOperation(
      account,
      (await upload(account, 'liste-valeurs-x.csv', { matchings: JSON.stringify(matchings) })).body.Id as number,
    );
    expect(second).toMatchObject({ Status: 'done', LineRead: 4, LineAdd: 0, LineUpdate: 4 });
    const listed = await t.http
      .get(`/api/rest/v4/account/contactattribute/value/${memberId}`)
      .set('Authorization', account.auth);
    const maybe = (listed.body as { id: number; text: string }[]).find((v) => v.text === 'Peut-être');
    expect(maybe).toBeDefined();
    expect((await attributes('email4@domaine.com'))[String(memberId)]).toBe(String(maybe!.id));
  });

  it('imports the SMS file on an account keyed by mobile, with opt-ins and groups', async () => {
    const sms = await t.createAccount('SMS sender');
    await t.http
      .put('/api/rest/v4/account/settingsattribute')
      .set('Authorization', sms.auth)
      .send({ attributeType: { uniquenessKey: 'mobile' } })
      .expect(200);
    const res = await upload(sms, 'sms-contacts.csv', {
      matchings: JSON.stringify(['firstname', 'lastname', 'mobile', 'email', 'mobileoptin', 'groups']),
    });
    expect(res.status).toBe(201);
    const done = await finishedOperation(sms, res.body.Id as number);
    // 07700 900123 is the UK's fictional (drama) range and 12345 is no number: both rows are rejected.
    expect(done).toMatchObject({ Status: 'done', LineRead: 4, LineAdd: 2, LineError: 2 });
    expect(await attributes('+351912345678', sms)).toMatchObject({
      firstname: 'Ana',
      mobileoptin: 'yes',
      email: 'ana@example.pt',
    });
    expect(await attributes('+41791234567', sms)).toMatchObject({ firstname: 'Lea', mobileoptin: 'no' });
    const lines = reportLines(await archive(t, sms, done.Link as string));
    expect(lines.slice(1).map((l) => l.split(';')[0])).toEqual(['3', '5']);
    expect(lines[1]).toContain('mobile.invalid');
    const groups = await t.http.get('/api/rest/v4/groups').set('Authorization', sms.auth);
    expect(
      (groups.body as { name: string; contactCount: number }[]).map((g) => [g.name, g.contactCount]).sort(),
    ).toEqual([
      ['clients', 1],
      ['portugal', 1],
    ]);
  });

  it('never resubscribes an unsubscribed contact, and counts it', async () => {
    await upsertContact({
      client: client(),
      body: { contactKey: 'sticky@example.com', attributes: [{ fieldName: 'emailoptin', fieldValue: 'no' }] },
    });
    const file = Buffer.from('email;emailoptin;firstname\nsticky@example.com;yes;Sticky\n');
    const done = await finishedOperation(
      account,
      (await upload(account, file, { matchings: '["email","emailoptin","firstname"]' })).body.Id as number,
    );
    expect(done).toMatchObject({ Status: 'done', LineUpdate: 1, LineKeptOptOut: 1 });
    expect(await attributes('sticky@example.com')).toMatchObject({ emailoptin: 'no', firstname: 'Sticky' });
  });

  it('gives an existing contact the opt-out kept for a mobile the file brings, and counts it', async () => {
    await upsertContact({
      client: client(),
      body: {
        contactKey: 'former@example.com',
        attributes: [
          { fieldName: 'mobile', fieldValue: '0622334455' },
          { fieldName: 'mobileoptin', fieldValue: 'no' },
        ],
      },
    });
    await deleteContact({ client: client(), path: { contactKey: 'former@example.com' } });
    await upsertContact({ client: client(), body: { contactKey: 'heir@example.com', attributes: [] } });
    await upsertContact({ client: client(), body: { contactKey: 'heir2@example.com', attributes: [] } });
    const file = Buffer.from(
      'email;mobile;mobileoptin\nheir@example.com;06 22 33 44 55;yes\nheir2@example.com;0622334455;\n',
    );
    const done = await finishedOperation(
      account,
      (await upload(account, file, { matchings: '["email","mobile","mobileoptin"]' })).body.Id as number,
    );
    expect(done).toMatchObject({ Status: 'done', LineUpdate: 2, LineKeptOptOut: 1 });
    expect(await attributes('heir@example.com')).toMatchObject({ mobile: '+33622334455', mobileoptin: 'no' });
    expect(await attributes('heir2@example.com')).toMatchObject({ mobile: '+33622334455', mobileoptin: 'no' });
  });

  it('resolves duplicates within the file: the later row wins and is counted', async () => {
    const rows = [
      'email;firstname;city',
      'dup@example.com;First;Paris',
      'other@example.com;Other;',
      'DUP@example.com;Second;',
    ];
    const done = await finishedOperation(
      account,
      (await upload(account, Buffer.from(rows.join('\n')), { matchings: '["email","firstname","city"]' })).body
        .Id as number,
    );
    expect(done).toMatchObject({ Status: 'done', LineRead: 3, LineAdd: 2, LineDuplicate: 1, LineError: 0 });
    expect(await attributes('dup@example.com')).toMatchObject({ firstname: 'Second', city: 'Paris' });
  });

  it('answers precise 4xx for bad files and bad matchings', async () => {
    const bad = async (file: Buffer | string, fields: Record<string, string>, name?: string) => {
      const res = await upload(account, file, fields, name);
      return { status: res.status, message: String(res.body.message) };
    };
    const m = { matchings: '["email","firstname"]' };
    expect(await bad(Buffer.alloc(0), m)).toMatchObject({ status: 400, message: expect.stringMatching(/empty/i) });
    expect(await bad(Buffer.from('email;firstname\n'), m)).toMatchObject({
      status: 400,
      message: expect.stringMatching(/no data row/i),
    });
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    expect((await bad(junk, m, 'junk.csv')).status).toBe(400);
    const file = Buffer.from('email;firstname;city\na@example.com;A;Paris\n');
    expect(await bad(file, m)).toEqual({
      status: 400,
      message: 'The file has 3 columns but matchings has 2 entries; send one entry per column ("" to ignore a column)',
    });
    expect(await bad(file, { matchings: '["email","firstname","999999"]' })).toMatchObject({
      status: 400,
      message: expect.stringContaining('field id 999999'),
    });
    expect(await bad(file, { matchings: '["firstname","lastname","city"]' })).toMatchObject({
      status: 400,
      message: expect.stringContaining("email, this account's uniqueness key"),
    });
    expect(
      await bad(file, { ...{ matchings: '["email","firstname","city"]' }, duplicateOption: 'allowdup' }),
    ).toMatchObject({
      status: 400,
      message: expect.stringContaining('allowDuplicates'),
    });
    expect(await bad(file, { matchings: 'email' })).toMatchObject({ status: 400 });
    expect(await bad(file, { matchings: '["email","firstname","city"]' }, 'contacts.pdf')).toMatchObject({
      status: 400,
      message: expect.stringContaining('.csv'),
    });
    const missing = await t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', account.auth)
      .field('matchings', '["email"]');
    expect(missing.status).toBe(400);
  });

  it('resumes an import whose worker died after the last committed line, with exact counts', async () => {
    const file = Buffer.from(
      'email;firstname\nr1@example.com;A\nr2@example.com;B\nr3@example.com;C\nR1@example.com;D\n',
    );
    const done = await finishedOperation(
      account,
      (await upload(account, file, { matchings: '["email","firstname"]' })).body.Id as number,
    );
    expect(done).toMatchObject({ LineRead: 4, LineAdd: 3, LineDuplicate: 1 });
    // As if the process had died after committing the batch that ended at line 3 (header, r1, r2).
    const db = t.database.dataSource;
    await db.query(`DELETE FROM contact WHERE account_id = $1 AND unique_key IN ('r3@example.com')`, [account.id]);
    await db.query(`UPDATE contact SET firstname = 'A' WHERE account_id = $1 AND unique_key = 'r1@example.com'`, [
      account.id,
    ]);
    await db.query(
      `UPDATE import_operation SET status = 'running', heartbeat_at = now() - interval '1 hour', resume_line = 3,
         line_read = 2, line_add = 2, line_duplicate = 0, finished_at = NULL WHERE id = $1`,
      [done.Id],
    );
    expect(await t.app.get(ImportRunner).requeueStale()).toContain(done.Id);
    const resumed = await finishedOperation(account, done.Id as number);
    expect(resumed).toMatchObject({
      Status: 'done',
      LineRead: 4,
      LineAdd: 3,
      LineUpdate: 0,
      LineDuplicate: 1,
      LineError: 0,
    });
    expect(await attributes('r3@example.com')).toMatchObject({ firstname: 'C' });
    expect(await attributes('r1@example.com')).toMatchObject({ firstname: 'D' });
  });

  it('queues an operation recorded but never sent (the process died in between), and a job only once', async () => {
    const file = Buffer.from('email;firstname\np1@example.com;A\np2@example.com;B\n');
    const first = await finishedOperation(
      account,
      (await upload(account, file, { matchings: '["email","firstname"]' })).body.Id as number,
    );
    expect(first).toMatchObject({ Status: 'done', LineAdd: 2 });
    // As if the process had died after recording the operation and before sending its job.
    const db = t.database.dataSource;
    await db.query(`DELETE FROM contact WHERE account_id = $1 AND unique_key IN ('p1@example.com', 'p2@example.com')`, [
      account.id,
    ]);
    await db.query(
      `UPDATE import_operation SET status = 'pending', created_at = now() - interval '1 hour', heartbeat_at = NULL,
         started_at = NULL, finished_at = NULL, attempts = 0, resume_line = 0, line_read = 0, line_add = 0
       WHERE id = $1`,
      [first.Id],
    );
    const runner = t.app.get(ImportRunner);
    // Two sweeps at once (two instances): the operation is sent by both, and runs once.
    const sweeps = await Promise.all([runner.requeueStale(), runner.requeueStale()]);
    expect(sweeps.map((ids) => ids.includes(first.Id as number))).toEqual([true, true]);
    const done = await finishedOperation(account, first.Id as number);
    expect(done).toMatchObject({ Status: 'done', LineRead: 2, LineAdd: 2, LineUpdate: 0 });
    expect(await attributes('p2@example.com')).toMatchObject({ firstname: 'B' });
    // Each job names its operation as pg-boss singleton key, on a queue keeping one waiting job per key.
    const jobs: { key: string | null; policy: string }[] = await db.query(
      `SELECT singleton_key AS key, policy FROM pgboss.job WHERE name = 'contact-import' AND data->>'operationId' = $1`,
      [String(first.Id)],
    );
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(jobs.map((j) => `${j.key} ${j.policy}`))).toEqual(new Set([`operation-${first.Id} short`]));
  });

  it('refuses a password-protected workbook and a zip bomb named .xlsx with a 400 that says what to do', async () => {
    const secret = await upload(account, encryptedWorkbook(), { matchings: '["email"]' }, 'secret.xlsx');
    expect(secret.status).toBe(400);
    expect(secret.body.message).toMatch(/password/i);
    const zeros = 60 * 1024 * 1024;
    const bomb = zipArchive([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>'), uncompressedSize: 8, method: 0 },
      { name: 'xl/worksheets/sheet1.xml', data: deflateRawSync(Buffer.alloc(zeros)), uncompressedSize: zeros },
    ]);
    const refused = await upload(account, bomb, { matchings: '["email"]' }, 'clients.xlsx');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('sheet1.xml');
  });

  it('keeps answering /health while a large workbook is parsed in its worker', async () => {
    const rows = [['email', 'firstname']];
    for (let i = 0; i < 20_000; i++) rows.push([`big${i}@example.com`, `Name ${i}`]);
    const file = workbook({ Contacts: utils.aoa_to_sheet(rows) });
    const created = await upload(account, file, { matchings: '["email","firstname"]' }, 'big.xlsx');
    expect(created.status).toBe(201);
    let answeredWhileParsing = 0;
    for (let i = 0; i < 2000; i++) {
      const health = await t.http.get('/health');
      expect(health.status).toBe(200);
      const state = (
        await t.http.get(`/api/rest/v4/contacts/import/${created.body.Id}`).set('Authorization', account.auth)
      ).body as Operation;
      if (state.Status === 'running' && state.LineRead === 0) answeredWhileParsing++;
      if (state.Status === 'done') break;
    }
    expect(answeredWhileParsing).toBeGreaterThan(2);
    expect(await finishedOperation(account, created.body.Id as number)).toMatchObject({
      Status: 'done',
      LineAdd: 20_000,
    });
  });

  it('records each imported contact in its history with the fields and groups the file set', async () => {
    const file = Buffer.from('email;firstname;groups\nhistoried@example.com;Ada;clients, vip\n');
    const res = await upload(account, file, { matchings: '["email","firstname","groups"]' }, 'history.csv');
    const done = await finishedOperation(account, res.body.Id as number);
    expect(done).toMatchObject({ Status: 'done', LineAdd: 1 });
    const history = await getContactHistory({
      client: client(),
      path: { contactKey: 'historied@example.com', size: 5 },
    });
    expect(history.data?.logs).toEqual([
      expect.objectContaining({
        Type: 'creation',
        Object: 'email, firstname, groups',
        Title: `Created by import ${done.Id}`,
        Group: 'import',
        OperationId: done.Id,
      }),
    ]);
  });

  it('keeps the latest 100 imports of an account, removing older ones (their contacts stay)', async () => {
    const owner = await t.createAccount('History cap');
    const db = t.database.dataSource;
    await db.query(
      `INSERT INTO import_operation (account_id, kind, name, status, settings, file_id, file_name, file_hash)
       SELECT $1, 'import', 'old ' || n, 'done', '{}'::jsonb, gen_random_uuid(), 'old.csv', '' FROM generate_series(1, 100) n`,
      [owner.id],
    );
    const latest = await finishedOperation(
      owner,
      (await upload(owner, Buffer.from('email\nkept@example.com\n'), { matchings: '["email"]' })).body.Id as number,
    );
    const history = (await t.http.get('/api/rest/v4/contacts/import').set('Authorization', owner.auth))
      .body as Operation[];
    expect(history).toHaveLength(100);
    expect(history[0].Id).toBe(latest.Id);
    expect(history.map((o) => o.Name)).not.toContain('old 1');
    const [{ count }]: { count: number }[] = await db.query(
      `SELECT count(*)::int AS count FROM import_operation WHERE account_id = $1`,
      [owner.id],
    );
    expect(count).toBe(100);
    expect(await attributes('kept@example.com', owner)).toMatchObject({ email: 'kept@example.com' });
  });

  it('honours duplicateOption: disallowdup adds only new contacts, allowdup adds every row', async () => {
    const owner = await t.createAccount('Duplicate options');
    await upsertContact({
      client: t.sdk(owner),
      body: { contactKey: 'known@example.com', attributes: [{ fieldName: 'firstname', fieldValue: 'Known' }] },
    });
    const file = Buffer.from('email;firstname\nknown@example.com;Changed\nnew@example.com;New\n');
    const addOnly = await finishedOperation(
      owner,
      (await upload(owner, file, { matchings: '["email","firstname"]', duplicateOption: 'disallowdup' })).body
        .Id as number,
    );
    expect(addOnly).toMatchObject({ Status: 'done', LineRead: 2, LineAdd: 1, LineUpdate: 0 });
    expect(await attributes('known@example.com', owner)).toMatchObject({ firstname: 'Known' });
    expect(await attributes('new@example.com', owner)).toMatchObject({ firstname: 'New' });

    await t.http
      .put('/api/rest/v4/account/settingsattribute')
      .set('Authorization', owner.auth)
      .send({ attributeType: { allowDuplicates: true } })
      .expect(200);
    const always = await finishedOperation(
      owner,
      (await upload(owner, file, { matchings: '["email","firstname"]', duplicateOption: 'allowdup' })).body
        .Id as number,
    );
    expect(always).toMatchObject({ Status: 'done', LineRead: 2, LineAdd: 2 });
    const copies = await t.http.get('/api/rest/v4/contacts?email=known@example.com').set('Authorization', owner.auth);
    expect(copies.status).toBe(200);
    expect((copies.body as { contacts: unknown[] }).contacts).toHaveLength(2);
  });

  it('keeps imports private to their account', async () => {
    const res = await upload(account, Buffer.from('email\nmine@example.com\n'), { matchings: '["email"]' });
    const done = await finishedOperation(account, res.body.Id as number);
    for (const path of [`/contacts/import/${done.Id}`, `/contacts/import/file/import-${done.Id}.zip`]) {
      const foreign = await t.http.get(`/api/rest/v4${path}`).set('Authorization', other.auth);
      expect(foreign.status).toBe(404);
    }
    expect(
      (await t.http.delete(`/api/rest/v4/contacts/import/${done.Id}`).set('Authorization', other.auth)).status,
    ).toBe(404);
    const history = await t.http.get('/api/rest/v4/contacts/import').set('Authorization', other.auth);
    expect(history.body).toEqual([]);
    const mine = await t.http.get('/api/rest/v4/contacts/import').set('Authorization', account.auth);
    expect((mine.body as Operation[])[0].Id).toBe(done.Id);
    await t.http.delete(`/api/rest/v4/contacts/import/${done.Id}`).set('Authorization', account.auth).expect(204);
    expect(
      (await t.http.get(`/api/rest/v4/contacts/import/${done.Id}`).set('Authorization', account.auth)).status,
    ).toBe(404);
    expect(await attributes('mine@example.com')).toMatchObject({ email: 'mine@example.com' });
  });

  it('purges the contacts a file lists and remembers their opt-outs', async () => {
    await upsertContact({
      client: client(),
      body: { contactKey: 'gone@example.com', attributes: [{ fieldName: 'emailoptin', fieldValue: 'no' }] },
    });
    await upsertContact({ client: client(), body: { contactKey: 'gone2@example.com', attributes: [] } });
    const res = await t.http
      .post('/api/rest/v4/contacts/purge/add')
      .set('Authorization', account.auth)
      .field('keyColumn', '1')
      .attach(
        'file',
        Buffer.from('email\ngone@example.com\nGONE2@example.com\nnobody@example.com\nnot-an-email\n'),
        'purge.csv',
      );
    expect(res.status).toBe(201);
    let purge: Operation = res.body as Operation;
    for (let i = 0; i < 300 && !['done', 'failed'].includes(purge.Status as string); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      purge = (await t.http.get(`/api/rest/v4/contacts/purge/${purge.Id}`).set('Authorization', account.auth))
        .body as Operation;
    }
    expect(purge).toMatchObject({ Status: 'done', LineRead: 4, LineDelete: 2, LineNotFound: 1, LineError: 1 });
    expect((await getContact({ client: client(), path: { contactKey: 'gone@example.com' } })).response.status).toBe(
      404,
    );
    const back = await finishedOperation(
      account,
      (
        await upload(account, Buffer.from('email;emailoptin\ngone@example.com;yes\n'), {
          matchings: '["email","emailoptin"]',
        })
      ).body.Id as number,
    );
    expect(back).toMatchObject({ LineAdd: 1, LineKeptOptOut: 1 });
    expect(await attributes('gone@example.com')).toMatchObject({ emailoptin: 'no' });
  });
});

describe('imports: upload limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MAX_UPLOAD_MB: '1' });
  });
  afterAll(async () => t.close());

  it('refuses a file over MAX_UPLOAD_MB with 413', async () => {
    const account = await t.createAccount('Limit');
    const big = Buffer.alloc(1024 * 1024 + 10, 'a');
    const res = await t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', account.auth)
      .field('matchings', '["email"]')
      .attach('file', big, 'big.csv');
    expect(res.status).toBe(413);
    expect(res.body.message).toContain('1 MB upload limit');
  });
});

describe('imports with rows checked on a second thread', () => {
  let t: TestApp;
  let account: TestAccount;

  beforeAll(async () => {
    // Every file, however small, has its rows checked by the row reading thread.
    t = await startTestApp({ IMPORT_ROW_THREAD_MIN_MB: '0' });
    account = await t.createAccount('Imports on a second thread');
  });
  afterAll(async () => t.close());

  const upload = (file: Buffer, name: string, matchings: string[]) =>
    t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', account.auth)
      .field('matchings', JSON.stringify(matchings))
      .attach('file', file, name);

  it('imports a fixture with the same counts and values as on the import thread', async () => {
    const res = await upload(readFileSync(fixture('excel-fr-cp1252.csv')), 'excel-fr-cp1252.csv', CP1252_MATCHINGS);
    expect(res.status).toBe(201);
    expect(await t.finished(account, res.body.Id as number)).toMatchObject({
      Status: 'done',
      LineRead: 5,
      LineAdd: 3,
      LineError: 2,
    });
    const contact = await getContact({ client: t.sdk(account), path: { contactKey: 'helene.beranger@orange.fr' } });
    expect(
      Object.fromEntries(((contact.data?.[0]?.attributes ?? []) as Attributes).map((a) => [a.fieldName, a.fieldValue])),
    ).toMatchObject({ firstname: 'Hélène', mobile: '+33612345678', birthdate: '1981-02-03' });
    // The thread sends back the cells of the rejected rows only: the report still quotes them.
    const errors = reportLines(
      await archive(t, account, `/api/rest/v4/contacts/import/file/import-${res.body.Id as number}.zip`),
    );
    expect(errors).toHaveLength(3);
    expect(errors[1]).toMatch(/^5;row\.missing_key: .*;Noël;Garçon;;06 11 22 33 44;/);
    expect(errors[2]).toMatch(/^6;"email\.syntax: .*";Agnès;Dubœuf;agnes@@laposte\.net;/);
  });

  it('keeps rows in order across chunks and batches: rejections, the later duplicate, every contact', async () => {
    const lines = ['email;firstname'];
    for (let i = 0; i < 45_000; i++) lines.push(`${i % 1000 === 999 ? 'bad' : `t${i}@example.com`};N${i}`);
    lines.push('t0@example.com;Last');
    const res = await upload(Buffer.from(lines.join('\n')), 'threaded.csv', ['email', 'firstname']);
    expect(res.status).toBe(201);
    expect(await t.finished(account, res.body.Id as number)).toMatchObject({
      Status: 'done',
      LineRead: 45_001,
      LineAdd: 44_955,
      LineDuplicate: 1,
      LineError: 45,
    });
    const first = await getContact({ client: t.sdk(account), path: { contactKey: 't0@example.com' } });
    expect((first.data?.[0]?.attributes as Attributes).find((a) => a.fieldName === 'firstname')?.fieldValue).toBe(
      'Last',
    );
    const [{ count }] = await t.database.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM contact WHERE account_id = $1 AND email LIKE 't%@example.com'`,
      [account.id],
    );
    expect(count).toBe(44_955);
  });
});
