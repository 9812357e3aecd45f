/**
 * Tenant isolation over every route: the OpenAPI document of a running server lists the routes; every path with
 * an `{id}` parameter, with every method, is called with a second workspace's API key and ids that belong to the
 * first workspace (connections, a webchat conversation with messages, its contact, an outbound message, a
 * template-less connection, an uploaded file, a dead letter). Each must answer 404 (400 for an invalid body), never
 * 2xx and never any of the first workspace's data; afterwards the first workspace's objects are unchanged. A route
 * with `{id}` that the explicit map below does not cover fails the test, so a new route cannot go unprobed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnector } from '../channel-kit/test-connector.js';
import { addWorkspace, collectSse, eventually, startTestServer, type TestServer } from '../testing/test-server.js';

type IdKind =
  | 'connection'
  | 'conversation'
  | 'contact'
  | 'message'
  | 'media'
  | 'deadLetter'
  | 'subscription'
  | 'delivery'
  | 'user'
  | 'routingRule'
  | 'team'
  | 'agent'
  | 'segment'
  | 'campaign';
interface Probe {
  id: IdKind;
  body?: unknown;
  note?: string;
  /** what the id's own workspace gets when that is not a read (a 404 that says "nothing kept", not "not yours") */
  own?: number;
}

/**
 * Which of the first workspace's ids each route gets, and a body that would be valid for the route's own
 * workspace (so a 404 is about the id, not the body). Keys are "METHOD path" exactly as in the OpenAPI document.
 */
