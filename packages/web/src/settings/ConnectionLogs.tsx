/** @module web/settings/ConnectionLogs: a connection's recent log lines (GET /connections/{id}/logs), refreshed on status changes. */
import { useEffect, useState } from 'react';
import type { ConnectionLog } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { errorText, fullTime } from '../format.ts';
import { Icon } from '../icons.tsx';

export function ConnectionLogs({ connectionId, name }: { connectionId: string; name: string }) {
  const { client, subscribe } = useApp();
  const [logs, setLogs] = useState<ConnectionLog[] | null>(null);
  const [error, setError] = useState('');

  const load = () =>
    client
      .connectionLogs(connectionId)
      .then((l) => {
        setLogs(l);
        setError('');
      })
      .catch((err: unknown) => setError(errorText(err)));
  useEffect(() => {
    void load();
    return subscribe((e) => {
      if (e.type === 'connection.status' && e.data.connectionId === connectionId) void load();
    });
  }, [client, connectionId, subscribe]);

  return (
    <section className="logs" aria-label={`Logs of ${name}`}>
      <div className="row between">
        <h4>Logs</h4>
        <button type="button" onClick={() => void load()} aria-label={`Refresh logs of ${name}`}>
          <Icon name="refresh" /> Refresh
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {logs && logs.length === 0 && <p className="empty">No log lines yet.</p>}
      {logs && logs.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Level</th>
              <th scope="col">Event</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {logs.map((l) => (
              <tr key={l.id} className={`log-${l.level}`}>
                <td>
                  <time dateTime={l.at}>{fullTime(l.at)}</time>
                </td>
                <td>{l.level}</td>
                <td>{l.event}</td>
                <td className="log-message">{l.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
