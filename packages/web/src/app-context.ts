/**
 * @module web/app-context: what every screen of the signed-in app shares — the API client, the signed-in user,
 * the workspace's people (for assignees), the channel capabilities, and the live event stream.
 */
import { createContext, useContext } from 'react';
import type { ConnectionType, HubEvent, Role, SwitchboardClient, User } from '../../sdk/src/index.ts';

export type Listener = (event: HubEvent) => void;

export interface AppState {
  client: SwitchboardClient;
  me: User;
  users: Map<string, User>;
  reloadUsers: () => void;
  /** connection types by type name (capabilities: outbound content types, buttons, templates, windowHours) */
  types: Map<string, ConnectionType>;
  subscribe: (l: Listener) => () => void;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp outside the signed-in app');
  return state;
}

const RANK: Record<Role, number> = { operator: 1, admin: 2, owner: 3 };
export function atLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export interface Capabilities {
  outbound: string[];
  buttons: number;
  templates: boolean;
  maxTextLength?: number;
  maxMediaBytes?: number;
  /** the customer-service window of a windowed channel (WhatsApp: 24) */
  windowHours?: number;
  /** the channel speaks into phone calls: a text goes into a call going on, never starts a conversation */
  spoken: boolean;
}
/**
 * a channel whose customers are mailboxes (addressKind email): its messages read as mail (subject, from/to/cc) and
 * its replies take a cc — whichever connector carries mail, not one type name
 */
export function isMailChannel(types: Map<string, ConnectionType>, type: string | undefined): boolean {
  return type !== undefined && types.get(type)?.addressKind === 'email';
}

export function capabilitiesOf(types: Map<string, ConnectionType>, type: string): Capabilities {
  const c = types.get(type)?.capabilities ?? {};
  return {
    outbound: Array.isArray(c.outbound) ? (c.outbound as string[]) : ['text'],
    buttons: typeof c.buttons === 'number' ? c.buttons : 0,
    templates: c.templates === true,
    ...(typeof c.maxTextLength === 'number' ? { maxTextLength: c.maxTextLength } : {}),
    ...(typeof c.maxMediaBytes === 'number' ? { maxMediaBytes: c.maxMediaBytes } : {}),
    ...(typeof c.windowHours === 'number' ? { windowHours: c.windowHours } : {}),
    spoken: c.spoken === true,
  };
}
