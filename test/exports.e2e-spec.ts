import { parse } from 'csv-parse/sync';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CFB } from '@e965/xlsx';
import {
  addGroupContacts,
  createContactField,
  createContactFieldValue,
  createExport,
  createGroup,
  createSegment,
  deleteExport,
  downloadExport,
  getExport,
  getExportFields,
  listExports,
  upsertContacts,
} from '../sdk';
import { ExportRunner } from '../src/modules/exports/export-runner';
import { readSheetRows } from '../src/modules/imports/reading/workbook-reader';
import { startTestApp, TestAccount, TestApp } from './harness';

type Operation = Record<string, unknown> & { Id: number; Status: string; TotalContact: number; Link: string };

const V4 = '/api/rest/v4';
const DEFAULT_HEADERS = [
  'Prénom',
  'Nom',
  'Raison Sociale',
  'Adresse Email',
  'Opt-In Email',
  'Statut Email',
  'Mobile (pour SMS)',
  'Opt-In SMS',
  'Statut Mobile',
  'Contact ajouté le',
  'Contact Modifié le',
  "Degré d'activité du contact",
];
const FORMULA = '=HYPERLINK("http://evil.example","clic")';

const binary = (res: import('supertest').Request) =>
  res.buffer(true).parse((response, callback) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => callback(null, Buffer.concat(chunks)));
  });

