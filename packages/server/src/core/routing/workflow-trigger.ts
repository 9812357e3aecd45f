/**
 * @module core/routing/workflow-trigger
 * A routing rule's `workflow` action: a signed POST to an external automation (n8n, Zapier, Make, your own endpoint)
 * named by an outgoing webhook subscription — its URL, its secret, its address policy — signed exactly like the
 * hub's webhooks (`Switchboard-Signature: v1=<HMAC-SHA256(secret, "<timestamp>.<body>")>`, event `workflow.trigger`).
 * The automation may answer 200 with `{"actions": [...]}`: reply (a text to the customer), tag, assign (an
 * operator) or handoff (to people, optionally a team). One call per routed message, with a bounded wait; a failure
 * is a timeline entry (`workflow.failed`), never a retry that could answer the customer twice.
 */
import { z } from 'zod';
import type { CoreDeps } from '../deps.js';
import type { MessageQueue } from '../outbound/message-queue.js';
import type { ConversationRecord, MessageRecord } from '../ports/index.js';
import { TimelineBatch } from '../conversations/timeline.js';
import { messageView } from '../conversations/conversation-writer.js';
import { AdminEndpoints } from '../security/admin-endpoints.js';
import { signWebhook } from '../webhooks/webhook-service.js';
import type { Ownership } from './ownership.js';

/** what an automation may answer; anything else in the answer is ignored */
export const WorkflowAnswerSchema = z.object({
  actions: z
    .array(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('reply'), text: z.string().min(1).max(4096) }),
        z.object({ type: z.literal('tag'), tag: z.string().min(1).max(100) }),
        z.object({ type: z.literal('assign'), userId: z.string().min(1).max(100) }),
        z.object({
          type: z.literal('handoff'),
          teamId: z.string().min(1).max(100).optional(),
          reason: z.string().max(500).optional(),
        }),
      ]),
    )
    .max(20)
    .default([]),
});
export type WorkflowAction = z.infer<typeof WorkflowAnswerSchema>['actions'][number];

const TIMEOUT_MS = 5_000;
const MAX_ANSWER_BYTES = 64 * 1024;
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class WorkflowTrigger {
  private readonly endpoints: AdminEndpoints;

  constructor(
    private readonly deps: CoreDeps,
    private readonly messages: MessageQueue,
    private readonly ownership: Ownership,
  ) {
    this.endpoints = new AdminEndpoints(deps);
  }

  /** calls the workflow for a routed message and applies its answer; records the outcome on the timeline */
  async run(
    conversation: ConversationRecord,
    message: MessageRecord,
    webhookId: string,
    ruleId: string | null,
  ): Promise<WorkflowAction[]> {
    const actor = ruleId ? `rule:${ruleId}` : 'system';
    let actions: WorkflowAction[];
    try {
      actions = await this.call(conversation, message, webhookId, ruleId);
    } catch (error) {
      const reason = this.deps.redactor.scrub(errorText(error));
      this.deps.log.warn({ conversationId: conversation.id, webhookId }, `workflow failed: ${reason}`);
      await this.record(conversation, (b) => b.add('workflow.failed', actor, { webhookId, error: reason }));
      return [];
    }
    await this.record(conversation, (b) => b.add('workflow.answered', actor, { webhookId, actions }));
    for (const action of actions) {
      try {
        await this.apply(conversation, action, webhookId, actor);
      } catch (error) {
        const reason = this.deps.redactor.scrub(errorText(error));
        await this.record(conversation, (b) =>
          b.add('workflow.failed', actor, { webhookId, action: action.type, error: reason }),
        );
      }
    }
    return actions;
  }

  private async call(
    conversation: ConversationRecord,
    message: MessageRecord,
    webhookId: string,
    ruleId: string | null,
  ): Promise<WorkflowAction[]> {
    const sub = await this.deps.store.getWebhookSubscription(conversation.workspaceId, webhookId);
    if (!sub) throw new Error(`the workflow's webhook ${webhookId} no longer exists`);
    if (!sub.active) throw new Error(`the workflow's webhook "${sub.description || sub.url}" is disabled`);
    const http = await this.endpoints.client(conversation.workspaceId);
    const body = JSON.stringify({
      type: 'workflow.trigger',
      ruleId,
      conversation: {
        id: conversation.id,
        connectionId: conversation.connectionId,
        channelType: conversation.channelType,
        contactId: conversation.contactId,
        address: conversation.address,
        tags: conversation.tags ?? [],
      },
      message: messageView(message),
    });
    const timestamp = String(Math.floor(this.deps.clock.now().getTime() / 1000));
    const res = await http(sub.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhooks/1',
        'switchboard-event': 'workflow.trigger',
        'switchboard-timestamp': timestamp,
        'switchboard-signature': signWebhook(this.deps.secrets.open(sub.secret), timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) throw new Error(`the workflow answered ${res.status}`);
    if (text.trim() === '') return [];
    if (text.length > MAX_ANSWER_BYTES) throw new Error('the workflow answered more than 64 KB');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error('the workflow answered something other than JSON');
    }
    const parsed = WorkflowAnswerSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(`the workflow's answer is not understood: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data.actions;
  }

  private async apply(c: ConversationRecord, a: WorkflowAction, webhookId: string, actor: string): Promise<void> {
    const ws = c.workspaceId;
    if (a.type === 'reply') {
      await this.messages.sendToConversation(ws, c.id, { type: 'text', text: a.text }, { autoReply: true, webhookId });
      return;
    }
    if (a.type === 'assign' && !(await this.deps.store.getUser(ws, a.userId)))
      throw new Error(`user ${a.userId} is not in this workspace`);
    if (a.type === 'handoff' && a.teamId && !(await this.deps.store.routing.getTeam(ws, a.teamId)))
      throw new Error(`team ${a.teamId} is not in this workspace`);
    const now = this.deps.clock.now();
    const at = now.toISOString();
    await this.deps.store.transaction(async (tx) => {
      const fresh = await tx.getConversation(ws, c.id);
      if (!fresh) return;
      const batch = new TimelineBatch(ws, fresh.id, at);
      let changed = false;
      if (a.type === 'tag') {
        if ((fresh.tags ?? []).includes(a.tag)) return;
        await tx.routing.setConversationRouting(fresh.id, { tags: [...(fresh.tags ?? []), a.tag], updatedAt: at });
        batch.add('tagged', actor, { tags: [a.tag], via: 'workflow' });
        changed = true;
      } else if (a.type === 'assign') {
        changed = await this.ownership.toHuman(
          tx,
          fresh,
          { actor, reason: 'the workflow assigned it', assigneeId: a.userId },
          batch,
          at,
        );
      } else {
        changed = await this.ownership.toHuman(
          tx,
          fresh,
          {
            actor,
            reason: a.reason ?? 'the workflow handed it to people',
            ...(a.teamId ? { teamId: a.teamId, assigneeId: null } : {}),
          },
          batch,
          at,
        );
      }
      await batch.write(tx, changed, now);
    });
    this.deps.afterCommit();
  }

  private async record(conversation: ConversationRecord, fill: (batch: TimelineBatch) => void): Promise<void> {
    const now = this.deps.clock.now();
    const batch = new TimelineBatch(conversation.workspaceId, conversation.id, now.toISOString());
    fill(batch);
    await this.deps.store.transaction((tx) => batch.write(tx, false, now));
    this.deps.afterCommit();
  }
}
