import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Client, utils } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import type { RemoteEntry } from './remote-files';
import { schedulerErrors } from './scheduler-errors';

/** How to reach and authenticate to an SFTP server; the credentials are the opened secrets, kept in memory only. */
export interface SftpTarget {
  host: string;
  port: number;
  username: string;
  /** The pinned host key, `<type> <base64>` as in known_hosts. */
  hostKey: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

export interface HostKey {
  /** `<type> <base64>`, as in known_hosts and `*.pub` files. */
  hostKey: string;
  keyType: string;
  /** `SHA256:<base64>`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

const TIMEOUT_MS = 15_000;

/** The key type written at the start of an SSH public key blob (a length-prefixed string). */
function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

export function describeHostKey(blob: Buffer): HostKey {
  const keyType = keyTypeOf(blob);
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  return { hostKey: `${keyType} ${blob.toString('base64')}`, keyType, fingerprint };
}

/** Reads a pinned key as given by a caller (`<type> <base64> [comment]`, or a fingerprint-less blob in base64). */
export function readHostKey(text: string): HostKey | null {
  const parts = text.trim().split(/\s+/);
  const base64 = parts.length >= 2 ? parts[1] : parts[0];
  if (!base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  const blob = Buffer.from(base64, 'base64');
  const described = describeHostKey(blob);
  if (parts.length >= 2 && parts[0] !== described.keyType) return null;
  return described.keyType.length > 0 && /^[\w@.-]+$/.test(described.keyType) ? described : null;
}

/** Whether a private key can be read (with its passphrase); the reason otherwise, never quoting the key. */
export function privateKeyProblem(privateKey: string, passphrase: string | undefined): string | null {
  const parsed = utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    return /passphrase|decrypt/i.test(parsed.message)
      ? 'the private key is encrypted and the passphrase is missing or wrong'
      : 'the private key cannot be read (expected an OpenSSH or PEM private key)';
  }
  return null;
}

/** Removes every secret from a message coming back from the SSH layer, in case one ever echoes it. */
function scrub(message: string, target: SftpTarget): string {
  let text = message;
  for (const secret of [target.password, target.passphrase, target.privateKey]) {
    if (secret && secret.length >= 3) text = text.split(secret).join('***');
  }
  return text;
}

/** Asks the server for its host key without authenticating (the caller confirms the fingerprint, then pins it). */
export function probeHostKey(host: string, port: number): Promise<HostKey> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: Buffer | undefined;
    const done = (error?: Error) => {
      client.end();
      if (seen) resolve(describeHostKey(seen));
      else reject(schedulerErrors.unreachable(host, port, error?.message ?? 'no host key received'));
    };
    client.on('error', (error) => done(error));
    client.on('close', () => done());
    client.connect({
      host,
      port,
      username: 'carnet-probe',
      readyTimeout: TIMEOUT_MS,
      hostVerifier: (key: Buffer) => {
        seen = Buffer.from(key);
        return false;
      },
    });
  });
}

/**
 * One SFTP client for one run or call, refusing any server whose host key is not the pinned one. Streams files
 * both ways with `get`/`put` (not fastGet/fastPut, which corrupt files on some servers). Always `close()` it.
 */
export class SftpSession {
  private constructor(
    private readonly client: SftpClient,
    private readonly target: SftpTarget,
    /** Why the connection went away, as the client's events told (set at most once). */
    private readonly loss: { reason?: string },
  ) {}

  private get lost(): string | undefined {
    return this.loss.reason;
  }

