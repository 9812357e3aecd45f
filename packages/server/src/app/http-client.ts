/** @module app/http-client — fetch for connectors, bounded by a timeout so a hung provider cannot hold a worker. */
import type { HttpClient } from '../channel-kit/index.js';

export function createHttpClient(timeoutMs: number): HttpClient {
  return (url, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(url, { ...init, signal });
  };
}
