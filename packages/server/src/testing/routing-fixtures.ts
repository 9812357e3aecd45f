/**
 * @module testing/routing-fixtures
 * What the routing and handoff end-to-end tests share: webchat visitors who write over real HTTP, operators who
 * sign in, and readers for a conversation's messages and timeline.
 */
import { eventually, type TestServer } from './test-server.js';

/** the next Monday 12:00 UTC (13:00 or 14:00 in Berlin, inside office hours) after now: sign-in sessions stay valid */
export function nextMondayNoonUtc(from = Date.now()): number {
  const d = new Date(from);
  d.setUTCHours(12, 0, 0, 0);
  while (d.getUTCDay() !== 1 || d.getTime() <= from) d.setUTCDate(d.getUTCDate() + 1);
  return d.getTime();
}

export interface Visitor {
  token: string;
  visitorId: string;
  say(text: string): Promise<void>;
}

let clientIds = 0;

/** a new anonymous webchat visitor (a new contact) on the connection */
export async function newVisitor(t: TestServer, connectionId: string): Promise<Visitor> {
  const res = await fetch(`${t.url}/webchat/${connectionId}/sessions`, { method: 'POST' });
  if (res.status !== 200 && res.status !== 201) throw new Error(`webchat session: ${res.status} ${await res.text()}`);
  const session = (await res.json()) as { token: string; visitorId: string };
  return {
    ...session,
    async say(text: string) {
      const sent = await fetch(`${t.url}/webchat/${connectionId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMessageId: `c-${++clientIds}`, text }),
      });
      if (sent.status !== 200) throw new Error(`webchat message: ${sent.status} ${await sent.text()}`);
    },
  };
}

export interface Operator {
  id: string;
  token: string;
  headers: Record<string, string>;
}

/** invites an operator (or admin) and signs them in */
export async function newOperator(
  t: TestServer,
  email: string,
  role: 'operator' | 'admin' = 'operator',
): Promise<Operator> {
  const password = 'operator password 1';
  const invited = await t.api<{ user: { id: string } }>('POST', '/api/v1/users', {
    email,
    name: email.split('@')[0],
    role,
    password,
  });
  if (invited.status !== 201) throw new Error(`invite ${email}: ${invited.status} ${JSON.stringify(invited.body)}`);
  const login = await t.api<{ token: string }>(
    'POST',
    '/api/v1/auth/login',
    { email, password },
    { authorization: '' },
  );
  if (login.status !== 200) throw new Error(`login ${email}: ${login.status}`);
  return {
    id: invited.body.user.id,
    token: login.body.token,
    headers: { authorization: `Bearer ${login.body.token}` },
  };
}

export interface Conv {
  id: string;
  contactId: string;
  status: string;
  handler: 'agent' | 'human' | null;
  agentId: string | null;
  teamId: string | null;
  assigneeId: string | null;
  tags: string[];
}
export interface Msg {
  id: string;
  direction: 'inbound' | 'outbound';
  content: { type: string; text?: string };
  metadata: Record<string, unknown>;
  status: string;
}
export interface TimelineEvent {
  id: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  at: string;
}

/** the visitor's open conversation once routing decided who handles it */
export async function routedConversation(
  t: TestServer,
  connectionId: string,
  visitorId: string,
  what = 'the routed conversation',
): Promise<Conv> {
  return eventually(
    async () => {
      const list = await t.api<{ data: Array<Conv & { address: string }> }>(
        'GET',
        `/api/v1/conversations?connectionId=${connectionId}&status=open&limit=200`,
      );
      const conv = list.body.data.find((c) => c.address === visitorId);
      return conv && conv.handler !== null ? conv : undefined;
    },
    10_000,
    what,
  );
}

export async function messagesOf(t: TestServer, conversationId: string): Promise<Msg[]> {
  return (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`)).body.data;
}

export async function timelineOf(t: TestServer, conversationId: string): Promise<TimelineEvent[]> {
  return (await t.api<{ data: TimelineEvent[] }>('GET', `/api/v1/conversations/${conversationId}/timeline?limit=200`))
    .body.data;
}

export const outboundTexts = (messages: Msg[]): string[] =>
  messages.filter((m) => m.direction === 'outbound').map((m) => m.content.text ?? `[${m.content.type}]`);
