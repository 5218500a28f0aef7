// One health probe request, made so that green (which runs the deployer's code) cannot turn it
// into a request anywhere else: no redirect is followed (a 3xx is a failed probe, its Location
// reported), and no connection is made to a link-local or metadata address, whether the URL names
// one or its host name resolves to one. The check sits in the connection's own DNS lookup, so a
// name that resolves differently between a check and the connect cannot slip past it.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { FORBIDDEN_PROBE_ADDRESSES, isForbiddenProbeAddress } from '../../common/probe-addresses.js';

/** Undefined: the probe passed (2xx). Otherwise what went wrong, in words for the probe's detail. */
export type ProbeProblem = string | undefined;

/** The resolver a probe's connection uses: the system's, as `dns.lookup` answers it. */
type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** A connection's DNS lookup that refuses any name resolving to a forbidden address (any of them, not just the first). */
export function guardLookup(resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const forbidden = addresses.find((a) => isForbiddenProbeAddress(a.address));
      if (forbidden) {
        const refused = Object.assign(
          new Error(`refused: ${hostname} resolves to ${forbidden.address}; probes never reach ${FORBIDDEN_PROBE_ADDRESSES}`),
          { code: 'EPROBEREFUSED' },
        );
        return callback(refused, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      return callback(null, first.address, first.family);
    });
  };
}

const guardedLookup = guardLookup((hostname, options, callback) => dnsLookup(hostname, options, callback));

function judge(res: IncomingMessage): ProbeProblem {
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    return `${status} redirect to ${res.headers.location ?? '(no Location)'}: not followed, probes follow no redirect`;
  }
  return status >= 200 && status < 300 ? undefined : `HTTP ${status}`;
}

export function probeRequest(url: string, timeoutMs: number): Promise<ProbeProblem> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(`not a URL: ${url}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    return Promise.resolve(`refused: ${target.protocol} is not http or https`);
  if (isForbiddenProbeAddress(target.hostname)) {
    return Promise.resolve(`refused: ${target.hostname} is one of ${FORBIDDEN_PROBE_ADDRESSES}, which probes never reach`);
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      target,
      { method: 'GET', lookup: guardedLookup, signal: AbortSignal.timeout(timeoutMs), headers: { accept: '*/*' } },
      (res) => {
        const problem = judge(res);
        // A body that never ends is cut by the timeout: the response closes incomplete.
        res.on('error', () => resolve(problem ?? `no complete answer within ${timeoutMs} ms`));
        res.on('end', () => resolve(problem));
        res.on('close', () => resolve(res.complete ? problem : (problem ?? `no complete answer within ${timeoutMs} ms`)));
        res.resume();
      },
    );
    req.on('error', (error: Error & { code?: string }) => {
      resolve(error.name === 'AbortError' || error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : error.message);
    });
    req.end();
  });
}
