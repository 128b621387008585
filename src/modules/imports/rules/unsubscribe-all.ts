import type { ImportUnsubscribe } from '../import-settings';

/**
 * The columns "unsubscribe everyone in the file" writes on every imported row, over what the file says: the
 * opt-in of each channel asked for, with the reason (the consent rules date it).
 */
export function unsubscribeColumns(unsubscribe: ImportUnsubscribe | undefined, operationId: number) {
  const columns: Record<string, string> = {};
  const reason = `import ${operationId}: everyone in the file unsubscribed`;
  if (unsubscribe?.email)
    Object.assign(columns, { email_optin: unsubscribe.email, email_unsubscription_reason: reason });
  if (unsubscribe?.sms) Object.assign(columns, { mobile_optin: unsubscribe.sms, mobile_unsubscription_reason: reason });
  return columns;
}

/** How the history of each contact says it. */
export function unsubscribeNote(unsubscribe: ImportUnsubscribe | undefined): string | undefined {
  const channels = [
    unsubscribe?.email && `email ${unsubscribe.email}`,
    unsubscribe?.sms && `SMS ${unsubscribe.sms}`,
  ].filter(Boolean);
  return channels.length > 0 ? `everyone in the file unsubscribed: ${channels.join(', ')}` : undefined;
}
