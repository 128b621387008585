/** An endpoint failing for this long without a success is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3600 * 1000;
/** The longest a Retry-After header may push a retry back. */
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

/** What one call to a receiver gave. */
export interface CallResult {
  /** The HTTP status, when the receiver answered. */
  statusCode?: number;
  /** Why no usable answer came (timeout, connection refused, refused address...). */
  error?: string;
  /** The failure will not change by retrying (an address the policy refuses, a redirect). */
  permanent?: boolean;
  retryAfter?: string;
}

export type Decision =
  | { outcome: 'delivered' }
  | { outcome: 'retry'; delaySeconds: number }
  | { outcome: 'failed'; reason: string; disableEndpoint?: string };

/** Seconds asked by a `Retry-After` header (seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(header: string | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : (Date.parse(trimmed) - now.getTime()) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(Math.ceil(seconds), 0), MAX_RETRY_AFTER_SECONDS);
}

/**
 * After an attempt: delivered on a 2xx; retried on a timeout, a network error, a 5xx or a 429 (not sooner than its
 * Retry-After) while the schedule lasts; given up on any other answer. A 410, or failing for three days, disables
 * the endpoint. `attempt` counts this one (1 for the first); `failingSince` is when the endpoint's current run of
 * failures began, before this attempt.
 */
export function decide(
  result: CallResult,
  attempt: number,
  retrySeconds: readonly number[],
  failingSince: Date | null,
  now: Date,
): Decision {
  const status = result.statusCode;
  if (status !== undefined && status >= 200 && status < 300) return { outcome: 'delivered' };
  if (status === 410) {
    return {
      outcome: 'failed',
      reason: 'the receiver answered 410 Gone',
      disableEndpoint: 'the receiver answered 410 Gone',
    };
  }
  if (failingSince && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS) {
    const reason = `every delivery has failed since ${failingSince.toISOString()} (3 days)`;
    return { outcome: 'failed', reason, disableEndpoint: reason };
  }
  const retryable = status === undefined ? !result.permanent : status >= 500 || status === 429;
  if (!retryable) {
    const reason =
      status === undefined
        ? (result.error ?? 'no answer')
        : status >= 300 && status < 400
          ? `the receiver answered ${status}: redirects are not followed`
          : `the receiver answered ${status}`;
    return { outcome: 'failed', reason };
  }
  if (attempt > retrySeconds.length) return { outcome: 'failed', reason: `no success after ${attempt} attempts` };
  const asked = retryAfterSeconds(result.retryAfter, now) ?? 0;
  return { outcome: 'retry', delaySeconds: Math.max(retrySeconds[attempt - 1], asked) };
}
