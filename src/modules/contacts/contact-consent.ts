import { Channel, decideOptIn, decideStatus, isOptedOut, OptIn } from '../deliverability-status/status-rules';

interface ChannelColumns {
  channel: Channel;
  key: string;
  optIn: string;
  optInKey: string;
  unsubscriptionDate: string;
  unsubscriptionReason: string;
  status: string;
  statusKey: string;
  statusDate: string;
  statusDetail: string;
  softCount: string;
}

export const CHANNEL_COLUMNS: readonly ChannelColumns[] = [
  {
    channel: 'email',
    key: 'email',
    optIn: 'email_optin',
    optInKey: 'emailoptin',
    unsubscriptionDate: 'email_unsubscription_date',
    unsubscriptionReason: 'email_unsubscription_reason',
    status: 'email_status',
    statusKey: 'emailstatus',
    statusDate: 'email_status_date',
    statusDetail: 'email_status_detail',
    softCount: 'email_soft_count',
  },
  {
    channel: 'sms',
    key: 'mobile',
    optIn: 'mobile_optin',
    optInKey: 'mobileoptin',
    unsubscriptionDate: 'mobile_unsubscription_date',
    unsubscriptionReason: 'mobile_unsubscription_reason',
    status: 'mobile_status',
    statusKey: 'mobilestatus',
    statusDate: 'mobile_status_date',
    statusDetail: 'mobile_status_detail',
    softCount: 'mobile_soft_count',
  },
];

/** A new contact inherits the opt-out its suppression record kept. */
function suppressedOptIn(c: ChannelColumns, current: Record<string, unknown>): Record<string, unknown> {
  return {
    [c.optIn]: current[c.optIn],
    [c.unsubscriptionReason]: current[c.unsubscriptionReason] ?? null,
    [c.unsubscriptionDate]: current[c.unsubscriptionDate] ?? null,
  };
}

export interface ConsentOutcome {
  /** The requested columns, minus what the sticky rules refused, plus the dates they imply. */
  columns: Record<string, unknown>;
  /** One sentence per refused change, for the caller. */
  refusals: string[];
}

/**
 * Applies the sticky consent and hard-status rules to a requested change of `current` (an
 * existing contact, or for a new one the state its suppression records carry). A new contact
 * with an address and no stated opt-in is subscribed, unless suppression says otherwise.
 */
export function applyConsentRules(
  current: Record<string, unknown>,
  requested: Record<string, unknown>,
  options: { force: boolean; isNew: boolean; now: Date },
): ConsentOutcome {
  const columns = { ...requested };
  const refusals: string[] = [];
  for (const c of CHANNEL_COLUMNS) {
    const currentOptIn = (current[c.optIn] as OptIn | null | undefined) ?? null;
    const requestedOptIn = columns[c.optIn] as OptIn | null | undefined;
    if (requestedOptIn) {
      const decision = decideOptIn(currentOptIn, requestedOptIn, options.force);
      if (decision.refused) {
        delete columns[c.optIn];
        delete columns[c.unsubscriptionDate];
        delete columns[c.unsubscriptionReason];
        refusals.push(
          `${c.optInKey} stays "${currentOptIn}": the contact opted out; only a forced write can resubscribe it`,
        );
        if (options.isNew) Object.assign(columns, suppressedOptIn(c, current));
      } else if (isOptedOut(decision.value) && !isOptedOut(currentOptIn)) {
        columns[c.unsubscriptionDate] ??= options.now;
      } else if (decision.value === 'yes' && isOptedOut(currentOptIn)) {
        columns[c.unsubscriptionDate] = null;
        columns[c.unsubscriptionReason] = null;
      }
    } else if (options.isNew) {
      const hasAddress = columns[c.key] != null;
      if (isOptedOut(currentOptIn)) Object.assign(columns, suppressedOptIn(c, current));
      else columns[c.optIn] = hasAddress ? 'yes' : null;
    }

    const currentStatus = (current[c.status] as string | null | undefined) ?? null;
    const requestedStatus = columns[c.status] as string | null | undefined;
    if (requestedStatus) {
      const decision = decideStatus(c.channel, currentStatus, requestedStatus, options.force);
      if (decision.refused) {
        delete columns[c.status];
        delete columns[c.statusDate];
        delete columns[c.statusDetail];
        refusals.push(`${c.statusKey} stays "${currentStatus}": a hard status is kept unless the write is forced`);
        if (options.isNew) Object.assign(columns, { [c.status]: currentStatus, [c.statusDate]: options.now });
      } else if (decision.value !== currentStatus) {
        columns[c.statusDate] ??= options.now;
      }
    } else if (options.isNew && currentStatus) {
      columns[c.status] = currentStatus;
      columns[c.statusDate] ??= options.now;
    }
  }
  return { columns, refusals };
}
