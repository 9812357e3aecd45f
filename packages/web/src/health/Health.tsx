/**
 * @module web/health/Health: every connection's health on one page — its checks with the reasons and the fix, last
 * inbound and outbound, the last hour of sends (error rate, 429s, 5xx, the provider's answer time p50/p95) and a 24 h
 * sparkline of its messages per hour. Read from GET /connections/health-summary; read again when a connection's
 * health or status changes on the event stream, every minute, and on "Refresh".
 */
import { useCallback, useEffect, useState } from 'react';
import type { ConnectionHealthSummary } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { errorText, fullTime, shortTime, withTimes } from '../format.ts';

const REFRESH_MS = 60_000;

export function Health() {
  const { client, subscribe, types } = useApp();
  const [rows, setRows] = useState<ConnectionHealthSummary[] | null>(null);
  const [error, setError] = useState('');
  const [checking, setChecking] = useState<string | null>(null);
  // "Send a test event": what the provider said, per connection (sent, or the error's reason)
  const [tested, setTested] = useState<{ id: string; ok: boolean; text: string } | null>(null);
  const [testing, setTesting] = useState<string | null>(null);

  const load = useCallback(() => {
    client
      .connectionHealthSummary()
      .then((data) => {
        setRows(data);
        setError('');
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [client]);

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    const off = subscribe((e) => {
      if (e.type === 'connection.health' || e.type === 'connection.status' || e.type === 'stream.open') load();
    });
    return () => {
      clearInterval(timer);
      off();
    };
  }, [load, subscribe]);

  const checkNow = async (row: ConnectionHealthSummary) => {
    setChecking(row.connectionId);
    try {
      await client.checkConnectionHealth(row.connectionId);
      load();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setChecking(null);
    }
  };

  // the provider delivers a sample inbound to the connection's webhook; its first-message check turns green once it
  // arrives, which the connection.health event reloads
  const testEvent = async (row: ConnectionHealthSummary) => {
    setTesting(row.connectionId);
    setTested(null);
    try {
      const { detail } = await client.sendTestEvent(row.connectionId);
      setTested({ id: row.connectionId, ok: true, text: `Sent — ${detail}` });
      // the webhook usually arrives within a second or two: run the checks again then
      for (const wait of [1000, 2500, 5000]) {
        await new Promise((r) => setTimeout(r, wait));
        const health = await client.checkConnectionHealth(row.connectionId);
        load();
        if (health.checks.some((x) => x.name === 'first_message' && x.state === 'healthy')) break;
      }
    } catch (err) {
      setTested({ id: row.connectionId, ok: false, text: `Not sent: ${errorText(err)}` });
    } finally {
      setTesting(null);
    }
  };

  return (
    <section className="health-page" aria-labelledby="health-title">
      <div className="health-head">
        <h2 id="health-title">Health</h2>
        <button type="button" onClick={load}>
          Refresh
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {rows === null ? (
        <p className="empty" role="status">
          Loading…
        </p>
      ) : rows.length === 0 ? (
        <p className="empty">No connections yet — add one under Settings › Channels.</p>
      ) : (
        <table className="health-table">
          <thead>
            <tr>
              <th scope="col">Connection</th>
              <th scope="col">Checks</th>
              <th scope="col">Last inbound</th>
              <th scope="col">Last outbound</th>
              <th scope="col" title="outbound messages of the last hour that failed or wait for a retry">
                Errors (1 h)
              </th>
              <th
                scope="col"
                title="provider answers of the last hour: rate limited (429) and server errors (5xx, timeouts)"
              >
                429 / 5xx (1 h)
              </th>
              <th scope="col" title="how long the provider took to answer a send, over the last hour">
                Latency p50 / p95
              </th>
              <th scope="col">Messages, 24 h</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.connectionId} data-connection={row.connectionId}>
                <th scope="row" className="health-conn">
                  {/* the cell stays a table cell (a flex th leaves the table's grid); its parts flow inside */}
                  <div className="health-conn-cell">
                    <span className={`dot dot-${row.status}`} data-status={row.status} title={row.status} />
                    <span className="health-conn-name">{row.name}</span>
                    <span className="health-conn-type">{row.type}</span>
                    {row.health ? (
                      <span className={`badge health health-${row.health.state}`} data-health={row.health.state}>
                        {row.health.state}
                      </span>
                    ) : (
                      <span className="badge" data-health="unchecked">
                        not checked
                      </span>
                    )}
                    <button
                      type="button"
                      className="link"
                      disabled={checking === row.connectionId}
                      onClick={() => void checkNow(row)}
                      aria-label={`Check the health of ${row.name} now`}
                    >
                      {checking === row.connectionId ? 'Checking…' : 'Check now'}
                    </button>
                    {types.get(row.type)?.features.includes('testEvent') === true && row.status === 'RUNNING' && (
                      <button
                        type="button"
                        className="link"
                        disabled={testing === row.connectionId}
                        onClick={() => void testEvent(row)}
                        aria-label={`Send a test event to ${row.name}`}
                        title="The provider delivers a test message to this connection"
                      >
                        {testing === row.connectionId ? 'Sending…' : 'Send a test event'}
                      </button>
                    )}
                    {tested?.id === row.connectionId && (
                      <span
                        className={tested.ok ? 'health-test-sent' : 'health-test-failed error'}
                        role="status"
                        data-test-event={tested.ok ? 'sent' : 'failed'}
                      >
                        {tested.text}
                      </span>
                    )}
                  </div>
                </th>
                <td data-label="Checks">
                  <ul className="health-checks">
                    {(row.health?.checks ?? []).map((c) => (
                      <li
                        key={c.name}
                        className={`health-check health-${c.state}`}
                        data-check={c.name}
                        data-state={c.state}
                      >
                        <span className="health-check-name">{c.name.replace(/_/g, ' ')}</span>{' '}
                        <Detail text={c.detail} />
                      </li>
                    ))}
                  </ul>
                </td>
                <td
                  data-field="lastInbound"
                  data-label="Last inbound"
                  title={row.lastInboundAt ? fullTime(row.lastInboundAt) : undefined}
                >
                  {row.lastInboundAt ? shortTime(row.lastInboundAt) : '—'}
                </td>
                <td
                  data-field="lastOutbound"
                  data-label="Last outbound"
                  title={row.lastOutboundAt ? fullTime(row.lastOutboundAt) : undefined}
                >
                  {row.lastOutboundAt ? shortTime(row.lastOutboundAt) : '—'}
                </td>
                <td data-field="errorRate" data-label="Errors (1 h)">
                  {row.lastHour.outbound === 0
                    ? '—'
                    : `${Math.round(row.lastHour.errorRate * 100)} % of ${row.lastHour.outbound}`}
                </td>
                <td data-field="providerErrors" data-label="429 / 5xx (1 h)">
                  {row.lastHour.rateLimited} / {row.lastHour.serverErrors}
                </td>
                <td data-field="latency" data-label="Latency p50 / p95">
                  {row.lastHour.latencyP50Ms === null
                    ? '—'
                    : `${ms(row.lastHour.latencyP50Ms)} / ${ms(row.lastHour.latencyP95Ms ?? row.lastHour.latencyP50Ms)}`}
                </td>
                <td data-label="Messages, 24 h">
                  <Sparkline hourly={row.hourly} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** a check's finding as the server wrote it, its times written as the app writes them */
function Detail({ text }: { text: string }) {
  return (
    <>
      {withTimes(text).map((part, i) =>
        typeof part === 'string' ? (
          part
        ) : (
          <time key={i} dateTime={part.iso} title={part.iso}>
            {part.text}
          </time>
        ),
      )}
    </>
  );
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

const W = 120;
const H = 28;

/** messages per hour (inbound + outbound), oldest left; a bar per hour so a single busy hour still shows */
function Sparkline({ hourly }: { hourly: ConnectionHealthSummary['hourly'] }) {
  const totals = hourly.map((h) => h.inbound + h.outbound);
  const max = Math.max(1, ...totals);
  const sum = totals.reduce((a, b) => a + b, 0);
  const bar = W / Math.max(1, hourly.length);
  return (
    <svg
      className="sparkline"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Messages per hour over the last 24 hours: ${sum} in all`}
      data-sparkline={totals.join(',')}
    >
      <line x1={0} y1={H - 0.5} x2={W} y2={H - 0.5} className="sparkline-base" />
      {hourly.map((h, i) => {
        const total = h.inbound + h.outbound;
        const height = total === 0 ? 0 : Math.max(2, (total / max) * (H - 2));
        return (
          <rect key={h.hour} x={i * bar + 0.5} y={H - height} width={Math.max(1, bar - 1)} height={height}>
            <title>{`${new Date(h.hour).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: ${h.inbound} in, ${h.outbound} out`}</title>
          </rect>
        );
      })}
    </svg>
  );
}
