/**
 * @module channel-kit/test-listen-connector
 * The kit's test connector in inbound mode `listen`: the same provider format, fetched by long poll
 * (`GET {apiBaseUrl}/updates?after=<seq>`) instead of pushed, as VK's Long Poll API or an IMAP mailbox are.
 * It proves the listen half of the contract (test-listen-connector.test.ts) and the listen runner end to end
 * (e2e/listen-inbound.test.ts).
 */
import { defineConnector } from './connector.js';
import { testConnectorDefinition } from './test-connector.js';

/** one update as the test provider's long poll answers it */
export interface PollUpdate {
  seq: number;
  id: string;
  from: string;
  text: string;
}

/** the header naming the provider's update, the dedup key of a listened update */
export const POLL_UPDATE_HEADER = 'x-poll-update';

export const testListenConnector = defineConnector({
  ...testConnectorDefinition,
  type: 'x-poll',
  displayName: 'Long-poll test gateway',
  inbound: {
    mode: 'listen',
    parse: (req) => testConnectorDefinition.inbound.parse(req),
    eventKey: (req) => req.headers[POLL_UPDATE_HEADER],
    async listen(ctx) {
      while (!ctx.signal.aborted) {
        const after = (await ctx.cursor.get()) ?? '0';
        let res: Response;
        try {
          res = await ctx.http(`${ctx.config.apiBaseUrl}/updates?after=${after}`, { signal: ctx.signal });
        } catch (error) {
          if (ctx.signal.aborted) return;
          throw error;
        }
        if (!res.ok) throw new Error(`the provider answered ${res.status}`);
        for (const u of (await res.json()) as PollUpdate[]) {
          await ctx.deliver({
            body: Buffer.from(JSON.stringify({ id: u.id, type: 'message', from: u.from, text: u.text })),
            headers: { [POLL_UPDATE_HEADER]: u.id },
          });
          // the cursor moves only after the hub has the update: a crash re-fetches, dedup drops the copy
          await ctx.cursor.set(String(u.seq));
        }
      }
    },
  },
});
