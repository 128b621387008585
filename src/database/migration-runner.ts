import { DataSource, MigrationExecutor } from 'typeorm';

/** Any fixed 64-bit number; every instance agrees on it so only one migrates at a time. */
const MIGRATION_LOCK_KEY = 7_245_113_901;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock on the same connection, so two
 * instances booting together never migrate twice (and the embedded single connection suffices).
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
