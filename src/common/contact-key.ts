import { isEmailSyntaxValid, normalizeEmail } from './email';
import { readPhone } from './phone';

/** How an account matches its contacts. */
export interface KeyRules {
  uniquenessKey: 'email' | 'mobile';
  defaultCountry: string;
}

/** A contact key as the account matches it: lower-cased email, or E.164 mobile; undefined when it is neither. */
export function readContactKey(raw: string, rules: KeyRules): string | undefined {
  if (rules.uniquenessKey === 'email') {
    const email = normalizeEmail(raw);
    return isEmailSyntaxValid(email) ? email : undefined;
  }
  return readPhone(raw, rules.defaultCountry)?.e164;
}

/** What to tell a caller whose contact key `readContactKey` could not read. */
export function invalidContactKeyMessage(raw: string, rules: KeyRules): string {
  return rules.uniquenessKey === 'email'
    ? `contactKey "${raw}" is not a valid email address (this account's contacts are keyed by email)`
    : `contactKey "${raw}" is not a valid mobile number (this account's contacts are keyed by mobile, national numbers read as ${rules.defaultCountry})`;
}
