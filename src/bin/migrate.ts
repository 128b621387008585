import { loadDotEnv, readConfig } from '../config/configuration';
import { openDatabase } from '../database/database';

/** `npm run migrate`: applies pending migrations (under the same advisory lock as start-up) and exits. */
async function migrate(): Promise<void> {
  loadDotEnv();
  const database = await openDatabase(readConfig());
  const applied: { name: string }[] = await database.dataSource.query('SELECT name FROM migrations ORDER BY id');
  process.stdout.write(`Database is at ${applied.at(-1)?.name ?? 'no migration'} (${applied.length} applied)\n`);
  await database.close();
}

void migrate();
