/**
 * @module web/conversation/ChannelDown: above the composer, says when the conversation's connection is not running
 * (ERROR with its reason, or stopped), and that replies wait in the queue until it runs again — the outbound
 * worker keeps them queued rather than failing them (core/outbound/outbound-worker.ts). Follows
 * `connection.status` events, so the notice comes and goes live.
 */
import { useEffect, useState, type ReactElement } from 'react';
import type { Connection } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { Icon } from '../icons.tsx';

type Status = Pick<Connection, 'status' | 'statusReason' | 'name'>;

export function ChannelDownNotice({ connectionId }: { connectionId: string }): ReactElement | null {
  const { client, subscribe } = useApp();
  const [conn, setConn] = useState<Status | null>(null);
  useEffect(() => {
    let live = true;
    // a status event newer than a load's request wins over that load's answer: an answer read before the event
    // (and arriving after it, on a slow request) would otherwise put a connection back to RUNNING that is down
    let events = 0;
    const load = () => {
      const seen = events;
      return client
        .getConnection(connectionId)
        .then((c) => live && seen === events && setConn(c))
        .catch(() => undefined); // deleted or not visible: nothing to say here
    };
    void load();
    const off = subscribe((e) => {
      if (e.type === 'stream.open') void load();
      else if (e.type === 'connection.status' && e.data.connectionId === connectionId) {
        events += 1;
        setConn((c) => ({
          name: c?.name ?? '',
          status: e.data.status as Connection['status'],
          statusReason: (e.data.statusReason as string | null | undefined) ?? null,
        }));
      }
    });
    return () => {
      live = false;
      off();
    };
  }, [client, connectionId]);
  if (!conn || conn.status === 'RUNNING' || conn.status === 'STARTING') return null;
  const down =
    conn.status === 'ERROR' ? `This channel is down: ${conn.statusReason ?? 'an error'}` : 'This channel is stopped';
  return (
    <p className="notice channel-down" role="alert">
      <Icon name="alert" /> {down}. Replies wait in the queue and go out when it runs again.
    </p>
  );
}
