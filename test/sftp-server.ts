import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real OpenSSH server for the scheduler's end-to-end suites: its own temporary folder, a generated host key, a
 * free high port on 127.0.0.1, `internal-sftp`, no PAM; one user logging in with a password and one with an
 * authorised key (with a passphrase). The two system users are created once (as root) and reused.
 */
const SSHD = '/usr/sbin/sshd';
const HOMES = '/var/lib/carnet-sftp-test';
export const PASSWORD_USER = 'carnet-sftp-pw';
export const KEY_USER = 'carnet-sftp-key';
/** Test secrets: the log test looks for them in everything the app wrote. */
export const TEST_PASSWORD = 'Pw-for-sftp-test-7f3a91c2';
export const TEST_PASSPHRASE = 'Passphrase-for-sftp-key-5d20e8b4';
export const INSTALL_HINT = 'install it with: apt-get update && apt-get install -y openssh-server (as root)';

/** Why the suites cannot run here, or null when they can. */
export function sftpServerUnavailable(): string | null {
  if (!existsSync(SSHD)) return `OpenSSH sshd is not installed (${SSHD} missing); ${INSTALL_HINT}`;
  if (!existsSync('/usr/bin/ssh-keygen')) return `ssh-keygen is missing; ${INSTALL_HINT}`;
  if (process.getuid?.() !== 0) return 'the SFTP suites create two system users and run sshd: run them as root';
  return null;
}

/**
 * Skips a suite with its reason where sshd is not available, and fails it instead under CI (CI=true), where the
 * server must be installed by .ci/run.
 */
export function describeWithSftpServer(name: string, suite: () => void): void {
  const unavailable = sftpServerUnavailable();
  if (unavailable && process.env.CI === 'true') {
    throw new Error(`${name}: cannot run under CI: ${unavailable}`);
  }
  if (unavailable) {
    console.warn(`SKIPPED ${name}: ${unavailable}`);
    describe.skip(`${name} (skipped: ${unavailable})`, suite);
    return;
  }
  describe(name, suite);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs `work` while holding a lock file, so parallel test files do not edit /etc/passwd at once. */
async function withLock<T>(path: string, work: () => T): Promise<T> {
  for (let i = 0; i < 600; i++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        return work();
      } finally {
        closeSync(fd);
        unlinkSync(path);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`could not take ${path}`);
}

function userExists(user: string): boolean {
  try {
    execFileSync('id', ['-u', user], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Creates (once) a dedicated system user that can only use SFTP, and sets its password (idempotent). */
function ensureUser(user: string, password: string): void {
  const home = join(HOMES, user);
  if (!userExists(user)) {
    execFileSync('useradd', ['--system', '--home-dir', home, '--shell', '/usr/sbin/nologin', user], {
      stdio: 'ignore',
    });
  }
  mkdirSync(home, { recursive: true });
  chmodSync(home, 0o777);
  // A locked account ("!" in shadow) is refused even for key logins when PAM is off: give each one a password.
  execFileSync('chpasswd', [], { input: `${user}:${password}\n` });
}

export interface SftpTestServer {
  host: string;
  port: number;
  /** `<type> <base64>` of the server's host key, and its SHA-256 fingerprint as ssh-keygen prints it. */
  hostKey: string;
  fingerprint: string;
  /** Another key (not the server's), to check that a wrong pinned key is refused. */
  otherHostKey: string;
  password: string;
  privateKey: string;
  passphrase: string;
  /** A fresh directory writable by both users, as seen on the server (an absolute path). */
  newDirectory(name: string): string;
  /** Stops the server and every session it serves (the server "going away"). */
  kill(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The server's process and every process forked from it (its sessions run in their own process groups). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended meanwhile.
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

export async function startSftpServer(): Promise<SftpTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'carnet-sshd-'));
  chmodSync(dir, 0o755);
  await withLock(join(tmpdir(), 'carnet-sftp-users.lock'), () => {
    ensureUser(PASSWORD_USER, TEST_PASSWORD);
    ensureUser(KEY_USER, `${TEST_PASSWORD}-unused-for-key-user`);
  });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const keygen = (file: string, passphrase = '') =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'carnet-test', '-f', file], {
      stdio: 'ignore',
    });
  keygen(join(dir, 'host_ed25519'));
  keygen(join(dir, 'other_ed25519'));
  keygen(join(dir, 'client_ed25519'), TEST_PASSPHRASE);
  mkdirSync(join(dir, 'authorized'), { mode: 0o755 });
  writeFileSync(join(dir, 'authorized', KEY_USER), readFileSync(join(dir, 'client_ed25519.pub')), { mode: 0o644 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_ed25519')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AuthorizedKeysFile ${join(dir, 'authorized', '%u')}`,
      'StrictModes no',
      'PermitRootLogin no',
      `AllowUsers ${PASSWORD_USER} ${KEY_USER}`,
      'Subsystem sftp internal-sftp',
      'ForceCommand internal-sftp',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const pub = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_ed25519.pub')], {
    encoding: 'utf8',
  }).split(/\s+/)[1];
  let sshd: ChildProcess | undefined;
  let made = 0;
  const directories: string[] = [];

  const server: SftpTestServer = {
    host: '127.0.0.1',
    port,
    hostKey: pub('host_ed25519.pub'),
    fingerprint,
    otherHostKey: pub('other_ed25519.pub'),
    password: TEST_PASSWORD,
    privateKey: readFileSync(join(dir, 'client_ed25519'), 'utf8'),
    passphrase: TEST_PASSPHRASE,
    newDirectory(name) {
      const path = join(HOMES, PASSWORD_USER, `${name}-${process.pid}-${Date.now()}-${made++}`);
      mkdirSync(path, { recursive: true });
      chmodSync(path, 0o777);
      directories.push(path);
      return path;
    },
    kill() {
      if (!sshd?.pid) return;
      for (const pid of [...descendants(sshd.pid), sshd.pid]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      sshd = undefined;
    },
    async start() {
      sshd = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      let errors = '';
      sshd.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      for (let i = 0; i < 100; i++) {
        if (await accepts(port)) return;
        if (sshd.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`sshd did not start on port ${port}: ${errors}`);
    },
    async stop() {
      server.kill();
      await new Promise((resolve) => setTimeout(resolve, 50));
      rmSync(dir, { recursive: true, force: true });
      for (const path of directories) rmSync(path, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
