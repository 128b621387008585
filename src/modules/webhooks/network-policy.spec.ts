import { addressProblem, isPrivateAddress, parseWebhookUrl } from './network-policy';

describe('webhook network policy', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::10.0.0.1',
    '2002:c0a8:0101::1',
  ])('treats %s as private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'treats %s as public',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it('reads the URL shape', () => {
    expect(parseWebhookUrl('ftp://example.com/x')).toMatch(/must use https/);
    expect(parseWebhookUrl('example.com/x')).toMatch(/not an absolute URL/);
    expect(parseWebhookUrl('https://user:pw@example.com/')).toMatch(/user name or password/);
    expect(parseWebhookUrl('https://[::1]:8443/hook')).toMatchObject({ host: '::1', literalAddress: '::1' });
    expect(parseWebhookUrl('https://hooks.example.com/')).toMatchObject({ host: 'hooks.example.com' });
  });

  it('needs https for public addresses and refuses private ones unless allowed', () => {
    const https = new URL('https://hooks.example.com/');
    const http = new URL('http://hooks.example.com/');
    expect(addressProblem(https, ['93.184.216.34'], false)).toBeUndefined();
    expect(addressProblem(http, ['93.184.216.34'], true)).toMatch(/must use https/);
    expect(addressProblem(https, ['93.184.216.34', '10.0.0.5'], false)).toMatch(
      /resolves to 10.0.0.5.*WEBHOOK_ALLOW_PRIVATE_NETWORKS=true/,
    );
    expect(addressProblem(http, ['127.0.0.1'], false)).toMatch(/loopback or private/);
    expect(addressProblem(http, ['127.0.0.1'], true)).toBeUndefined();
    expect(addressProblem(https, [], true)).toMatch(/does not resolve/);
  });
});
