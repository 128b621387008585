import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** A PostgreSQL URL, or the Unix socket directory of the embedded PGlite. */
export type DatabaseConnection = { url: string } | { socketDir: string };

/** Embedded PGlite has a single backend: more than one pooled connection can deadlock. */
export function dataSourceOptions(connection: DatabaseConnection): DataSourceOptions {
  const root = join(__dirname, '..', '..');
  const embedded = 'socketDir' in connection;
  return {
    type: 'postgres',
    // `pg` reads a host starting with "/" as the directory of a Unix socket.
    ...(embedded
      ? { host: connection.socketDir, username: 'postgres', database: 'postgres' }
      : { url: connection.url }),
    entities: [join(root, 'src', 'modules', '**', '*.entity.{ts,js}')],
    migrations: [join(root, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    uuidExtension: 'pgcrypto',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    extra: { max: embedded ? 1 : 10 },
  };
}
