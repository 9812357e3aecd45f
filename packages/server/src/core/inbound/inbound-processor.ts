/**
 * @module core/inbound/inbound-processor
 * The back half of the inbound pipeline, a consumer of the `inbound` topic: re-parse the stored raw event,
 * write contact/conversation/message/status in one transaction that also marks the raw event processed, so
 * processing happens exactly once however often the bus delivers. The events of a connection that are already
 * stored behind the one delivered are drained with it, oldest first, in the same transaction: one commit (one
 * fsync) for many messages. A batch that fails to write is retried one event per transaction, so one bad event
 * cannot hold back the others.
 */
import { InboundEventSchema, type InboundEvent, type InboundMessageEvent } from '../../model/index.js';
import type { WebhookRequest } from '../../channel-kit/index.js';
import type { InboundEventRecord, NewOutboxRow } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService, LiveConnection } from '../connections/connection-service.js';
import { addressRulesFor, providerAddress } from '../contacts/address-normalizer.js';
import {
  applyInboundContact,
  applyInboundMessage,
  applyInboundStatus,
  type RegisterInboundMedia,
} from '../conversations/conversation-writer.js';
import { TOPIC_EVENTS, TOPIC_INBOUND } from '../events.js';
import { capabilitiesFor, optOutRulesFor } from '../../channel-kit/index.js';
import { applyConsentKeyword, applyProviderConsent } from '../consent/consent-service.js';
import { assembleMessagePart } from './message-parts.js';
import { applyInboundConversation } from '../conversations/provider-state.js';
import { applyInboundCall } from '../conversations/call-writer.js';

/**
 * a provider call owed after a stored event (runFollowUps): a button press the provider waits an answer for. (A new
 * contact's profile is a job of its own, core/inbound/contact-profiles.ts, requested with the identity.)
 */
type FollowUp = { kind: 'answer'; event: InboundMessageEvent };

/** the follow-ups of one newly stored message: its button press answered */
function followUpsOf(live: LiveConnection, event: InboundMessageEvent): FollowUp[] {
  const { features } = live.connector;
  return features.buttonAnswers && event.content.type === 'interactive' && !event.edit
    ? [{ kind: 'answer', event }]
    : [];
}

export function requestFromRecord(ev: InboundEventRecord): WebhookRequest {
  const url = new URL(ev.url, 'http://stored.invalid');
  return {
    method: ev.method,
    url: ev.url,
    headers: ev.headers,
    query: Object.fromEntries(url.searchParams),
    rawBody: ev.body,
    receivedAt: ev.receivedAt,
  };
}

/** one raw event, parsed (outside the transaction) into what the transaction will do with it */
type Parsed =
  | { ev: InboundEventRecord; kind: 'events'; events: InboundEvent[] }
  | { ev: InboundEventRecord; kind: 'ignored'; reason: string }
  | { ev: InboundEventRecord; kind: 'failed'; reason: string; log: boolean };

export interface InboundProcessorOptions {
  /** most raw events written per transaction (1 = one transaction per event) */
  batchSize?: number;
}

/** a batch's events are written in one go without yielding; this keeps one batch to a few milliseconds */
const DEFAULT_BATCH = 128;
/** ids finished as part of an earlier batch whose own bus delivery has not come yet (a hint; the store decides) */
const DONE_MEMORY = 16_384;

