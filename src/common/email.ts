/** Emails are stored and matched trimmed and lower-cased. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

// Local part of dot-atoms, a domain of labels with a 2+ letter TLD: what mail servers accept in practice.
const EMAIL_SYNTAX =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Whether a normalised address is syntactically deliverable. */
export function isEmailSyntaxValid(email: string): boolean {
  return email.length <= 254 && EMAIL_SYNTAX.test(email);
}
