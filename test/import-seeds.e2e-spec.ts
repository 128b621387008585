import * as XLSX from '@e965/xlsx';
import {
  chooseImportDraftSheet,
  confirmImportDraft,
  createContactField,
  createContactFieldValue,
  createGroup,
  createImportDraftFromText,
  downloadImportTemplate,
  getContact,
  getContactHistory,
  getGroup,
  getImport,
  listContacts,
  setImportDraftMatchings,
  upsertContact,
  uploadImportDraft,
  validateImportDraft,
  type ImportOperationDto,
} from '../sdk';
import { startTestApp, TestAccount, TestApp } from './harness';

/** The import wizard's seed features (seeds 001, 003, 004), driven through the generated SDK. */
describe('import wizard: pasted lists, template file, unsubscribe everyone, several groups', () => {
  let t: TestApp;
  let account: TestAccount;
  const client = () => t.sdk(account);

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Import seeds');
  });
  afterAll(async () => t.close());

  async function finished(id: number): Promise<ImportOperationDto> {
    for (let i = 0; i < 600; i++) {
      const res = await getImport({ client: client(), path: { id } });
      if (['done', 'failed', 'cancelled'].includes(res.data!.Status)) return res.data!;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`import ${id} did not finish`);
  }

  const valueOf = async (key: string, field: string) =>
    (await getContact({ client: client(), path: { contactKey: key } })).data?.[0]?.attributes.find(
      (a) => a.id === field,
    )?.fieldValue;

  it('validates a pasted list of 1,000 addresses, flagging exactly its 5 bad ones, and imports it into two groups', async () => {
    const domains = ['gmail.com', 'orange.fr', 'free.fr', 'laposte.net'];
    const separators = ['\n', ', ', '; ', ' ', '\r\n'];
    const bad = new Map([
      [101, 'pas-une-adresse'],
      [333, 'jean.dupont@gmail'],
      [500, '@orange.fr'],
      [777, 'marie..durand@free.fr'],
      [999, 'paul@@laposte.net'],
    ]);
    let text = '';
    for (let i = 0; i < 1000; i++) {
      const address = bad.get(i) ?? `contact${i}@${domains[i % domains.length]}`;
      const entry = i % 10 === 0 && !bad.has(i) ? `Prénom${i} Nom${i} <${address}>` : address;
      text += entry + separators[i % separators.length];
    }
    const draft = await createImportDraftFromText({ client: client(), body: { text } });
    expect(draft.response.status).toBe(201);
    expect(draft.data).toMatchObject({
      kind: 'delimited',
      headerLine: 1,
      matchings: ['email', 'firstname', 'lastname'],
    });
    expect(draft.data!.sheets[0].rowCount).toBe(1001);

    const validation = await validateImportDraft({
      client: client(),
      path: { id: draft.data!.id },
      body: { onlySuspicious: true, limit: 1000 },
    });
    expect(validation.data!.counts).toEqual({
      rows: 1000,
      valid: 995,
      warning: 0,
      error: 5,
      duplicate: 0,
      byCode: { 'email.syntax': 5 },
    });
    expect(validation.data!.rows.map((row) => [row.line, row.cells[0], row.findings.map((f) => f.code)])).toEqual(
      [...bad].map(([index, address]) => [index + 2, address, ['email.syntax']]),
    );

    const vip = (await createGroup({ client: client(), body: { name: 'VIP' } })).data!.id;
    const newsletter = (await createGroup({ client: client(), body: { name: 'Newsletter' } })).data!.id;
    const confirmed = await confirmImportDraft({
      client: client(),
      path: { id: draft.data!.id },
      body: { consent: true, groupIds: [vip, newsletter] },
    });
    expect(confirmed.response.status).toBe(201);
    expect(await finished(confirmed.data!.Id)).toMatchObject({
      Status: 'done',
      LineRead: 1000,
      LineAdd: 995,
      LineError: 5,
    });
    for (const id of [vip, newsletter]) {
      expect((await getGroup({ client: client(), path: { id } })).data?.contactCount).toBe(995);
    }
    expect(await valueOf('contact10@free.fr', 'firstname')).toBe('Prénom10');
    expect(await valueOf('contact10@free.fr', 'lastname')).toBe('Nom10');

    const empty = await createImportDraftFromText({ client: client(), body: { text: ' ,; \n' } });
    expect(empty.response.status).toBe(400);
    const unknownGroup = await createImportDraftFromText({ client: client(), body: { text: 'x@gmail.com' } });
    const refused = await confirmImportDraft({
      client: client(),
      path: { id: unknownGroup.data!.id },
      body: { consent: true, groupIds: [vip, 999999] },
    });
    expect(refused.response.status).toBe(404);
  });

  it('unsubscribes everyone in the file when asked, new and existing contacts alike, and says so in history', async () => {
    await upsertContact({
      client: client(),
      body: {
        contactKey: 'deja.abonne@gmail.com',
        attributes: [
          { fieldName: 'mobile', fieldValue: '06 11 22 33 44' },
          { fieldName: 'emailoptin', fieldValue: 'yes' },
        ],
      },
    });
    const draft = await createImportDraftFromText({
      client: client(),
      body: { text: 'deja.abonne@gmail.com\nBloque Moi <bloque.moi@orange.fr>' },
    });
    const confirmed = await confirmImportDraft({
      client: client(),
      path: { id: draft.data!.id },
      body: { consent: true, unsubscribe: { email: 'blocklist', sms: 'no' } },
    });
    const done = await finished(confirmed.data!.Id);
    expect(done).toMatchObject({ Status: 'done', LineAdd: 1, LineUpdate: 1 });
    for (const key of ['deja.abonne@gmail.com', 'bloque.moi@orange.fr']) {
      expect(await valueOf(key, 'emailoptin')).toBe('blocklist');
      expect(await valueOf(key, 'mobileoptin')).toBe('no');
      expect(await valueOf(key, 'emailunsubscriptionreason')).toBe(
        `import ${done.Id}: everyone in the file unsubscribed`,
      );
      expect(await valueOf(key, 'emailunsubscriptiondate')).toMatch(/^\d{4}-\d{2}-\d{2} /);
      const history = await getContactHistory({ client: client(), path: { contactKey: key, size: 1 } });
      expect(history.data?.logs[0]).toMatchObject({
        Group: 'import',
        OperationId: done.Id,
        Title: expect.stringContaining('everyone in the file unsubscribed: email blocklist, SMS no'),
      });
    }
    const bad = await confirmImportDraft({
      client: client(),
      path: { id: (await createImportDraftFromText({ client: client(), body: { text: 'a@gmail.com' } })).data!.id },
      body: { consent: true, unsubscribe: { email: 'yes' as never } },
    });
    expect(bad.response.status).toBe(400);
  });

  it('adds everyone to the groups named by the v4 call’s groups form field', async () => {
    const a = (await createGroup({ client: client(), body: { name: 'Salon A' } })).data!.id;
    const b = (await createGroup({ client: client(), body: { name: 'Salon B' } })).data!.id;
    const send = (groups: string) =>
      t.http
        .post('/api/rest/v4/contacts/import/add')
        .set('Authorization', account.auth)
        .field('matchings', '["email"]')
        .field('groups', groups)
        .attach('file', Buffer.from('email\nsalon1@gmail.com\nsalon2@gmail.com\n'), 'salon.csv');
    const res = await send(`${a},${b}`);
    expect(res.status).toBe(201);
    expect(await finished(res.body.Id as number)).toMatchObject({ Status: 'done', LineAdd: 2 });
    for (const id of [a, b]) {
      const members = await listContacts({ client: client(), query: { groupId: id } });
      expect(members.data?.contacts.map((c) => c.contactKey)).toEqual(['salon1@gmail.com', 'salon2@gmail.com']);
    }
    expect((await send(`[${a}]`)).status).toBe(201);
    expect((await send('999999')).status).toBe(404);
    expect((await send('Salon A')).status).toBe(400);
  });

  describe('the template file', () => {
    let expected: string[];

    beforeAll(async () => {
      const owner = client();
      const city = await createContactField({ client: owner, body: { name: 'Ville natale', format: 'ShortText' } });
      const points = await createContactField({ client: owner, body: { name: 'Points fidélité', format: 'Number' } });
      const joined = await createContactField({
        client: owner,
        body: { name: 'Adhésion', format: 'DateTime', options: 'dd.mm.yyyy' },
      });
      const level = await createContactField({ client: owner, body: { name: 'Niveau', format: 'SingleSelection' } });
      const hobbies = await createContactField({
        client: owner,
        body: { name: 'Centres d’intérêt', format: 'MultipleSelection' },
      });
      for (const text of ['Or', 'Argent']) {
        await createContactFieldValue({ client: owner, path: { id: level.data!.id }, body: { text } });
      }
      for (const text of ['Cinéma', 'Sport']) {
        await createContactFieldValue({ client: owner, path: { id: hobbies.data!.id }, body: { text } });
      }
      const builtins = [
        'salutation firstname lastname companyname jobtitle email emailoptin emailunsubscriptiondate',
        'emailunsubscriptionreason emailstatus emailstatusdate emailstatusdetail mobile mobileoptin',
        'mobileunsubscriptiondate mobileunsubscriptionreason mobilestatus mobilestatusdate mobilestatusdetail phone',
        'fax address1 address2 zipcode city country birthdate emailoptinpartners mobileoptinpartners type comments',
        'source',
      ]
        .join(' ')
        .split(' ');
      expected = [...builtins, 'groups', ...[city, points, joined, level, hobbies].map((f) => String(f.data!.id))];
    });

    /** Four rows a user pasted below the example, in the template's columns. */
    function userRows(headers: string[], example: string[]): string[][] {
      return [1, 2, 3, 4].map((n) =>
        headers.map((header, column) => {
          if (header === 'Adresse e-mail') return `client${n}@gmail.com`;
          if (header === 'Téléphone mobile') return `06 22 33 44 5${n}`;
          if (header === 'Prénom') return `Client ${n}`;
          return example[column];
        }),
      );
    }

    async function importThroughWizard(file: File) {
      const draft = await uploadImportDraft({ client: client(), body: { file } });
      expect(draft.response.status).toBe(201);
      const sheet = await chooseImportDraftSheet({
        client: client(),
        path: { id: draft.data!.id },
        body: { headerLine: 1 },
      });
      const suggested = sheet.data!.columns.map((c) => c.matching);
      expect(suggested).toEqual(expected);
      await setImportDraftMatchings({ client: client(), path: { id: draft.data!.id }, body: { matchings: suggested } });
      const validation = await validateImportDraft({
        client: client(),
        path: { id: draft.data!.id },
        body: { onlySuspicious: true },
      });
      expect(validation.data!.counts).toMatchObject({ rows: 5, error: 0 });
      // Only the example row is flagged (its address is on a made-up domain).
      expect(validation.data!.rows.map((row) => [row.line, row.findings.map((f) => f.code)])).toEqual([
        [2, ['email.domain_uncommon']],
      ]);
      const confirmed = await confirmImportDraft({
        client: client(),
        path: { id: draft.data!.id },
        body: { consent: true },
      });
      return finished(confirmed.data!.Id);
    }

    it('downloads as CSV with French headers and one example row, and re-imports cleanly through the wizard', async () => {
      const res = await downloadImportTemplate({ client: client(), query: { format: 'csv' }, parseAs: 'arrayBuffer' });
      expect(res.response.status).toBe(200);
      expect(res.response.headers.get('content-type')).toMatch(/^text\/csv/);
      const bytes = Buffer.from(res.data as unknown as ArrayBuffer);
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const [headerLine, exampleLine, ...rest] = bytes.toString('utf8').slice(1).split(/\r?\n/).filter(Boolean);
      expect(rest).toEqual([]);
      const headers = headerLine.split(';');
      const example = exampleLine.split(';');
      expect(headers.slice(0, 6)).toEqual(['Civilité', 'Prénom', 'Nom', 'Société', 'Fonction', 'Adresse e-mail']);
      expect(headers.slice(-6)).toEqual([
        'Groupes',
        'Ville natale',
        'Points fidélité',
        'Adhésion',
        'Niveau',
        'Centres d’intérêt',
      ]);
      expect(example.slice(-5)).toEqual(['exemple', '42', '01.09.2024', 'Or', 'Cinéma']);

      const filled = [headerLine, exampleLine, ...userRows(headers, example).map((row) => row.join(';'))].join('\r\n');
      const done = await importThroughWizard(new File([`\ufeff${filled}\r\n`], 'modele-import-contacts.csv'));
      expect(done).toMatchObject({ Status: 'done', LineRead: 5, LineAdd: 5, LineError: 0 });
      expect(await valueOf('client3@gmail.com', 'mobile')).toBe('+33622334453');
      expect(await valueOf('client3@gmail.com', expected[expected.length - 2])).toBe('Or');
    });

    it('downloads as XLSX with the same cells, and re-imports cleanly through the wizard', async () => {
      const res = await downloadImportTemplate({ client: client(), query: { format: 'xlsx' }, parseAs: 'arrayBuffer' });
      expect(res.response.status).toBe(200);
      const book = XLSX.read(Buffer.from(res.data as unknown as ArrayBuffer), { type: 'buffer' });
      const sheet = book.Sheets[book.SheetNames[0]];
      const [headers, example, ...rest] = XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1, raw: false });
      expect(rest).toEqual([]);
      expect(headers[headers.length - 1]).toBe('Centres d’intérêt');
      expect(example[headers.indexOf('Téléphone mobile')]).toBe('06 12 34 56 78');

      XLSX.utils.sheet_add_aoa(
        sheet,
        userRows(headers, example).map((row) => row.map((cell) => cell.replace('client', 'classeur'))),
        { origin: -1 },
      );
      const filled = XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
      const done = await importThroughWizard(new File([filled], 'modele-import-contacts.xlsx'));
      expect(done).toMatchObject({ Status: 'done', LineRead: 5, LineAdd: 4, LineUpdate: 1, LineError: 0 });
      expect(await valueOf('classeur2@gmail.com', 'firstname')).toBe('Client 2');
    });
  });
});
