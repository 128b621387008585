import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** The name `pg` (like libpq) looks for in a socket directory, for port 5432. */
const SOCKET_NAME = '.s.PGSQL.5432';
/** sun_path holds 108 bytes on Linux, the terminating NUL included. */
const MAX_SOCKET_PATH = 107;

export interface EmbeddedPostgres {
  /** The directory holding the Unix socket: `pg` connects with it as its `host`. */
  socketDir: string;
  stop(): Promise<void>;
}

/** Whether something answers on the socket: another process serving this DATA_DIR, or a file left by a crash. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * Starts PGlite stored under `dataDir/pgdata` and serves it on a Unix socket in `dataDir/socket` (mode 0700), so
 * the app reaches it through `pg` like a real PostgreSQL while no other user, and no network peer, can connect.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const location = join(dataDir, 'pgdata');
  const socketDir = join(dataDir, 'socket');
  const path = join(socketDir, SOCKET_NAME);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new Error(
      `DATA_DIR is too long for the embedded database's Unix socket (${path} exceeds ${MAX_SOCKET_PATH} bytes); choose a shorter DATA_DIR`,
    );
  }
  mkdirSync(location, { recursive: true });
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  chmodSync(socketDir, 0o700);
  if (existsSync(path)) {
    if (await answers(path)) {
      throw new Error(`Another process serves the embedded database of ${dataDir}; stop it or choose another DATA_DIR`);
    }
    unlinkSync(path);
  }
  const db = await PGlite.create(location);
  const server = new PGLiteSocketServer({ db, path });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    socketDir,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