describe('exports', () => {
  let t: TestApp;
  let account: TestAccount;
  let other: TestAccount;
  let work: string;
  const ids: Record<string, number> = {};

  /** POST /contacts/export/add exactly as a v4 client sends it. */
  const v4Export = (who: TestAccount, body: Record<string, unknown>) =>
    t.http
      .post(`${V4}/contacts/export/add`)
      .set('Authorization', who.auth)
      .set('Accept', 'application/json')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body, null, 2));

  async function finished(who: TestAccount, id: number): Promise<Operation> {
    for (let i = 0; i < 600; i++) {
      const res = await t.http
        .get(`${V4}/contacts/export/${id}`)
        .set('Authorization', who.auth)
        .set('Accept', 'application/json')
        .set('Content-Type', 'application/json');
      expect(res.status).toBe(200);
      const body = res.body as Operation;
      if (!['pending', 'running'].includes(body.Status)) return body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`export ${id} did not finish`);
  }

  /** The single file inside the zip behind an export's Link, downloaded as a v4 client does. */
  async function archived(who: TestAccount, operation: Operation): Promise<{ name: string; content: Buffer }> {
    const res = await binary(
      t.http
        .get(operation.Link)
        .set('Authorization', who.auth)
        .set('Accept', 'application/zip')
        .set('Content-Type', 'application/json'),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const zip = CFB.read(res.body as Buffer, { type: 'buffer' });
    const files = zip.FileIndex.filter((entry: { name: string }) => /^export-\d+\.(csv|xlsx)$/.test(entry.name));
    expect(files).toHaveLength(1);
    return { name: files[0].name, content: Buffer.from(files[0].content as Uint8Array) };
  }

  /** Runs a v4 export to its end and answers its operation and CSV records (header first). */
  async function v4Csv(body: Record<string, unknown>, who = account, separator = ';') {
    const res = await v4Export(who, body);
    expect(res.status).toBe(201);
    const operation = await finished(who, (res.body as Operation).Id);
    expect(operation.Status).toBe('done');
    const { content } = await archived(who, operation);
    expect(content.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const records: string[][] = parse(content, { bom: true, delimiter: separator });
    expect(records.length - 1).toBe(operation.TotalContact);
    return { operation, records };
  }

  const emailsOf = (records: string[][], column: string) => {
    const at = records[0].indexOf(column);
    return records
      .slice(1)
      .map((r) => r[at])
      .sort();
  };

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Exports');
    other = await t.createAccount('Exports, other tenant');
    work = mkdtempSync(join(tmpdir(), 'carnet-export-test-'));
    const client = t.sdk(account);
    const field = async (name: string, format: string) => {
      const res = await createContactField({ client, body: { name, format } as never });
      expect(res.response.status).toBe(201);
      return res.data!.id;
    };
    ids.city = await field('Ville natale', 'ShortText');
    ids.colour = await field('Couleur', 'SingleSelection');
    ids.hobbies = await field('Loisirs', 'MultipleSelection');
    ids.score = await field('Score', 'Number');
    for (const [fieldId, texts] of [
      [ids.colour, ['Rouge', 'Vert']],
      [ids.hobbies, ['Vélo', 'Rando', 'Lecture']],
    ] as const) {
      for (const text of texts) {
        const res = await createContactFieldValue({ client, path: { id: fieldId }, body: { text } });
        expect(res.response.status).toBe(201);
      }
    }
    const attrs = (values: Record<string, string>) =>
      Object.entries(values).map(([fieldName, fieldValue]) => ({ fieldName, fieldValue }));
    const contacts = [
      {
        contactKey: 'lea@example.com',
        attributes: attrs({
          firstname: 'Léa',
          lastname: 'Martin',
          companyname: FORMULA,
          emailoptin: 'yes',
          emailstatus: 'valid',
          mobile: '+33612345678',
          mobileoptin: 'yes',
          birthdate: '1990-02-28',
          [ids.city]: 'Nantes; centre',
          [ids.colour]: 'Rouge',
          [ids.hobbies]: 'Lecture, Vélo',
          [ids.score]: '-12.5',
        }),
      },
      { contactKey: 'bob@example.com', attributes: attrs({ firstname: 'Bob', emailoptin: 'no', emailstatus: 'soft' }) },
      {
        contactKey: 'chloe@example.com',
        attributes: attrs({
          firstname: 'Chloé',
          emailoptin: 'orange',
          emailstatus: 'baddomain',
          emailstatusdetail: '550 5.1.2 domain not found',
        }),
      },
      {
        contactKey: 'dan@example.com',
        attributes: attrs({ firstname: 'Dan', emailoptin: 'blocklist', emailstatus: 'badalias' }),
      },
      { contactKey: 'eve@example.com', attributes: attrs({ firstname: 'Eve', [ids.colour]: 'Vert' }) },
    ];
    const written = await upsertContacts({ client, body: contacts });
    expect(written.data).toMatchObject({ created: 5, failed: 0 });
    const byKey = Object.fromEntries(written.data!.results.map((r, i) => [contacts[i].contactKey, r.id as number]));
    const group = await createGroup({ client, body: { name: 'Clients fidèles' } });
    const second = await createGroup({ client, body: { name: 'Abonnés lettre' } });
    ids.group = group.data!.id;
    await addGroupContacts({
      client,
      path: { id: ids.group },
      body: { contactIds: [byKey['lea@example.com'], byKey['bob@example.com']] },
    });
    await addGroupContacts({ client, path: { id: second.data!.id }, body: { contactIds: [byKey['lea@example.com']] } });
    const foreign = await upsertContacts({
      client: t.sdk(other),
      body: [{ contactKey: 'zoe@other.example', attributes: [{ fieldName: 'firstname', fieldValue: 'Zoé' }] }] as never,
    });
    expect(foreign.data).toMatchObject({ created: 1 });
  });

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await t.close();
  });

  it('exports the whole base with the 12 main fields, French labels and words, as a v4 client asks', async () => {
    const { operation, records } = await v4Csv({ name: 'Base complète', fields: [] });
    expect(operation).toMatchObject({ Name: 'Base complète', Status: 'done', TotalContact: 5, Progress: 100 });
    expect(operation.Link).toBe(`${V4}/contacts/export/file/export-${operation.Id}.zip`);
    expect(records[0]).toEqual(DEFAULT_HEADERS);
    const rows = Object.fromEntries(records.slice(1).map((r) => [r[3], r]));
    expect(Object.keys(rows).sort()).toEqual([
      'bob@example.com',
      'chloe@example.com',
      'dan@example.com',
      'eve@example.com',
      'lea@example.com',
    ]);
    const lea = rows['lea@example.com'];
    expect(lea.slice(0, 9)).toEqual([
      'Léa',
      'Martin',
      `'${FORMULA}`,
      'lea@example.com',
      'Oui',
      'Valide',
      "'+33612345678",
      'Oui',
      'Inconnu',
    ]);
    expect(lea[9]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    expect(lea[11]).toBe('Inactif');
    expect(rows['bob@example.com'].slice(4, 6)).toEqual(['Non', 'Soft']);
    expect(rows['chloe@example.com'].slice(4, 6)).toEqual(['Liste orange', 'Mauvais domaine']);
    expect(rows['dan@example.com'].slice(4, 6)).toEqual(['Liste repoussoir', 'Mauvais alias']);
    expect(rows['eve@example.com'].slice(4, 6)).toEqual(['Oui', 'Inconnu']);
  });

  it('writes chosen fields in the order asked: list values as texts, group names, keys, ISO dates, another separator', async () => {
    const fields = ['email', String(ids.hobbies), 'groups', String(ids.colour), 'birthdate', String(ids.city)];
    const french = await v4Csv({ fields: [...fields, 'emailstatusdetail', String(ids.score)] });
    expect(french.records[0]).toEqual([
      'Adresse Email',
      'Loisirs',
      'Groupes',
      'Couleur',
      'Date de naissance',
      'Ville natale',
      'Détail du message de retour Email (Mauvaises Adresses NPAI)',
      'Score',
    ]);
    const lea = french.records.find((r) => r[0] === 'lea@example.com');
    expect(lea).toEqual([
      'lea@example.com',
      'Vélo, Lecture',
      'Abonnés lettre, Clients fidèles',
      'Rouge',
      '28/02/1990',
      'Nantes; centre',
      '',
      '-12.5',
    ]);
    expect(french.records.find((r) => r[0] === 'chloe@example.com')?.[6]).toBe('550 5.1.2 domain not found');
    expect(french.records.find((r) => r[0] === 'eve@example.com')?.slice(1, 4)).toEqual(['', '', 'Vert']);

    const keyed = await v4Csv(
      {
        fields: ['email', 'emailoptin', 'birthdate', 'creationdate', String(ids.hobbies)],
        headers: 'keys',
        values: 'keys',
        dates: 'iso',
        separator: ',',
      },
      account,
      ',',
    );
    expect(keyed.records[0]).toEqual(['email', 'emailoptin', 'birthdate', 'creationdate', String(ids.hobbies)]);
    const row = keyed.records.find((r) => r[0] === 'lea@example.com')!;
    expect(row.slice(0, 3)).toEqual(['lea@example.com', 'yes', '1990-02-28']);
    expect(row[3]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(row[4]).toBe('Vélo, Lecture');
  });

  it.each([
    [['emailingoptin'], ['eve@example.com', 'lea@example.com']],
    [['mobileoptin'], ['lea@example.com']],
    [['emailingoptout'], ['bob@example.com', 'chloe@example.com', 'dan@example.com']],
    [['emailingsoft'], ['bob@example.com']],
    [['emailinghard'], ['chloe@example.com', 'dan@example.com']],
    [
      ['EmailingOptOut', 'emailinghard'],
      ['chloe@example.com', 'dan@example.com'],
    ],
    [['mobileoptout'], []],
  ])('filters %j export exactly %j', async (filters, expected) => {
    const { records } = await v4Csv({ fields: ['email'], filters });
    expect(emailsOf(records, 'Adresse Email')).toEqual(expected);
  });

  it('exports a group or a segment named by its description, filters narrowing it; 404 for another account', async () => {
    const group = await v4Csv({ description: `group:${ids.group}`, fields: ['email'] });
    expect(emailsOf(group.records, 'Adresse Email')).toEqual(['bob@example.com', 'lea@example.com']);
    const segment = await createSegment({
      client: t.sdk(account),
      body: {
        name: 'L ou B',
        tree: {
          any: [
            { field: 'firstname', op: 'startsWith', value: 'L' },
            { field: 'firstname', op: 'startsWith', value: 'b' },
          ],
        },
      },
    });
    expect(segment.response.status).toBe(201);
    const whole = await v4Csv({ description: `segment:${segment.data!.id}`, fields: ['email'] });
    expect(emailsOf(whole.records, 'Adresse Email')).toEqual(['bob@example.com', 'lea@example.com']);
    const narrowed = await v4Csv({
      description: `segment:${segment.data!.id}`,
      fields: ['email'],
      filters: ['emailingoptout'],
    });
    expect(emailsOf(narrowed.records, 'Adresse Email')).toEqual(['bob@example.com']);

    for (const description of [`group:${ids.group}`, `segment:${segment.data!.id}`, 'import:999999']) {
      const foreign = await v4Export(other, { description });
      expect(foreign.status).toBe(404);
    }
  });

  it('exports an ad-hoc criteria tree on its own path, and refuses a bad one', async () => {
    const created = await createExport({
      client: t.sdk(account),
      body: { source: { tree: { field: 'emailstatus', op: 'equals', value: 'baddomain' } }, fields: ['email'] },
    });
    expect(created.response.status).toBe(201);
    const done = await finished(account, created.data!.Id);
    expect(done).toMatchObject({ Status: 'done', TotalContact: 1 });
    const { content } = await archived(account, done);
    expect(content.toString('utf8')).toBe('\uFEFFAdresse Email\r\nchloe@example.com\r\n');
    const bad = await createExport({
      client: t.sdk(account),
      body: { source: { tree: { field: 'shoesize', op: 'equals', value: 3 } } },
    });
    expect(bad.response.status).toBe(400);
    const two = await createExport({ client: t.sdk(account), body: { source: { groupId: ids.group, importId: 1 } } });
    expect(two.response.status).toBe(400);
  });

  it('writes an XLSX the workbook reader reads back, formulas neutralised', async () => {
    const created = await createExport({
      client: t.sdk(account),
      body: { format: 'xlsx', fields: ['email', 'companyname', String(ids.score), String(ids.hobbies)] },
    });
    expect(created.response.status).toBe(201);
    const operation = await finished(account, created.data!.Id);
    expect(operation).toMatchObject({ Status: 'done', TotalContact: 5, Format: 'xlsx' });
    const { name, content } = await archived(account, operation);
    expect(name).toBe(`export-${operation.Id}.xlsx`);
    const path = join(work, name);
    writeFileSync(path, content);
    const { rows } = await readSheetRows(path, undefined);
    expect(rows[0].cells).toEqual(['Adresse Email', 'Raison Sociale', 'Score', 'Loisirs']);
    expect(rows).toHaveLength(6);
    expect(rows.find((r) => r.cells[0] === 'lea@example.com')?.cells).toEqual([
      'lea@example.com',
      `'${FORMULA}`,
      '-12.5',
      'Vélo, Lecture',
    ]);
  });

  it('serves its own paths through the SDK: create, list, get, download, delete, field catalogue', async () => {
    const client = t.sdk(account);
    const catalogue = await getExportFields({ client });
    expect(catalogue.response.status).toBe(200);
    const keys = catalogue.data!.fields.map((f) => f.key);
    expect(keys).toEqual(expect.arrayContaining(['firstname', 'emailstatusdetail', String(ids.colour), 'groups']));
    expect(catalogue.data!.fields.filter((f) => f.default).map((f) => f.label)).toEqual(
      expect.arrayContaining(DEFAULT_HEADERS),
    );
    expect(catalogue.data!.fields.find((f) => f.key === 'emailoptin')?.words).toMatchObject({ orange: 'Liste orange' });
    expect(catalogue.data!.filters).toContain('emailinghard');

    const created = await createExport({
      client,
      body: { name: 'Groupe', source: { groupId: ids.group }, fields: ['email', 'firstname'], separator: 'tab' },
    });
    expect(created.response.status).toBe(201);
    const done = await finished(account, created.data!.Id);
    expect(done.TotalContact).toBe(2);
    const got = await getExport({ client, path: { id: done.Id } });
    expect(got.data).toMatchObject({ Id: done.Id, Status: 'done', Fields: ['email', 'firstname'] });
    const listed = await listExports({ client });
    expect(listed.data?.[0]?.Id).toBe(done.Id);
    const file = await downloadExport({ client, path: { id: done.Id }, parseAs: 'arrayBuffer' });
    expect(file.response.status).toBe(200);
    const text = Buffer.from(file.data as unknown as ArrayBuffer).toString('utf8');
    expect(text.replace(/^\uFEFF/, '').split('\r\n')).toEqual([
      'Adresse Email\tPrénom',
      'lea@example.com\tLéa',
      'bob@example.com\tBob',
      '',
    ]);
    expect((await deleteExport({ client, path: { id: done.Id } })).response.status).toBe(204);
    expect((await getExport({ client, path: { id: done.Id } })).response.status).toBe(404);
  });

  it.each([
    [{ fields: ['firstname', 'nickname', '999999'] }, /Unknown fields "nickname", "999999" in fields/],
    [{ fields: ['email', 'EMAIL'] }, /fields names "email" more than once/],
    [{ filters: ['emailingoptin', 'smsbounced'] }, /Unknown filter "smsbounced"; filters are emailingoptin/],
    [{ description: 'segment:douze' }, /must be segment:<id>, group:<id> or import:<id>/],
    [{ format: 'pdf' }, /format must be one of/],
  ])('refuses %j with a 400 naming the problem', async (body, message) => {
    const res = await v4Export(account, body);
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(message);
  });

  it("keeps each account's exports to itself", async () => {
    const res = await v4Export(account, { fields: ['email'] });
    const mine = await finished(account, (res.body as Operation).Id);
    const as = (path: string) => t.http.get(path).set('Authorization', other.auth).set('Accept', 'application/json');
    expect((await as(`${V4}/contacts/export/${mine.Id}`)).status).toBe(404);
    expect((await as(mine.Link)).status).toBe(404);
    expect((await as(`${V4}/exports/${mine.Id}/file`)).status).toBe(404);
    expect((await t.http.delete(`${V4}/contacts/export/${mine.Id}`).set('Authorization', other.auth)).status).toBe(404);
    const list = await as(`${V4}/contacts/export`);
    expect((list.body as Operation[]).map((o) => o.Id)).not.toContain(mine.Id);
    const theirs = await v4Csv({ fields: ['email'] }, other);
    expect(emailsOf(theirs.records, 'Adresse Email')).toEqual(['zoe@other.example']);
    expect((await finished(account, mine.Id)).Status).toBe('done');
  });

  it('removes files after the retention days and reruns an export whose worker died', async () => {
    const runner = t.app.get(ExportRunner);
    const res = await v4Export(account, { fields: ['email'] });
    const done = await finished(account, (res.body as Operation).Id);
    expect(await runner.removeExpiredFiles(new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThan(0);
    expect((await finished(account, done.Id)).Status).toBe('expired');
    const gone = await t.http.get(done.Link).set('Authorization', account.auth).set('Accept', 'application/zip');
    expect(gone.status).toBe(410);
    expect((gone.body as { message: string }).message).toMatch(/file was removed 30 days after/);

    // A worker that died mid-run: running, its heartbeat long gone, no job left.
    const db = t.database.dataSource;
    const [{ id }]: { id: number }[] = await db.query(
      `INSERT INTO export_operation (account_id, name, status, settings, attempts, heartbeat_at, started_at)
       SELECT account_id, 'Interrompu', 'running', settings, 1, now() - interval '1 hour', now() - interval '1 hour'
       FROM export_operation WHERE id = $1 RETURNING id::int AS id`,
      [done.Id],
    );
    expect(await runner.requeueStale()).toContain(id);
    const rerun = await finished(account, id);
    expect(rerun).toMatchObject({ Status: 'done', TotalContact: 5 });
  });

  it('counts TotalContact in the snapshot it writes, while an import adds contacts', async () => {
    const lines = ['email;firstname', ...Array.from({ length: 45_000 }, (_, i) => `bulk${i}@example.com;B${i}`)];
    const upload = await t.http
      .post(`${V4}/contacts/import/add`)
      .set('Authorization', account.auth)
      .field('matchings', JSON.stringify(['email', 'firstname']))
      .attach('file', Buffer.from(lines.join('\n')), 'bulk.csv');
    expect(upload.status).toBe(201);
    const importId = (upload.body as { Id: number }).Id;
    // Start the export once the import has committed a batch and goes on writing.
    let importState: Record<string, unknown> = {};
    for (let i = 0; i < 600; i++) {
      importState = (await t.http.get(`${V4}/contacts/import/${importId}`).set('Authorization', account.auth))
        .body as Record<string, unknown>;
      if ((importState.LineAdd as number) > 0 || importState.Status !== 'pending') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { operation, records } = await v4Csv({ fields: ['email'] });
    const emails = records.slice(1).map((r) => r[0]);
    expect(new Set(emails).size).toBe(emails.length);
    expect(operation.TotalContact).toBe(emails.length);
    expect(operation.TotalContact).toBeGreaterThanOrEqual(5);
    expect(operation.TotalContact).toBeLessThanOrEqual(5 + 45_000);
    const imported = await t.finished(account, importId);
    expect(imported).toMatchObject({ Status: 'done', LineAdd: 45_000 });
    const after = await v4Csv({ fields: ['email'] });
    expect(after.operation.TotalContact).toBe(45_005);
    const fromImport = await v4Csv({ description: `import:${importId}`, fields: ['email', 'firstname'] });
    expect(fromImport.operation.TotalContact).toBe(45_000);
    expect(fromImport.records[1]).toEqual(['bulk0@example.com', 'B0']);
  }, 300_000);
});
