import { createHmac } from 'node:crypto';

/**
 * The v4 `idEncrypted`: stands for a contact in links without showing its id, and cannot be forged for another
 * contact or account without `SECRET_KEY`.
 */
export function contactToken(secret: string, accountId: string, contactId: number): string {
  return createHmac('sha256', secret).update(`contact:${accountId}:${contactId}`).digest('base64url').slice(0, 32);
}
