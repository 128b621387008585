import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from './harness';

/** The TCP ports this process listens on: its socket inodes (/proc/self/fd) found LISTENing in /proc/net/tcp{,6}. */
function listeningTcpPorts(): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(join('/proc/self/fd', fd)));
      if (match) inodes.add(match[1]);
    } catch {
      // the descriptor closed while listing
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, the inode is the tenth column.
      if (columns.length < 10 || columns[3] !== '0A' || !inodes.has(columns[9])) continue;
      ports.add(parseInt(columns[1].split(':')[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

describe('embedded PostgreSQL', () => {
  let t: TestApp;
  let before: number[];

  beforeAll(async () => {
    before = listeningTcpPorts();
    t = await startTestApp({ DATABASE_URL: '' });
  });
  afterAll(async () => t.close());

  it('is served on a Unix socket in DATA_DIR, mode 0700: the only TCP port opened is the HTTP one', async () => {
    expect(t.database.embedded).toBe(true);
    const account = await t.createAccount('Embedded');
    const res = await t.http.get('/api/rest/v4/account/contactattribute').set('Authorization', account.auth);
    expect(res.status).toBe(200);

    const httpPort = Number(new URL(t.baseUrl).port);
    const opened = listeningTcpPorts().filter((port) => !before.includes(port));
    expect(opened).toEqual([httpPort]);

    const socketDir = join(t.dataDir, 'socket');
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(socketDir, '.s.PGSQL.5432')).isSocket()).toBe(true);
  });
});
