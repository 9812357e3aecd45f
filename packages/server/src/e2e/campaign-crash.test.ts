/**
 * Exactly once across crashes: a two-step campaign to 500 web chat contacts, the server SIGKILLed twice while it
 * freezes and sends, restarted on the same data dir each time. In the end every recipient has exactly one message
 * per step — sent, or failed INTERRUPTED when the kill cut its provider call (never sent twice, never lost) — and the
 * campaign completes with its counts adding up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../testing/test-server.js';
import { freePort, processApi, spawnServer, type ServerProcess } from '../testing/server-process.js';

const TOKEN = 'sb_campaign_crash_token_0123456789abcdef';
const CONTACTS = 500;
const STEPS = 2;

describe('campaign crash safety (SIGKILL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-campaign-crash-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** the campaign's outbound messages as the database holds them (read-only, beside the running server) */
  const campaignMessages = (campaignId: string) => {
    const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
    try {
      return db
        .prepare(
          `select to_addr as address, json_extract(metadata, '$.campaign.step') as step, status,
                  json_extract(status_detail, '$.code') as code
             from messages where direction = 'outbound' and json_extract(metadata, '$.campaign.id') = ?`,
        )
        .all(campaignId) as Array<{ address: string; step: number; status: string; code: string | null }>;
    } finally {
      db.close();
    }
  };

  it('sends every recipient each step exactly once across repeated kills', async () => {
    const port = await freePort();
    const env = { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_ADMIN_TOKEN: TOKEN };
    server = await spawnServer(env, port);
    const api = processApi(() => server, TOKEN);
    const conn = await api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'site' });
    await api('POST', `/api/v1/connections/${conn.id}/start`);
    const contactIds: string[] = [];
    for (let i = 0; i < CONTACTS; i++)
      contactIds.push(
        (
          await api<{ id: string }>('POST', '/api/v1/contacts', {
            name: `Visitor ${i}`,
            identities: [{ channelType: 'webchat', address: `vis_crash_${i}` }],
          })
        ).id,
      );
    const campaign = await api<{ id: string }>('POST', '/api/v1/campaigns', {
      name: 'Crash',
      audience: { type: 'contacts' },
      contactIds,
      steps: [
        { connectionId: conn.id, content: { type: 'text', text: 'Hello {{contact.name}}' } },
        { connectionId: conn.id, content: { type: 'text', text: 'Again, {{contact.name}}' } },
      ],
    });
    expect((await api<{ status: string }>('POST', `/api/v1/campaigns/${campaign.id}/start`)).status).toBe('running');

    // kill while the audience is still being frozen and sent, then again later in the run
    const killsAt = [150, 550];
    const atKill: number[] = [];
    for (const threshold of killsAt) {
      await eventually(() => campaignMessages(campaign.id).length >= threshold, 30_000, `${threshold} messages`);
      await server.kill('SIGKILL');
      atKill.push(campaignMessages(campaign.id).length);
      server = await spawnServer(env, port);
    }
    // both kills hit a campaign in the middle of its run
    expect(atKill.every((n) => n < CONTACTS * STEPS)).toBe(true);

    const stats = await eventually(
      async () => {
        const s = await api<{ status: string; included: number; steps: Array<{ sent: number; failed: number }> }>(
          'GET',
          `/api/v1/campaigns/${campaign.id}/stats`,
        );
        return s.status === 'completed' ? s : undefined;
      },
      60_000,
      'the campaign to complete',
    );
    expect(stats.included).toBe(CONTACTS);
    const messages = campaignMessages(campaign.id);
    const perRecipientStep = new Map<string, number>();
    for (const m of messages)
      perRecipientStep.set(`${m.address}#${m.step}`, (perRecipientStep.get(`${m.address}#${m.step}`) ?? 0) + 1);
    // one message per recipient × step: none twice, none missing
    expect([...perRecipientStep.values()].filter((n) => n !== 1)).toEqual([]);
    expect(perRecipientStep.size).toBe(CONTACTS * STEPS);
    // each went out, or failed because the kill cut its call (not retried: the provider may have it already)
    const outcomes = messages.map((m) => (m.status === 'failed' ? `failed ${m.code}` : m.status));
    expect(new Set(outcomes)).toEqual(new Set(outcomes.filter((o) => o === 'sent' || o === 'failed INTERRUPTED')));
    const interrupted = outcomes.filter((o) => o !== 'sent').length;
    expect(interrupted).toBeLessThan(messages.length * 0.2);
    console.info(`campaign crash: messages at the kills ${atKill.join(', ')}; ${interrupted} interrupted`);
    expect(stats.steps.reduce((n, s) => n + s.sent + s.failed, 0)).toBe(CONTACTS * STEPS);
  }, 180_000);
});
