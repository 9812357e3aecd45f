/** @module web/automation/Automation: the Automation area of the operator app (#/automation/...): webhooks, agents, routing. */
import { useContext } from 'react';
import type { HubEvent, SwitchboardClient } from '../../../sdk/src/index.ts';
import { AppContext, atLeast } from '../app-context.ts';
import { AgentsPage } from './Agents.tsx';
import { Icon, type IconName } from './icons.tsx';
import { RoutingPage } from './Routing.tsx';
import { WebhooksPage } from './Webhooks.tsx';
import './automation.css';
import { useHash } from '../use-hash.ts';

export type Subscribe = (listener: (event: HubEvent) => void) => () => void;
export interface AutomationProps {
  client: SwitchboardClient;
  subscribe: Subscribe;
}

const TABS: Array<{ id: 'agents' | 'routing' | 'webhooks'; label: string; icon: IconName }> = [
  { id: 'agents', label: 'Agents', icon: 'agent' },
  { id: 'routing', label: 'Routing', icon: 'route' },
  { id: 'webhooks', label: 'Webhooks', icon: 'webhook' },
];

/** the hash link of an automation page, e.g. automationHref('agents', id) */
export function automationHref(tab: 'agents' | 'routing' | 'webhooks', id?: string): string {
  return `#/automation/${tab}${id ? `/${encodeURIComponent(id)}` : ''}`;
}

/** mount under the app's hash route #/automation (it reads the rest of the hash itself) */
export function Automation({ client, subscribe }: AutomationProps) {
  const hash = useHash();
  // the signed-in person, when the app shell provides it: automation is the admins' and owners' business
  const me = useContext(AppContext)?.me;
  const [, tabPart, idPart] = /^#\/automation\/?([^/]*)\/?(.*)$/.exec(hash) ?? [];
  const tab = TABS.find((t) => t.id === tabPart)?.id ?? 'agents';
  const selected = idPart ? decodeURIComponent(idPart) : undefined;
  if (me && !atLeast(me.role, 'admin')) {
    return (
      <section className="au-page">
        <h2>Automation</h2>
        <p className="empty">Agents, routing and webhooks are managed by admins and owners.</p>
      </section>
    );
  }
  return (
    <div className="au-shell">
      <nav className="au-tabs" aria-label="Automation">
        {TABS.map((t) => (
          <a key={t.id} href={automationHref(t.id)} aria-current={tab === t.id ? 'page' : undefined}>
            <Icon name={t.icon} /> {t.label}
          </a>
        ))}
      </nav>
      <div className="au-body">
        {tab === 'webhooks' && <WebhooksPage client={client} />}
        {tab === 'agents' && <AgentsPage client={client} subscribe={subscribe} selectedId={selected} />}
        {tab === 'routing' && <RoutingPage client={client} subscribe={subscribe} connectionId={selected} />}
      </div>
    </div>
  );
}
