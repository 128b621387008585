import type { Provider } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { CarnetConfig } from '../config/configuration';
import { CARNET_CONFIG } from '../database/database.module';

/** The key version written in front of every sealed value; a future key or scheme gets the next one. */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts the secrets Carnet must read back (webhook signing secrets, SFTP credentials) with AES-256-GCM under a
 * key derived from SECRET_KEY. A sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url) and is bound to its
 * `purpose` (e.g. `webhook-endpoint:<id>`), so a ciphertext copied onto another row or use does not open.
 */
export class SecretBox {
  private readonly key: Buffer | undefined;

  constructor(secretKey: string | undefined) {
    this.key = secretKey
      ? Buffer.from(hkdfSync('sha256', secretKey, 'carnet', `secret-box ${VERSION}`, 32))
      : undefined;
  }

  seal(plain: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.requireKey(), iv);
    cipher.setAAD(Buffer.from(purpose));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), sealed]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws when the value was sealed under another key or purpose, or altered. */
  open(sealed: string, purpose: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || data === undefined) throw new Error(`Unknown sealed secret format "${version}"`);
    const decipher = createDecipheriv('aes-256-gcm', this.requireKey(), Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  private requireKey(): Buffer {
    // main.ts always sets it (generated in embedded mode); only tools that never store secrets run without.
    if (!this.key) throw new Error('SECRET_KEY is not set: stored secrets cannot be sealed or opened');
    return this.key;
  }
}

/** Provides the SecretBox to a module that stores secrets. */
export const secretBoxProvider: Provider = {
  provide: SecretBox,
  inject: [CARNET_CONFIG],
  useFactory: (config: CarnetConfig) => new SecretBox(config.secretKey),
};
