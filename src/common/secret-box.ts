import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets kept in the database (SFTP credentials, webhook signing secrets), sealed with AES-256-GCM under a key
 * derived from `SECRET_KEY`. The `v1:` prefix names the key version, so a later rotation can add `v2:` and still
 * open what `v1` sealed. Format: `v1:<iv>:<tag>:<ciphertext>`, each part base64.
 */
const VERSION = 'v1';

function keyOf(secretKey: string): Buffer {
  if (!secretKey) throw new Error('SECRET_KEY is needed to seal or open stored secrets');
  return createHash('sha256').update(`carnet-secret-box:${VERSION}:${secretKey}`).digest();
}

export function sealSecret(plain: string, secretKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secretKey), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(
    ':',
  );
}

/** Throws (without echoing the sealed text) when the value was sealed under another key or was tampered with. */
export function openSecret(sealed: string, secretKey: string): string {
  const parts = sealed.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION)
    throw new Error('A stored secret has an unknown format or key version');
  const [, iv, tag, ciphertext] = parts.map((part, i) => (i === 0 ? Buffer.alloc(0) : Buffer.from(part, 'base64')));
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secretKey), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('A stored secret cannot be opened with this SECRET_KEY (changed key, or altered data)');
  }
}