export class InboundProcessor {
  private readonly done = new Set<string>();
  private readonly batchSize: number;

  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly registerMedia?: RegisterInboundMedia,
    options: InboundProcessorOptions = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  }

  subscribe(): { close(): Promise<void> } {
    return this.deps.bus.consume(
      TOPIC_INBOUND,
      async (m) => {
        await this.process(String(m.payload.inboundEventId));
      },
      { concurrency: 32, maxDeliveries: 8 },
    );
  }

  async process(inboundEventId: string): Promise<void> {
    // written with an earlier batch: this delivery has nothing left to do
    if (this.done.delete(inboundEventId)) return;
    const ev = await this.deps.store.getInboundEvent(inboundEventId);
    if (!ev || ev.status !== 'pending') return;
    const batch =
      this.batchSize > 1
        ? await this.deps.store.listPendingInboundEvents(ev.connectionId, ev.id, this.batchSize)
        : [ev];
    if (batch.length === 0) return; // finished by another worker in between
    const live = await this.connections.live(ev.connectionId);
    const now = this.deps.clock.now().toISOString();
    const parsed = batch.map((e) => this.parse(e, live));
    try {
      this.remember(await this.write(parsed, live, now), inboundEventId);
    } catch (error) {
      if (parsed.length === 1) throw error; // the bus redelivers it
      // one event may be the cause: write them one at a time, in order, and stop at the first that fails
      for (const p of parsed) {
        try {
          this.remember(await this.write([p], live, now), inboundEventId);
        } catch (single) {
          // the delivered event is retried by the bus; a later one by its own delivery
          if (p.ev.id === inboundEventId) throw single;
          this.deps.log.warn(
            { err: single, inboundEventId: p.ev.id },
            'inbound event not written; its own delivery retries it',
          );
          return;
        }
      }
    }
  }

  private parse(ev: InboundEventRecord, live: LiveConnection | undefined): Parsed {
    // webhooks and listened updates are stored alike and parsed alike
    if (!live) return { ev, kind: 'failed', reason: 'connection no longer exists', log: false };
    try {
      const outcome = live.connector.inbound.parse(requestFromRecord(ev), live.config);
      if (outcome.kind !== 'events')
        return { ev, kind: 'ignored', reason: outcome.kind === 'ignored' ? outcome.reason : 'handshake' };
      return { ev, kind: 'events', events: outcome.events.map((e) => InboundEventSchema.parse(e)) };
    } catch (error) {
      return {
        ev,
        kind: 'failed',
        reason: this.deps.redactor.scrub(error instanceof Error ? error.message : String(error)),
        log: true,
      };
    }
  }

  /**
   * one transaction for the whole list; each event is claimed (compare-and-set from pending) before its writes.
   * Returns the ids this transaction finished.
   */
  private async write(parsed: Parsed[], live: LiveConnection | undefined, now: string): Promise<string[]> {
    const ephemeral: NewOutboxRow[] = [];
    const finished: string[] = [];
    const parseFailures: Array<{ id: string; reason: string }> = [];
    const followUps: FollowUp[] = [];
    let received = 0;
    let scrubLog = false;
    const droppedMedia: string[] = [];
    await this.deps.store.transaction(async (tx) => {
      // only what this (committed) attempt dropped is deleted afterwards
      droppedMedia.length = 0;
      const outbox: NewOutboxRow[] = [];
      let counted = 0;
      for (const p of parsed) {
        if (p.kind !== 'events') {
          if (await tx.finishInboundEvent(p.ev.id, p.kind, p.reason, now)) {
            finished.push(p.ev.id);
            if (p.kind === 'failed' && p.log) parseFailures.push({ id: p.ev.id, reason: p.reason });
          }
          continue;
        }
        // claim first: a concurrent delivery of the same event finds it finished and writes nothing
        if (!(await tx.finishInboundEvent(p.ev.id, 'processed', null, now)) || !live) continue;
        finished.push(p.ev.id);
        const addressRules = addressRulesFor(live.connector, live.config);
        const ctx = {
          tx,
          connection: live.record,
          now,
          windowHours: capabilitiesFor(live.connector, live.config).windowHours,
          addressRules,
          outbox,
          profiles: live.connector.features.profile !== undefined,
          droppedMedia,
          ...(this.registerMedia ? { registerMedia: this.registerMedia } : {}),
        };
        const optOut = optOutRulesFor(live.connector, live.config);
        let erasedRetry = p.events.length > 0;
        for (const parsedEvent of p.events) {
          // a part of a message delivered in pieces waits in the store until its group is complete
          const event =
            parsedEvent.kind === 'message' && parsedEvent.part
              ? await assembleMessagePart(tx, live.record.id, parsedEvent, now)
              : parsedEvent;
          if (!event) {
            erasedRetry = false;
            continue;
          }
          if (event.kind === 'message') {
            if (await applyInboundMessage(ctx, event)) {
              counted++;
              followUps.push(...followUpsOf(live, event));
              await applyConsentKeyword(ctx, live.connector, optOut, event);
              erasedRetry = false;
            } else if (erasedRetry) {
              const stored = await tx.findMessageByProviderId(live.record.id, event.providerMessageId);
              erasedRetry = stored?.metadata.erased !== undefined;
            }
            continue;
          }
          erasedRetry = false;
          if (event.kind === 'status') await applyInboundStatus(ctx, event);
          else if (event.kind === 'conversation') await applyInboundConversation(ctx, event);
          else if (event.kind === 'contact') await applyInboundContact(ctx, event);
          else if (event.kind === 'consent') await applyProviderConsent(ctx, event);
          else if (event.kind === 'call') await applyInboundCall(ctx, event);
          else
            ephemeral.push({
              topic: TOPIC_EVENTS,
              key: live.record.id,
              workspaceId: live.record.workspaceId,
              payload: {
                type: 'conversation.typing',
                data: { connectionId: live.record.id, address: providerAddress(addressRules, event.from.address) },
              },
            });
        }
        // a provider retrying only messages of an erased contact: its request carries their content again
        if (erasedRetry) {
          await tx.deleteInboundEvent(p.ev.id);
          scrubLog = true;
        }
      }
      await tx.insertOutbox(outbox, now);
      received = counted;
    });
    if (finished.length === 0) return finished;
    // files of deleted messages whose content nobody keeps: a failure leaves bytes nothing points to any more
    for (const key of droppedMedia)
      await this.deps.media
        .delete(key)
        .catch((error: unknown) => this.deps.log.warn({ err: error, key }, 'could not delete a dropped file'));
    // the retry's request was committed once (as it arrived): SQLite's log keeps that copy until a checkpoint
    if (scrubLog) await this.deps.store.checkpoint();
    for (let i = 0; i < received; i++) this.deps.metrics.messageCounted('inbound', 'received');
    this.deps.afterCommit();
    for (const f of parseFailures) {
      await this.connections.log(
        parsed[0]?.ev.connectionId ?? '',
        'error',
        'parse_failed',
        `could not parse a stored webhook (${f.id}): ${f.reason}`,
      );
    }
    for (const row of ephemeral)
      await this.deps.bus.publish(row.topic, {
        key: row.key,
        payload: { ...row.payload, workspaceId: row.workspaceId },
      });
    if (live && followUps.length > 0) await this.runFollowUps(live, followUps);
    return finished;
  }

  /**
   * What the provider expects once a stored event is ours (a button press answered): provider calls after the
   * commit, bounded in time; a failure is a log line, never a reason to process the event again.
   */
  private async runFollowUps(live: LiveConnection, followUps: FollowUp[]): Promise<void> {
    const { features } = live.connector;
    for (const f of followUps) {
      // each call its own time limit: a batch of many presses must not starve the last ones
      const ctx = this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs));
      try {
        await features.buttonAnswers?.(f.event, ctx);
      } catch (error) {
        await this.connections.log(
          live.record.id,
          'warn',
          'button_answer_failed',
          `the button press could not be answered: ${this.deps.redactor.scrub(error instanceof Error ? error.message : String(error))}`,
        );
      }
    }
  }

  /** the ids written ahead of their own delivery (not the one being delivered now) */
  private remember(ids: string[], delivered: string): void {
    for (const id of ids) if (id !== delivered) this.done.add(id);
    if (this.done.size <= DONE_MEMORY) return;
    for (const id of this.done) {
      this.done.delete(id);
      if (this.done.size <= DONE_MEMORY) break;
    }
  }
}
