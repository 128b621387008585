import { decide, retryAfterSeconds } from './delivery-rules';

describe('webhook delivery rules', () => {
  const schedule = [5, 300, 1800, 7200, 18000, 36000, 86400];
  const now = new Date('2026-12-01T12:00:00Z');

  it('delivers on a 2xx', () => {
    expect(decide({ statusCode: 204 }, 1, schedule, null, now)).toEqual({ outcome: 'delivered' });
  });

  it('retries timeouts, network errors, 5xx and 429 along the schedule', () => {
    expect(decide({ error: 'timed out after 15 s' }, 1, schedule, null, now)).toEqual({
      outcome: 'retry',
      delaySeconds: 5,
    });
    expect(decide({ error: 'ECONNREFUSED' }, 2, schedule, now, now)).toEqual({ outcome: 'retry', delaySeconds: 300 });
    expect(decide({ statusCode: 503 }, 7, schedule, now, now)).toEqual({ outcome: 'retry', delaySeconds: 86400 });
    expect(decide({ statusCode: 429 }, 3, schedule, now, now)).toEqual({ outcome: 'retry', delaySeconds: 1800 });
    expect(decide({ statusCode: 500 }, 8, schedule, now, now)).toEqual({
      outcome: 'failed',
      reason: 'no success after 8 attempts',
    });
  });

  it('waits at least what Retry-After asks, up to a day', () => {
    expect(decide({ statusCode: 429, retryAfter: '120' }, 1, schedule, null, now)).toEqual({
      outcome: 'retry',
      delaySeconds: 120,
    });
    expect(decide({ statusCode: 503, retryAfter: '1' }, 2, schedule, now, now)).toEqual({
      outcome: 'retry',
      delaySeconds: 300,
    });
    expect(retryAfterSeconds('Tue, 01 Dec 2026 12:10:00 GMT', now)).toBe(600);
    expect(retryAfterSeconds('999999', now)).toBe(86400);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
  });

  it('gives up at once on other 4xx, redirects and refused addresses', () => {
    expect(decide({ statusCode: 400 }, 1, schedule, null, now)).toEqual({
      outcome: 'failed',
      reason: 'the receiver answered 400',
    });
    expect(decide({ statusCode: 301 }, 1, schedule, null, now)).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('redirects are not followed'),
    });
    expect(decide({ error: 'resolves to 10.0.0.1', permanent: true }, 1, schedule, null, now)).toEqual({
      outcome: 'failed',
      reason: 'resolves to 10.0.0.1',
    });
  });

  it('disables the endpoint on 410 and after three days of failures', () => {
    expect(decide({ statusCode: 410 }, 1, schedule, null, now)).toMatchObject({
      outcome: 'failed',
      disableEndpoint: 'the receiver answered 410 Gone',
    });
    const since = new Date(now.getTime() - 3 * 24 * 3600 * 1000);
    expect(decide({ statusCode: 500 }, 2, schedule, since, now)).toMatchObject({
      outcome: 'failed',
      disableEndpoint: expect.stringContaining('since 2026-11-28T12:00:00.000Z'),
    });
    const lately = new Date(since.getTime() + 1000);
    expect(decide({ statusCode: 500 }, 2, schedule, lately, now)).toEqual({ outcome: 'retry', delaySeconds: 300 });
    expect(decide({ statusCode: 200 }, 2, schedule, since, now)).toEqual({ outcome: 'delivered' });
  });
});
