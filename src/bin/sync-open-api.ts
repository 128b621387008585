import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createApp, openApiDocument } from '../app';
import { readConfig } from '../config/configuration';
import { dataSourceOptions } from '../database/data-source-options';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** `npm run openapi`: builds the app without a database connection or listener and writes openapi/openapi.json. */
async function syncOpenApi(): Promise<void> {
  const config = readConfig({ LOG_LEVEL: 'silent' });
  const dataSource = new DataSource(dataSourceOptions({ url: 'postgres://unused@127.0.0.1:1/unused' }));
  const database = { dataSource, embedded: false, close: () => Promise.resolve() };
  const app = await createApp(database, config);
  const document = sortKeys(openApiDocument(app));
  const target = join(__dirname, '..', '..', '..', 'openapi', 'openapi.json');
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
  process.stdout.write(`Wrote ${target}\n`);
}

void syncOpenApi();
