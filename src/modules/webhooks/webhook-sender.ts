import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CallResult } from './delivery-rules';
import { addressProblem, parseWebhookUrl } from './network-policy';

/** How much of a receiver's answer is kept in the attempt log. */
const RESPONSE_HEAD_BYTES = 1024;

export interface ReceiverCall {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
}

export interface CallOutcome extends CallResult {
  durationMs: number;
  /** The start of the receiver's answer body. */
  responseHead?: string;
}

class RefusedAddress extends Error {}

/**
 * The host is resolved here, at connection time, and every address it resolves to is checked before connecting
 * to one of them: a name that resolved to a public address when the endpoint was saved cannot lead to a private
 * one later (DNS rebinding).
 */
function checkedLookup(url: URL, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const problem = addressProblem(
        url,
        addresses.map((a) => a.address),
        allowPrivate,
      );
      if (problem) return callback(new RefusedAddress(problem), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function readHead(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).subarray(0, RESPONSE_HEAD_BYTES).toString('utf8'));
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_HEAD_BYTES) {
        response.destroy();
        done();
      }
    });
    response.on('end', done);
    response.on('error', done);
    response.on('close', done);
  });
}

/**
 * POSTs a signed payload to a receiver: no redirect followed (a 3xx is an answer like any other), one connection
 * per call, the whole exchange bounded by `timeoutMs`. Never throws: what happened is in the outcome.
 */
export function callReceiver(call: ReceiverCall): Promise<CallOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const parsed = parseWebhookUrl(call.url);
  if (typeof parsed === 'string') return Promise.resolve({ error: parsed, permanent: true, durationMs: 0 });
  const { url, literalAddress } = parsed;
  if (literalAddress) {
    const problem = addressProblem(url, [literalAddress], call.allowPrivateNetworks);
    if (problem) return Promise.resolve({ error: problem, permanent: true, durationMs: 0 });
  }
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Omit<CallOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: checkedLookup(url, call.allowPrivateNetworks),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(call.body),
          'user-agent': 'Carnet-Webhooks/1.0',
          ...call.headers,
        },
      },
      (response) => {
        void readHead(response).then((responseHead) => {
          const retryAfter = response.headers['retry-after'];
          settle({ statusCode: response.statusCode, retryAfter, responseHead });
        });
      },
    );
    const timer = setTimeout(() => {
      settle({ error: `no answer within ${call.timeoutMs / 1000} s` });
      request.destroy();
    }, call.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof RefusedAddress) settle({ error: error.message, permanent: true });
      else settle({ error: error.code ? `${error.code}: ${error.message}` : error.message });
    });
    request.end(call.body);
  });
}
