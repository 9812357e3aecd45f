/**
 * @module testing/call-views — what the phone-line tests read back through the API (a connection, a conversation,
 * its messages and calls), and the setup every one of them starts with: an agent answering the line. The shapes are
 * the parts of the API's answers the tests look at, not the whole documents (those are in the OpenAPI document).
 */
import { expect } from 'vitest';
import type { TestServer } from './test-server.js';

export interface ConnView {
  id: string;
  status: string;
  statusReason: string | null;
}
export interface ConvView {
  id: string;
  address: string;
  status: string;
}
export interface MsgView {
  id: string;
  direction: string;
  status: string;
  content: { type: string; text?: string; media?: { state?: string; url: string; mimeType: string } };
  metadata: Record<string, unknown>;
}
export interface CallView {
  id: string;
  providerCallId: string;
  conversationId: string;
  state: string;
  direction: string;
  from: string;
  to: string;
  answeredBy: string | null;
  hangupCause: string | null;
  endedAt: string | null;
}

/** an agent (`body` of POST /agents) created, attached to the line with Inbound on, and started: its id */
export async function answerWith(t: TestServer, connectionId: string, body: Record<string, unknown>): Promise<string> {
  const agent = await t.api<{ id: string }>('POST', '/api/v1/agents', body);
  expect(agent.status, JSON.stringify(agent.body)).toBe(201);
  await t.api('PUT', `/api/v1/agents/${agent.body.id}/connections`, {
    connections: [{ connectionId, inbound: true }],
  });
  expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${agent.body.id}/start`)).body.status).toBe(
    'RUNNING',
  );
  return agent.body.id;
}
