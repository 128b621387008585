import { Webhook } from 'standardwebhooks';
import { newMessageId, newSigningSecret, sign, signedHeaders } from './webhook-signature';

describe('webhook signatures', () => {
  const body = JSON.stringify({ type: 'import.finished', timestamp: '2026-12-01T10:00:00.000Z', data: { Id: 1 } });

  it('signs as the Standard Webhooks verifier expects', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = signedHeaders([secret], newMessageId(), new Date(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toBe(
      new Webhook(secret).sign(headers['webhook-id'], new Date(Number(headers['webhook-timestamp']) * 1000), body),
    );
  });

  it('matches the specification example', () => {
    // The example of the Standard Webhooks specification's reference libraries.
    const signature = sign(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('sends one signature per secret, each accepted on its own', () => {
    const [older, newer] = [newSigningSecret(), newSigningSecret()];
    const headers = signedHeaders([newer, older], 'msg_x', new Date(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(older).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newer).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
  });

  it('refuses a secret without its prefix', () => {
    expect(() => sign('abc', 'msg', 1, '')).toThrow(/whsec_/);
  });
});