const ROUTES: Record<string, Probe> = {
  'GET /api/v1/connections/{id}': { id: 'connection' },
  'PATCH /api/v1/connections/{id}': { id: 'connection', body: { name: 'hijacked', config: { title: 'hijacked' } } },
  'DELETE /api/v1/connections/{id}': { id: 'connection' },
  'POST /api/v1/connections/{id}/start': { id: 'connection' },
  'POST /api/v1/connections/{id}/stop': { id: 'connection' },
  'GET /api/v1/connections/{id}/logs': { id: 'connection' },
  'POST /api/v1/connections/{id}/health': { id: 'connection' },
  'POST /api/v1/connections/{id}/check': { id: 'connection' },
  'POST /api/v1/connections/{id}/test-event': { id: 'connection' },
  'GET /api/v1/connections/{id}/templates': { id: 'connection' },
  'POST /api/v1/connections/{id}/templates/sync': { id: 'connection' },
  'POST /api/v1/dead-letters/{id}/replay': { id: 'deadLetter' },
  'GET /api/v1/webhook-subscriptions/{id}': { id: 'subscription' },
  'PATCH /api/v1/webhook-subscriptions/{id}': {
    id: 'subscription',
    body: { url: 'https://attacker.example/hook', active: true },
  },
  'DELETE /api/v1/webhook-subscriptions/{id}': { id: 'subscription' },
  'GET /api/v1/webhook-subscriptions/{id}/deliveries': { id: 'subscription' },
  'POST /api/v1/webhook-subscriptions/{id}/replay': {
    id: 'subscription',
    body: { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' },
  },
  'POST /api/v1/webhook-deliveries/{id}/replay': { id: 'delivery' },
  'PATCH /api/v1/users/{id}': { id: 'user', body: { role: 'operator', name: 'hijacked' } },
  'DELETE /api/v1/users/{id}': { id: 'user' },
  'GET /api/v1/contacts/{id}': { id: 'contact' },
  'GET /api/v1/contacts/{id}/consent': { id: 'contact' },
  'PUT /api/v1/contacts/{id}/consent': { id: 'contact', body: { channelType: 'webchat', optedOut: true } },
  'PATCH /api/v1/contacts/{id}': {
    id: 'contact',
    body: { name: 'hijacked', attributes: { hijacked: true }, tags: ['hijacked'] },
  },
  'DELETE /api/v1/contacts/{id}': { id: 'contact' },
  'POST /api/v1/contacts/{id}/merge': { id: 'contact', body: { otherContactId: 'ct_hijack' } },
  'GET /api/v1/contacts/{id}/duplicates': { id: 'contact' },
  'GET /api/v1/contacts/{id}/export': { id: 'contact' },
  'GET /api/v1/conversations/{id}': { id: 'conversation' },
  'PATCH /api/v1/conversations/{id}': {
    id: 'conversation',
    body: { status: 'resolved', assigneeId: 'usr_hijack', markRead: true },
  },
  'POST /api/v1/conversations/{id}/typing': { id: 'conversation' },
  'GET /api/v1/conversations/{id}/messages': { id: 'conversation' },
  'GET /api/v1/conversations/{id}/calls': { id: 'conversation' },
  'POST /api/v1/conversations/{id}/messages': {
    id: 'conversation',
    body: { content: { type: 'text', text: 'hijacked reply' } },
  },
  'POST /api/v1/conversations/{id}/preview': {
    id: 'conversation',
    body: { content: { type: 'text', text: 'what would arrive' } },
  },
  'GET /api/v1/messages/{id}': { id: 'message' },
  'GET /api/v1/messages/{id}/deleted-content': {
    id: 'message',
    own: 404,
    note: 'only a message the customer deleted while the workspace kept deleted content has one: 404 to its own workspace too',
  },
  'DELETE /api/v1/messages/{id}': { id: 'message' },
  'GET /api/v1/routing-rules/{id}': { id: 'routingRule' },
  'PATCH /api/v1/routing-rules/{id}': { id: 'routingRule', body: { name: 'hijacked', enabled: false } },
  'DELETE /api/v1/routing-rules/{id}': { id: 'routingRule' },
  'GET /api/v1/teams/{id}': { id: 'team' },
  'PATCH /api/v1/teams/{id}': { id: 'team', body: { name: 'hijacked', members: [] } },
  'DELETE /api/v1/teams/{id}': { id: 'team' },
  'POST /api/v1/conversations/{id}/assign': { id: 'conversation', body: { userId: null } },
  'POST /api/v1/conversations/{id}/handoff': { id: 'conversation', body: { to: 'human' } },
  'GET /api/v1/conversations/{id}/timeline': { id: 'conversation' },
  'GET /api/v1/segments/{id}': { id: 'segment' },
  'PATCH /api/v1/segments/{id}': { id: 'segment', body: { name: 'hijacked' } },
  'DELETE /api/v1/segments/{id}': { id: 'segment' },
  'GET /api/v1/campaigns/{id}': { id: 'campaign' },
  'PATCH /api/v1/campaigns/{id}': { id: 'campaign', body: { name: 'hijacked' } },
  'DELETE /api/v1/campaigns/{id}': { id: 'campaign' },
  'POST /api/v1/campaigns/{id}/contacts': { id: 'campaign', body: { csv: 'name,phone\nMallory,+15550100999' } },
  'POST /api/v1/campaigns/{id}/start': { id: 'campaign' },
  'POST /api/v1/campaigns/{id}/pause': { id: 'campaign' },
  'POST /api/v1/campaigns/{id}/resume': { id: 'campaign' },
  'POST /api/v1/campaigns/{id}/cancel': { id: 'campaign' },
  'POST /api/v1/campaigns/{id}/duplicate': { id: 'campaign' },
  'GET /api/v1/campaigns/{id}/recipients': { id: 'campaign' },
  'GET /api/v1/campaigns/{id}/audience': { id: 'campaign' },
  'GET /api/v1/campaigns/{id}/stats': { id: 'campaign' },
  'GET /api/v1/campaigns/{id}/recipients.csv': { id: 'campaign' },
  'GET /api/v1/agents/{id}': { id: 'agent' },
  'PATCH /api/v1/agents/{id}': { id: 'agent', body: { name: 'hijacked', config: { greeting: 'hijacked' } } },
  'DELETE /api/v1/agents/{id}': { id: 'agent' },
  'POST /api/v1/agents/{id}/start': { id: 'agent' },
  'POST /api/v1/agents/{id}/stop': { id: 'agent' },
  'GET /api/v1/agents/{id}/connections': { id: 'agent' },
  'PUT /api/v1/agents/{id}/connections': { id: 'agent', body: { connections: [] } },
  'GET /media/{id}/link': {
    id: 'media',
    note: 'a signed, expiring link without bearer auth: probed with the id and no signature',
  },
  'GET /media/{id}/{key}': {
    id: 'media',
    note: 'a capability URL without bearer auth: whoever holds id and key gets the bytes by design; probed with the id and a wrong key',
  },
};

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'] as const;
const MARKERS = [
  'A-secret-hook',
  'A-secret-segment',
  'A-secret-campaign',
  'A-secret-offer',
  'A-secret-subscription',
  'A-secret-connection',
  'A-secret-gateway',
  'A-secret-text',
  'A-secret-reply',
  'A-Visitor',
  'A-secret-media',
  'a-secret-file.txt',
];
MARKERS.push('A-secret-agent', 'A-secret-greeting');

describe('tenant isolation over every route with an id', () => {
  let t: TestServer;
  const OTHER = 'sb_tenant_isolation_other_workspace_0123';
  const ids: Record<IdKind, string[]> = {
    connection: [],
    conversation: [],
    contact: [],
    message: [],
    media: [],
    deadLetter: [],
    subscription: [],
    delivery: [],
    user: [],
    routingRule: [],
    team: [],
    agent: [],
    segment: [],
    campaign: [],
  };
  let mediaUrl = '';
  let visitorId = '';
  let doc: { paths: Record<string, Partial<Record<(typeof METHODS)[number], { requestBody?: unknown }>>> };
  const asOther = (method: string, path: string, body?: unknown) =>
    t.api(method, path, body, { authorization: `Bearer ${OTHER}` });
  /** everything the first workspace can see of its own objects, to compare before and after */
  const snapshot = async () => {
    const out: Record<string, unknown> = {};
    for (const id of ids.connection)
      out[id] = (await t.api<Record<string, unknown>>('GET', `/api/v1/connections/${id}`)).body;
    for (const id of ids.conversation) {
      const { lastMessageAt: _ignored, ...conv } = (
        await t.api<Record<string, unknown>>('GET', `/api/v1/conversations/${id}`)
      ).body;
      out[id] = conv;
      out[`${id}/messages`] = (
        await t.api<{ data: Array<{ id: string; content: unknown }> }>(
          'GET',
          `/api/v1/conversations/${id}/messages?limit=200`,
        )
      ).body.data.map((m) => [m.id, m.content]);
    }
    for (const id of ids.contact)
      out[id] = (await t.api<Record<string, unknown>>('GET', `/api/v1/contacts/${id}`)).body;
    for (const id of ids.agent) {
      out[id] = (await t.api<Record<string, unknown>>('GET', `/api/v1/agents/${id}`)).body;
      out[`${id}/connections`] = (await t.api<Record<string, unknown>>('GET', `/api/v1/agents/${id}/connections`)).body;
    }
    for (const id of [...ids.segment, ...ids.campaign]) {
      const kind = id.startsWith('seg_') ? 'segments' : 'campaigns';
      out[id] = (await t.api<Record<string, unknown>>('GET', `/api/v1/${kind}/${id}`)).body;
    }
    out.deadLetters = (await t.api<{ data: unknown[] }>('GET', '/api/v1/dead-letters')).body.data;
    out.media = await (await fetch(`${t.url}${new URL(mediaUrl, t.url).pathname}`)).text();
    return out;
  };

  beforeAll(async () => {
    // workspace A's subscription points at 127.0.0.1: A opts in to private networks
    t = await startTestServer({ allowPrivateNetwork: true, extraConnectors: [testConnector] });
    // the second workspace
    await addWorkspace(t, OTHER);

    // the first workspace (the admin token's): a running webchat connection with a conversation …
    const conn = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'A-secret-connection' })
    ).body.id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    const session = (await (await fetch(`${t.url}/webchat/${conn}/sessions`, { method: 'POST' })).json()) as {
      token: string;
      visitorId: string;
    };
    visitorId = session.visitorId;
    for (const [i, text] of ['A-secret-text-1', 'A-secret-text-2'].entries()) {
      const res = await fetch(`${t.url}/webchat/${conn}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMessageId: `m${i}`, text, name: 'A-Visitor' }),
      });
      expect(res.status).toBe(200);
    }
    const conv = await eventually(
      async () =>
        (
          await t.api<{ data: Array<{ id: string; contactId: string }> }>(
            'GET',
            `/api/v1/conversations?connectionId=${conn}`,
          )
        ).body.data[0],
      10_000,
      'the conversation',
    );
    await eventually(
      async () =>
        (await t.api<{ data: unknown[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data.length >= 2,
      10_000,
      'both messages',
    );
    const reply = await t.api<{ id: string }>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'A-secret-reply' },
    });
    expect(reply.status).toBe(202);
    const messages = (
      await t.api<{ data: Array<{ id: string }> }>('GET', `/api/v1/conversations/${conv.id}/messages`)
    ).body.data.map((m) => m.id);
    // … a template-less connection (the kit's test gateway), left stopped …
    const gateway = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'A-secret-gateway',
        config: { signingSecret: 'tenant-signing-secret', apiToken: 'tenant-api-token' },
      })
    ).body.id;
    // … an uploaded file …
    const upload = await t.api<{ id: string; url: string }>(
      'POST',
      '/api/v1/media?fileName=a-secret-file.txt',
      'A-secret-media bytes',
      { 'content-type': 'text/plain' },
    );
    expect(upload.status).toBe(201);
    mediaUrl = upload.body.url;
    // … and a dead letter (work that failed every delivery), as dead-letters.test.ts makes one
    t.sb.bus.consume('tenant-isolation', () => Promise.reject(new Error('downstream is down')), { maxDeliveries: 1 });
    await t.sb.bus.publish('tenant-isolation', { key: conn, payload: { messageId: messages[0] } });
    const letter = await eventually(
      async () => (await t.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/dead-letters')).body.data[0],
      5000,
      'the dead letter',
    );

    // … and an outgoing webhook subscription with a delivery in its log (to a receiver that is not listening)
    const sub = await t.api<{ id: string }>('POST', '/api/v1/webhook-subscriptions', {
      url: 'http://127.0.0.1:9/A-secret-hook',
      eventTypes: ['*'],
      description: 'A-secret-subscription',
    });
    await t.api('PATCH', `/api/v1/conversations/${conv.id}`, { markRead: true });
    const delivery = await eventually(
      async () =>
        (await t.api<{ data: Array<{ id: string }> }>('GET', `/api/v1/webhook-subscriptions/${sub.body.id}/deliveries`))
          .body.data[0],
      5000,
      'a webhook delivery',
    );

    Object.assign(ids, {
      connection: [conn, gateway],
      conversation: [conv.id],
      contact: [conv.contactId],
      message: messages,
      media: [upload.body.id],
      deadLetter: [letter.id],
      subscription: [sub.body.id],
      delivery: [delivery.id],
      user: [(await t.api<{ id: string }>('GET', '/api/v1/me')).body.id],
    });
    // a team and a routing rule of the first workspace
    ids.team.push(
      (await t.api<{ id: string }>('POST', '/api/v1/teams', { name: 'A-secret-team', members: [] })).body.id,
    );
    ids.routingRule.push(
      (
        await t.api<{ id: string }>('POST', '/api/v1/routing-rules', {
          connectionId: conn,
          name: 'A-secret-rule',
          actions: [{ type: 'tag', tag: 'A-secret-tag' }],
        })
      ).body.id,
    );
    // a flow agent of the first workspace, attached to its connection
    const agent = (
      await t.api<{ id: string }>('POST', '/api/v1/agents', {
        kind: 'flow',
        name: 'A-secret-agent',
        config: { greeting: 'A-secret-greeting' },
      })
    ).body.id;
    await t.api('PUT', `/api/v1/agents/${agent}/connections`, {
      connections: [{ connectionId: gateway, inbound: false }],
    });
    ids.agent.push(agent);
    // a segment and a draft campaign of the first workspace
    const segment = (
      await t.api<{ id: string }>('POST', '/api/v1/segments', {
        name: 'A-secret-segment',
        filter: { all: [{ field: 'tag', op: 'has', value: 'A-secret-tag' }] },
      })
    ).body.id;
    ids.segment.push(segment);
    ids.campaign.push(
      (
        await t.api<{ id: string }>('POST', '/api/v1/campaigns', {
          name: 'A-secret-campaign',
          audience: { type: 'segment', segmentId: segment },
          steps: [{ connectionId: gateway, content: { type: 'text', text: 'A-secret-offer' } }],
        })
      ).body.id,
    );
    doc = (await t.api<typeof doc>('GET', '/api/v1/openapi.json')).body;
  });
  afterAll(() => t.close());

  /** every (method, path) of the document whose path has an {id} parameter */
  const routesWithId = () =>
    Object.entries(doc.paths)
      .filter(([path]) => path.includes('{id}'))
      .flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));

  it('every route with an {id} in the OpenAPI document has a probe, and every probe a route', () => {
    const documented = routesWithId();
    expect(documented.length).toBeGreaterThanOrEqual(Object.keys(ROUTES).length);
    expect(
      documented.filter((r) => !(r in ROUTES)),
      'routes with {id} missing from ROUTES in tenant-isolation.test.ts',
    ).toEqual([]);
    expect(
      Object.keys(ROUTES).filter((r) => !documented.includes(r)),
      'ROUTES entries no longer in the document',
    ).toEqual([]);
  });

  it('the ids are real: the first workspace reads each of them', async () => {
    for (const route of routesWithId().filter((r) => r.startsWith('GET /api/'))) {
      const probe = ROUTES[route] as Probe;
      for (const id of ids[probe.id]) {
        const path = route.slice(4).replace('{id}', id);
        const res = await t.api('GET', path);
        // templates of a connector without templates answer 422 to their own workspace too (never 404)
        expect(res.status, `${route} ${id}`).toBeLessThan(500);
        if (probe.own !== undefined) expect(res.status, `${route} ${id}`).toBe(probe.own);
        else expect(res.status, `${route} ${id}`).not.toBe(404);
      }
    }
    expect((await fetch(`${t.url}${new URL(mediaUrl, t.url).pathname}`)).status).toBe(200);
  });

  it("the second workspace gets 404 (400 for a body) for every method of every route with another workspace's id, and none of its data", async () => {
    const before = await snapshot();
    const results: string[] = [];
    for (const route of routesWithId()) {
      const probe = ROUTES[route] as Probe;
      const [method, template] = route.split(' ') as [string, string];
      const op = doc.paths[template]?.[method.toLowerCase() as (typeof METHODS)[number]];
      const body = probe.body ?? (op?.requestBody ? {} : undefined);
      expect(ids[probe.id].length, `ids for ${route}`).toBeGreaterThan(0);
      for (const id of ids[probe.id]) {
        const path = template.replace('{id}', id).replace('{key}', 'not-the-access-key');
        const res = await asOther(method, path, body);
        const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
        results.push(`${route} ${id} → ${res.status}`);
        expect([400, 404], `${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`).toContain(res.status);
        if (probe.body === undefined) expect(res.status, `${method} ${path}`).toBe(404);
        for (const marker of [...MARKERS, ...Object.values(ids).flat(), visitorId])
          expect(text, `${method} ${path} leaks ${marker}`).not.toContain(marker);
      }
    }
    expect(results.length).toBeGreaterThanOrEqual(routesWithId().length);
    // nothing of the first workspace changed: not renamed, stopped, started, deleted, resolved, replied to or replayed
    expect(await snapshot()).toEqual(before);
  });

  it('the second workspace cannot reach the first one through filters, lists, sends or its event stream', async () => {
    const [conn] = ids.connection as [string];
    const leaks = (body: unknown) => {
      const text = JSON.stringify(body);
      return [...MARKERS, ...Object.values(ids).flat(), visitorId].filter((m) => text.includes(m));
    };
    const stream = collectSse(`${t.url}/api/v1/events`, { authorization: `Bearer ${OTHER}` });
    const own = collectSse(`${t.url}/api/v1/events`, { authorization: `Bearer ${t.token}` });
    await Promise.all([stream.ready, own.ready]);
    for (const path of [
      `/api/v1/conversations?connectionId=${conn}`,
      `/api/v1/conversations?contactId=${ids.contact[0] ?? ''}`,
      '/api/v1/conversations',
      '/api/v1/connections',
      '/api/v1/connections/health-summary',
      '/api/v1/contacts',
      '/api/v1/dead-letters',
      `/api/v1/connections?cursor=${conn}`,
      '/api/v1/segments',
      '/api/v1/campaigns',
    ]) {
      const res = await asOther('GET', path);
      expect(res.status, path).toBeLessThan(500);
      expect(leaks(res.body), path).toEqual([]);
    }
    const send = await asOther('POST', '/api/v1/messages', {
      connectionId: conn,
      to: visitorId,
      content: { type: 'text', text: 'cross-tenant send' },
    });
    expect([400, 404]).toContain(send.status);
    // a campaign of the second workspace cannot name the first one's segment or connection, nor take its contacts
    const segmentId = ids.segment[0] ?? '';
    const foreignSegment = await asOther('POST', '/api/v1/campaigns', {
      name: 'cross-tenant',
      audience: { type: 'segment', segmentId },
      steps: [{ connectionId: conn, content: { type: 'text', text: 'x' } }],
    });
    expect(foreignSegment.status).toBe(400);
    expect(leaks(foreignSegment.body)).toEqual([]);
    const preview = await asOther('POST', '/api/v1/segments/preview', { filter: { all: [] } });
    expect(preview.status).toBe(200);
    expect(leaks(preview.body)).toEqual([]);
    // activity in the first workspace while the second one listens
    await t.api('POST', `/api/v1/conversations/${ids.conversation[0] ?? ''}/messages`, {
      content: { type: 'text', text: 'A-secret-reply-live' },
    });
    await t.api('POST', `/api/v1/conversations/${ids.conversation[0] ?? ''}/typing`);
    await new Promise((r) => setTimeout(r, 500));
    stream.close();
    own.close();
    // the first workspace's own stream saw the activity (so the stream of the second one had something to leak)
    expect(own.events.some((e) => leaks(e.data).length > 0)).toBe(true);
    expect(stream.events.filter((e) => e.event !== 'ready' && e.event !== 'ping' && leaks(e.data).length > 0)).toEqual(
      [],
    );
    // the first workspace's own reply went nowhere else: no message of it in the second workspace
    expect(((await asOther('GET', '/api/v1/conversations')).body as { data: unknown[] }).data).toEqual([]);
  });
});
