import { open } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import * as XLSX from '@e965/xlsx';
import {
  encryptedWorkbook,
  failureOf,
  fixture,
  GeneratedFiles,
  workbook,
  zipArchive,
} from '../../../../test/fixtures/generated-files';
import {
  checkWorkbookContainer,
  checkZipEntries,
  compoundFileNames,
  DEFAULT_CONTAINER_LIMITS,
} from './workbook-container';

const files = new GeneratedFiles();
afterAll(() => files.remove());

async function namesIn(path: string): Promise<string[] | undefined> {
  const file = await open(path, 'r');
  try {
    return await compoundFileNames(file, (await file.stat()).size);
  } finally {
    await file.close();
  }
}

describe('checkWorkbookContainer', () => {
  it('accepts an ordinary .xlsx as a ZIP', async () => {
    expect(await checkWorkbookContainer(fixture('espace-pro-clients.xlsx'))).toBe('zip');
  });

  it('accepts a legacy .xls, a compound file without encryption streams', async () => {
    const path = files.write(
      'legacy.xls',
      workbook({ Contacts: XLSX.utils.aoa_to_sheet([['email'], ['a@b.fr']]) }, 'xls'),
    );
    expect(await checkWorkbookContainer(path)).toBe('cfb');
    expect(await namesIn(path)).toContain('Workbook');
  });

  it('refuses a password-protected workbook (a compound file holding EncryptionInfo)', async () => {
    const path = files.write('secret.xlsx', encryptedWorkbook());
    expect(await namesIn(path)).toEqual(expect.arrayContaining(['EncryptionInfo', 'EncryptedPackage']));
    expect(await failureOf(checkWorkbookContainer(path))).toMatchObject({
      status: 400,
      code: 'EncryptedWorkbook',
      message: 'The workbook is password-protected; save it without a password and upload it again',
    });
  });

  it('finds the encryption streams past the first directory sector', async () => {
    const CFB = XLSX.CFB;
    const container = CFB.utils.cfb_new();
    for (let i = 0; i < 40; i++) CFB.utils.cfb_add(container, `Part${i}`, Buffer.alloc(5000, i));
    CFB.utils.cfb_add(container, 'EncryptionInfo', Buffer.alloc(8));
    const path = files.write('many-parts.xlsx', CFB.write(container, { type: 'buffer' }));
    const names = await namesIn(path);
    expect(names?.length).toBeGreaterThan(40);
    expect(await failureOf(checkWorkbookContainer(path))).toMatchObject({ code: 'EncryptedWorkbook' });
  });

  it('walks a compound file whose FAT is listed beyond the header (more than 7 MB)', async () => {
    const CFB = XLSX.CFB;
    const container = CFB.utils.cfb_new();
    CFB.utils.cfb_add(container, 'Workbook', Buffer.alloc(9 * 1024 * 1024, 1));
    CFB.utils.cfb_add(container, 'EncryptedPackage', Buffer.alloc(8));
    const bytes = CFB.write(container, { type: 'buffer' }) as Buffer;
    expect(bytes.readUInt32LE(0x48)).toBeGreaterThan(0); // DIFAT sectors in use
    const path = files.write('big-compound.xls', bytes);
    expect(await namesIn(path)).toEqual(expect.arrayContaining(['Workbook', 'EncryptedPackage']));
    expect(await failureOf(checkWorkbookContainer(path))).toMatchObject({ code: 'EncryptedWorkbook' });
  });

  it('refuses a zip bomb: a big entry packed more than 100:1', async () => {
    const zeros = 60 * 1024 * 1024;
    const packed = deflateRawSync(Buffer.alloc(zeros));
    const path = files.write(
      'bomb.xlsx',
      zipArchive([
        { name: '[Content_Types].xml', data: Buffer.from('<Types/>'), uncompressedSize: 8, method: 0 },
        { name: 'xl/worksheets/sheet1.xml', data: packed, uncompressedSize: zeros },
      ]),
    );
    expect(packed.length).toBeLessThan(zeros / 500);
    expect(await failureOf(checkWorkbookContainer(path))).toMatchObject({
      status: 400,
      code: 'ZipBomb',
      message: expect.stringContaining('"xl/worksheets/sheet1.xml" unpacks to') as unknown,
    });
  });

  it('refuses a workbook that unpacks to more than the limit', async () => {
    const error = await failureOf(
      checkWorkbookContainer(fixture('espace-pro-clients.xlsx'), {
        ...DEFAULT_CONTAINER_LIMITS,
        maxUncompressedBytes: 1000,
      }),
    );
    expect(error).toMatchObject({ code: 'WorkbookTooLarge', status: 400 });
    expect(() =>
      checkZipEntries(
        [
          { name: 'a', compressedSize: 30e6, uncompressedSize: 150e6 },
          { name: 'b', compressedSize: 30e6, uncompressedSize: 150e6 },
        ],
        DEFAULT_CONTAINER_LIMITS,
      ),
    ).toThrow('The workbook holds 286 MB of data once unpacked, more than the 200 MB we accept');
  });

  it('lets small parts pack tightly', () => {
    expect(() =>
      checkZipEntries(
        [{ name: 'xl/styles.xml', compressedSize: 1000, uncompressedSize: 5e6 }],
        DEFAULT_CONTAINER_LIMITS,
      ),
    ).not.toThrow();
  });

  it.each([
    ['a text file renamed .xlsx', 'email;name\na@b.fr;Ann\n', 'it is neither an .xlsx nor an .xls file'],
    ['an empty file', '', 'the file is empty'],
    ['a truncated ZIP', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]), 'its zip directory is unreadable'],
  ])('refuses %s as unreadable', async (_name, content, reason) => {
    const path = files.write('unreadable.xlsx', content);
    expect(await failureOf(checkWorkbookContainer(path))).toMatchObject({
      code: 'UnreadableWorkbook',
      message: expect.stringContaining(reason) as unknown,
    });
  });
});