  static async open(target: SftpTarget): Promise<SftpSession> {
    const pinned = readHostKey(target.hostKey);
    if (!pinned) throw schedulerErrors.badHostKey();
    let presented: HostKey | undefined;
    const loss: { reason?: string } = {};
    const lose = (reason: string) => (loss.reason ??= scrub(reason, target));
    // The client's own default handlers print to the console; these only remember why the connection ended.
    const client = new SftpClient('carnet', {
      error: (error: unknown) => lose(error instanceof Error ? error.message : String(error)),
      end: () => lose('the server ended the connection'),
      close: () => lose('the connection was closed'),
    });
    const session = new SftpSession(client, target, loss);
    try {
      await client.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        password: target.password,
        privateKey: target.privateKey,
        passphrase: target.passphrase,
        readyTimeout: TIMEOUT_MS,
        keepaliveInterval: 10_000,
        keepaliveCountMax: 3,
        retries: 0,
        hostVerifier: (key: Buffer) => {
          presented = describeHostKey(Buffer.from(key));
          return presented.hostKey === pinned.hostKey;
        },
      });
    } catch (error) {
      await session.close();
      if (presented && presented.hostKey !== pinned.hostKey) {
        throw schedulerErrors.hostKeyMismatch(target.host, target.port, presented.fingerprint, pinned.fingerprint);
      }
      const message = scrub(error instanceof Error ? error.message : String(error), target);
      if (/authentication/i.test(message)) throw schedulerErrors.authenticationFailed(target.host, target.username);
      throw schedulerErrors.unreachable(target.host, target.port, message);
    }
    return session;
  }

  /** Runs one remote operation, naming the connection's loss when that is why it failed. */
  private async call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      const message = scrub(error instanceof Error ? error.message : String(error), this.target);
      if (this.lost) throw schedulerErrors.connectionLost(this.target.host, this.lost);
      throw schedulerErrors.remoteOperationFailed(what, message.replace(/^\w+: /, ''));
    }
  }

  /** The directory's regular files. */
  async files(directory: string): Promise<RemoteEntry[]> {
    const entries = await this.call(`listing ${directory}`, () => this.client.list(directory));
    return entries
      .filter((entry) => entry.type === '-')
      .map((entry) => ({ name: entry.name, size: entry.size, modifiedAt: entry.modifyTime }));
  }

  /** Every entry of the directory (the connection test). */
  async entries(directory: string): Promise<{ name: string; type: string; size: number; modifiedAt: number }[]> {
    const entries = await this.call(`listing ${directory}`, () => this.client.list(directory));
    return entries.map((entry) => ({
      name: entry.name,
      type: entry.type === 'd' ? 'directory' : entry.type === '-' ? 'file' : 'other',
      size: entry.size,
      modifiedAt: entry.modifyTime,
    }));
  }

  /** Streams a remote file to a local path and answers its SHA-256 (hex). */
  async download(path: string, localPath: string): Promise<string> {
    await this.call(`downloading ${path}`, () => this.client.get(path, createWriteStream(localPath)));
    if (this.lost) throw schedulerErrors.connectionLost(this.target.host, this.lost);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(localPath)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /** Streams a local file to a remote path. */
  async upload(localPath: string, path: string): Promise<void> {
    await this.call(`uploading ${path}`, () => this.client.put(createReadStream(localPath), path));
  }

  async exists(path: string): Promise<boolean> {
    return (await this.call(`looking for ${path}`, () => this.client.exists(path))) !== false;
  }

  async makeDirectory(path: string): Promise<void> {
    if (await this.exists(path)) return;
    try {
      await this.call(`creating ${path}`, () => this.client.mkdir(path, true));
    } catch (error) {
      // Another run (perhaps on another instance) created it meanwhile.
      if (!this.lost && (await this.exists(path))) return;
      throw error;
    }
  }

  async rename(from: string, to: string): Promise<void> {
    await this.call(`renaming ${from} to ${to}`, () => this.client.rename(from, to));
  }

  async remove(path: string): Promise<void> {
    await this.call(`deleting ${path}`, () => this.client.delete(path, true));
  }

  /** Always safe to call, whatever state the connection is in. */
  async close(): Promise<void> {
    try {
      await this.client.end();
    } catch {
      // Already gone: nothing left to close.
    }
  }
}
