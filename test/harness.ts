import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { createApp } from '../src/app';
import { readConfig } from '../src/config/configuration';
import { Database, openDatabase } from '../src/database/database';
import { createClient } from '../sdk/client';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestAccount {
  id: string;
  login: string;
  apiKey: string;
  /** `Authorization` header value (HTTP Basic, as v4 clients send). */
  auth: string;
}

export interface TestApp {
  app: NestExpressApplication;
  database: Database;
  /** The app's DATA_DIR (a temporary folder of its own). */
  dataDir: string;
  baseUrl: string;
  http: ReturnType<typeof request>;
  createAccount(name?: string): Promise<TestAccount>;
  /** Polls an import or purge operation until it is done, failed or cancelled; answers its last state. */
  finished(who: TestAccount, id: number, kind?: 'import' | 'purge'): Promise<Record<string, unknown>>;
  /** A generated-SDK client authenticated as the account. */
  sdk(account: TestAccount): ReturnType<typeof createClient>;
  close(): Promise<void>;
}

/**
 * Boots the app on a random port: against DATABASE_URL when set (CI), else against an embedded
 * PGlite of its own in a temporary folder, so test files run in parallel. With `dataDir`, the
 * embedded database is that folder's and outlives the app (a restart test boots a second app on it).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { logDestination?: DestinationStream; dataDir?: string } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'carnet-test-'));
  const config = readConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Every test app of a shared database may run any file's scheduled runs: all wait the same short time.
    SFTP_STABLE_SECONDS: '1',
    ...env,
  });
  const database = await openDatabase(config);
  const app = await createApp(database, config, options);
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const http = request(baseUrl);
  return {
    app,
    database,
    dataDir,
    baseUrl,
    http,
    async createAccount(name = 'Test account') {
      const res = await http
        .post('/api/rest/v4/admin/accounts')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name });
      if (res.status !== 201) throw new Error(`account creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      const { id, login, apiKey } = res.body as TestAccount;
      return { id, login, apiKey, auth: `Basic ${Buffer.from(`${login}:${apiKey}`).toString('base64')}` };
    },
    async finished(who, id, kind = 'import') {
      for (let i = 0; i < 600; i++) {
        const res = await http.get(`/api/rest/v4/contacts/${kind}/${id}`).set('Authorization', who.auth);
        if (res.status !== 200) throw new Error(`${kind} ${id}: ${res.status} ${JSON.stringify(res.body)}`);
        const body = res.body as Record<string, unknown>;
        if (['done', 'failed', 'cancelled'].includes(body.Status as string)) return body;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`${kind} ${id} did not finish`);
    },
    sdk(account) {
      return createClient({ baseUrl, headers: { Authorization: account.auth } });
    },
    async close() {
      await app.close();
      await database.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
