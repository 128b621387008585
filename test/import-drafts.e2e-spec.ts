import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  chooseImportDraftSheet,
  confirmImportDraft,
  correctImportDraftCells,
  createGroup,
  deleteImportDraft,
  getContact,
  getGroup,
  getImport,
  getImportDraft,
  setImportDraftMatchings,
  uploadImportDraft,
  validateImportDraft,
  type ImportDraftCheckedRowDto,
  type ImportOperationDto,
} from '../sdk';
import { startTestApp, TestAccount, TestApp } from './harness';

const fixture = (name: string) => new File([readFileSync(join(__dirname, 'fixtures', name))], name);

describe('guided import (drafts)', () => {
  let t: TestApp;
  let account: TestAccount;
  let other: TestAccount;
  const client = (who = account) => t.sdk(who);

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Import drafts');
    other = await t.createAccount('Import drafts, other tenant');
  });
  afterAll(async () => t.close());

  async function upload(name: string, who = account) {
    const res = await uploadImportDraft({ client: client(who), body: { file: fixture(name) } });
    expect(res.response.status).toBe(201);
    return res.data!;
  }

  async function finished(id: number): Promise<ImportOperationDto> {
    for (let i = 0; i < 600; i++) {
      const res = await getImport({ client: client(), path: { id } });
      expect(res.response.status).toBe(200);
      if (['done', 'failed', 'cancelled'].includes(res.data!.Status)) return res.data!;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`import ${id} did not finish`);
  }

  const byLine = (rows: ImportDraftCheckedRowDto[]) => Object.fromEntries(rows.map((row) => [row.line, row]));

  it('takes the xlsx example through the four steps, with a corrected cell, consent and a group', async () => {
    const draft = await upload('espace-pro-clients.xlsx');
    expect(draft).toMatchObject({ fileName: 'espace-pro-clients.xlsx', kind: 'workbook', constants: [] });
    expect(draft.sheets.map((s) => [s.name, s.rowCount])).toEqual([
      ['feuille 1', 7],
      ['notes', 2],
    ]);
    expect(draft.sheets[0].firstRows[0]).toEqual({
      line: 1,
      cells: ['Prénom', 'Nom', 'Email', 'Téléphone mobile', 'Groupes'],
    });
    expect(Date.parse(draft.expiresAt)).toBeGreaterThan(Date.now());
    const id = draft.id;

    // Validation before the matchings are set says which step is missing.
    const early = await validateImportDraft({ client: client(), path: { id }, body: {} });
    expect(early.response.status).toBe(400);
    expect(early.error).toMatchObject({ message: expect.stringContaining('Choose the sheet') });

    const unknownSheet = await chooseImportDraftSheet({ client: client(), path: { id }, body: { sheet: 'Feuil9' } });
    expect(unknownSheet.response.status).toBe(400);
    expect(JSON.stringify(unknownSheet.error)).toContain('feuille 1');

    const sheet = await chooseImportDraftSheet({
      client: client(),
      path: { id },
      body: { sheet: 'feuille 1', headerLine: 1 },
    });
    expect(sheet.response.status).toBe(200);
    const columns = sheet.data!.columns;
    expect(columns.map((c) => c.matching)).toEqual(['firstname', 'lastname', 'email', 'mobile', 'groups']);
    for (const column of columns) expect(column.confidence).toBeGreaterThan(0.5);
    expect(columns[2].samples.slice(0, 2)).toEqual(['jdupond@hotmial.fr', 'ab@kiween.com']);

    const short = await setImportDraftMatchings({
      client: client(),
      path: { id },
      body: { matchings: ['firstname', 'lastname'] },
    });
    expect(short.response.status).toBe(400);
    expect(short.error).toMatchObject({ message: expect.stringContaining('The file has 5 columns') });
    const unknownField = await setImportDraftMatchings({
      client: client(),
      path: { id },
      body: { matchings: ['firstname', 'lastname', 'email', 'mobile', '999999'] },
    });
    expect(unknownField.response.status).toBe(400);
    expect(unknownField.error).toMatchObject({ message: expect.stringContaining('field id 999999') });
    const noKey = await setImportDraftMatchings({
      client: client(),
      path: { id },
      body: { matchings: ['firstname', 'lastname', '', 'mobile', 'groups'] },
    });
    expect(noKey.response.status).toBe(400);
    expect(noKey.error).toMatchObject({ message: expect.stringContaining('uniqueness key') });

    const matchings = columns.map((c) => c.matching);
    const set = await setImportDraftMatchings({ client: client(), path: { id }, body: { matchings } });
    expect(set.response.status).toBe(200);
    expect(set.data).toMatchObject({ sheet: 'feuille 1', headerLine: 1, matchings });

    const all = await validateImportDraft({ client: client(), path: { id }, body: {} });
    expect(all.response.status).toBe(200);
    expect(all.data!.counts).toEqual({
      rows: 6,
      valid: 1,
      warning: 3,
      error: 2,
      duplicate: 0,
      // kiween.com and japan.jp are uncommon domains: flagged, as the wizard's orange rows.
      byCode: { 'email.domain_typo': 1, 'email.domain_uncommon': 2, 'email.syntax': 1, 'row.missing_key': 1 },
    });
    expect(all.data!.total).toBe(6);
    const rows = byLine(all.data!.rows);
    expect(rows[2]).toMatchObject({ status: 'warning' });
    expect(rows[2].findings).toEqual([
      expect.objectContaining({ code: 'email.domain_typo', severity: 'warning', suggestion: 'jdupond@hotmail.fr' }),
    ]);
    expect(rows[5]).toMatchObject({ status: 'error', cells: ['Eric', 'Noel', 'noel@eric', '', ''] });
    expect(rows[5].findings.map((f) => f.code)).toEqual(['email.syntax']);
    expect(rows[7].findings.map((f) => [f.code, f.severity])).toEqual([['row.missing_key', 'error']]);
    expect(rows[6]).toMatchObject({ status: 'valid', findings: [] });
    expect(rows[3].findings.map((f) => f.code)).toEqual(['email.domain_uncommon']);

    const suspicious = await validateImportDraft({ client: client(), path: { id }, body: { onlySuspicious: true } });
    expect(suspicious.data!.total).toBe(5);
    expect(suspicious.data!.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 7]);
    const page = await validateImportDraft({
      client: client(),
      path: { id },
      body: { onlySuspicious: true, offset: 1, limit: 1 },
    });
    expect(page.data!.total).toBe(5);
    expect(page.data!.rows.map((r) => r.line)).toEqual([3]);

    const header = await correctImportDraftCells({
      client: client(),
      path: { id },
      body: { corrections: [{ line: 1, column: 2, value: 'x@y.fr' }] },
    });
    expect(header.response.status).toBe(400);
    const fix = await correctImportDraftCells({
      client: client(),
      path: { id },
      body: { corrections: [{ line: 5, column: 2, value: 'noel@eric.fr' }] },
    });
    expect(fix.response.status).toBe(200);
    // No longer an error: the row will be imported (eric.fr is only an uncommon domain).
    expect(fix.data!.rows).toEqual([
      expect.objectContaining({ line: 5, cells: ['Eric', 'Noel', 'noel@eric.fr', '', ''], corrected: [2] }),
    ]);
    expect(fix.data!.rows[0].status).not.toBe('error');
    expect(fix.data!.rows[0].findings.map((f) => f.code)).toEqual(['email.domain_uncommon']);
    expect(fix.data!.counts).toMatchObject({ rows: 6, error: 1 });
    expect((await getImportDraft({ client: client(), path: { id } })).data!.corrections).toEqual({
      '5': { '2': 'noel@eric.fr' },
    });
    const again = await validateImportDraft({ client: client(), path: { id }, body: { onlySuspicious: true } });
    expect(again.data!.rows.filter((r) => r.status === 'error').map((r) => r.line)).toEqual([7]);

    const group = await createGroup({ client: client(), body: { name: 'Salon 2024' } });
    expect(group.response.status).toBe(201);
    const groupId = group.data!.id;

    const noConsent = await confirmImportDraft({ client: client(), path: { id }, body: { groupId } });
    expect(noConsent.response.status).toBe(400);
    expect(noConsent.error).toMatchObject({ message: expect.stringContaining('consent') });
    const foreignGroup = await createGroup({ client: client(other), body: { name: 'Ailleurs' } });
    const wrongGroup = await confirmImportDraft({
      client: client(),
      path: { id },
      body: { consent: true, groupId: foreignGroup.data!.id },
    });
    expect(wrongGroup.response.status).toBe(404);

    const confirmed = await confirmImportDraft({
      client: client(),
      path: { id },
      body: { consent: true, groupId, welcomeMessages: false, name: 'Clients espace pro' },
    });
    expect(confirmed.response.status).toBe(201);
    expect(confirmed.data).toMatchObject({ Name: 'Clients espace pro', LineTotal: 6 });
    const second = await confirmImportDraft({ client: client(), path: { id }, body: { consent: true } });
    expect(second.response.status).toBe(409);

    const done = await finished(confirmed.data!.Id);
    expect(done).toMatchObject({ Status: 'done', LineRead: 6, LineAdd: 5, LineError: 1 });
    expect((await getGroup({ client: client(), path: { id: groupId } })).data).toMatchObject({ contactCount: 5 });
    const noel = await getContact({ client: client(), path: { contactKey: 'noel@eric.fr' } });
    expect(noel.response.status).toBe(200);
    expect((await getImportDraft({ client: client(), path: { id } })).data!.operationId).toBe(done.Id);
    const consent = await t.database.dataSource.query('SELECT consent, settings FROM import_operation WHERE id = $1', [
      done.Id,
    ]);
    expect(consent[0].consent).toMatchObject({ confirmedBy: account.login, fileHash: expect.any(String) });
    expect(consent[0].settings).toMatchObject({
      sheet: 'feuille 1',
      firstLine: 1,
      firstLineAsHeader: true,
      groupIds: [groupId],
    });
  });

  it('flags the later of two rows with the same key', async () => {
    const csv = 'email;prenom\nanne@orange.fr;Anne\nbob@free.fr;Bob\nANNE@orange.fr;Annie\n';
    const res = await uploadImportDraft({ client: client(), body: { file: new File([csv], 'doublons.csv') } });
    const id = res.data!.id;
    await chooseImportDraftSheet({ client: client(), path: { id }, body: {} });
    await setImportDraftMatchings({ client: client(), path: { id }, body: { matchings: ['email', 'firstname'] } });
    const checked = await validateImportDraft({ client: client(), path: { id }, body: { onlySuspicious: true } });
    expect(checked.data!.counts).toMatchObject({ rows: 3, valid: 2, warning: 1, duplicate: 1 });
    expect(checked.data!.rows).toHaveLength(1);
    expect(checked.data!.rows[0].line).toBe(4);
    expect(checked.data!.rows[0].findings[0]).toMatchObject({ code: 'row.duplicate_in_file', severity: 'warning' });
    expect(checked.data!.rows[0].findings[0].message).toContain('Line 2');
  });

  it('reports the encoding and separator of the Windows-1252 CSV', async () => {
    const draft = await upload('excel-fr-cp1252.csv');
    expect(draft).toMatchObject({ kind: 'delimited', encoding: 'Windows-1252', separator: ';' });
    expect(draft.sheets).toHaveLength(1);
    expect(draft.sheets[0].firstRows[0].cells.slice(0, 3)).toEqual(['Prénom', 'Nom', 'Adresse e-mail']);
    expect(draft.sheets[0].rowCount).toBe(6);
  });

  it('hides a draft from another account, and deletes one with its file', async () => {
    const draft = await upload('sms-contacts.csv');
    const id = draft.id;
    expect((await getImportDraft({ client: client(other), path: { id } })).response.status).toBe(404);
    expect((await chooseImportDraftSheet({ client: client(other), path: { id }, body: {} })).response.status).toBe(404);
    expect((await deleteImportDraft({ client: client(other), path: { id } })).response.status).toBe(404);
    expect((await getImportDraft({ client: client(), path: { id: 'not-a-uuid' } })).response.status).toBe(404);

    const [{ fileId }] = await t.database.dataSource.query(
      'SELECT file_id AS "fileId" FROM import_draft WHERE id = $1',
      [id],
    );
    expect((await deleteImportDraft({ client: client(), path: { id } })).response.status).toBe(204);
    expect((await getImportDraft({ client: client(), path: { id } })).response.status).toBe(404);
    const files = await t.database.dataSource.query('SELECT 1 FROM stored_file WHERE id = $1', [fileId]);
    expect(files).toHaveLength(0);
  });

  it('refuses a file the readers cannot read', async () => {
    const res = await uploadImportDraft({ client: client(), body: { file: new File(['x'], 'contacts.pdf') } });
    expect(res.response.status).toBe(400);
  });

  it('deletes expired unconfirmed drafts with their file', async () => {
    const draft = await upload('sms-contacts.csv');
    const [{ fileId }] = await t.database.dataSource.query(
      `UPDATE import_draft SET expires_at = now() - interval '1 minute' WHERE id = $1 RETURNING file_id AS "fileId"`,
      [draft.id],
    );
    expect((await getImportDraft({ client: client(), path: { id: draft.id } })).response.status).toBe(404);
    const { ImportDraftsService } = await import('../src/modules/imports/import-drafts.service');
    await t.app.get(ImportDraftsService).sweepExpired();
    expect(await t.database.dataSource.query('SELECT 1 FROM import_draft WHERE id = $1', [draft.id])).toHaveLength(0);
    expect(await t.database.dataSource.query('SELECT 1 FROM stored_file WHERE id = $1', [fileId])).toHaveLength(0);
  });
});
