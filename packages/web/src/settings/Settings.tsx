/** @module web/settings/Settings: the Settings page and its sections (channels for admins, team, own account). */
import { atLeast, useApp } from '../app-context.ts';
import { Channels } from './Channels.tsx';
import { Account, Team } from './Team.tsx';

export function Settings({ hash }: { hash: string }) {
  const { me } = useApp();
  const admin = atLeast(me.role, 'admin');
  const sections = [
    ...(admin ? [{ id: 'channels', label: 'Channels' }] : []),
    { id: 'team', label: 'People' },
    { id: 'account', label: 'Account' },
  ];
  const asked = /^#\/settings\/([\w-]+)/.exec(hash)?.[1];
  const current = sections.find((s) => s.id === asked)?.id ?? sections[0]?.id;
  return (
    <div className="settings">
      <h1>Settings</h1>
      <nav aria-label="Settings sections" className="subnav">
        {sections.map((s) => (
          <a key={s.id} href={`#/settings/${s.id}`} aria-current={current === s.id ? 'page' : undefined}>
            {s.label}
          </a>
        ))}
      </nav>
      {current === 'channels' && <Channels />}
      {current === 'team' && <Team />}
      {current === 'account' && <Account />}
    </div>
  );
}
