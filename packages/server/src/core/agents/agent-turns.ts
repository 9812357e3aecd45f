/**
 * @module core/agents/agent-turns
 * The agent runtime routing calls (the `AgentDispatcher`): which running agent answers a connection, and one turn of
 * an agent on a conversation — flow, LLM or webhook bot, with voice messages transcribed first. A turn is claimed
 * once per (agent, inbound message), so a redelivered routing row never answers twice; provider failures degrade to
 * the fallback reply plus a handoff. Replies go through the message queue, which fits them to the channel.
 */
import { contentPreview, newId, type Content } from '../../model/index.js';
import { AppError } from '../errors.js';
import { eventRow } from '../events.js';
import type { AgentRecord, AgentSessionRecord, ConversationRecord, MessageRecord } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { MessageQueue } from '../outbound/message-queue.js';
import type { MediaService } from '../media/media-service.js';
import { conversationView, messageView } from '../conversations/conversation-writer.js';
import { AdminEndpoints } from '../security/admin-endpoints.js';
import type { AgentDispatcher, AgentTurnInput, AgentTurnOutcome } from './agent-dispatcher.js';
import { type AgentConfigCodec, type FlowConfig, type LlmConfig, type WebhookAgentConfig } from './agent-config.js';
import { runFlow, type FlowState } from './flow-engine.js';
import { buildChatRequest, chatTurn, contentAsText } from './llm-agent.js';
import { callWebhookBot } from './webhook-agent.js';
import { spokenTurn } from '../degradation/degrade.js';
import { transcribe } from './transcription.js';

/** what a kind decided in one turn, before anything is sent */
interface KindResult {
  replies: Content[];
  handoff?: { reason: string } | undefined;
  error?: string | undefined;
  state?: Record<string, unknown> | undefined;
}

/** a running turn older than this is taken to be a crashed worker's and is run again */
const TURN_LEASE_MS = 5 * 60_000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class AgentTurns implements AgentDispatcher {
  private readonly endpoints: AdminEndpoints;

  constructor(
    private readonly deps: CoreDeps,
    private readonly messages: MessageQueue,
    private readonly media: MediaService,
    private readonly codec: AgentConfigCodec,
    /** the customer's typing indicator while an agent composes (ConversationService.agentComposing) */
    private readonly composing?: (workspaceId: string, conversationId: string) => Promise<void>,
  ) {
    this.endpoints = new AdminEndpoints(deps);
  }

  inboundAgentFor(workspaceId: string, connectionId: string): Promise<string | undefined> {
    return this.deps.store.findActiveInboundAgent(workspaceId, connectionId);
  }

  /**
   * the phones a call handed to people rings, in turn: the members of the conversation's team who have one (in the
   * team's order), else every user of the workspace who has one; at most ten
   */
  private async operatorPhones(conversation: ConversationRecord): Promise<string[]> {
    const { store } = this.deps;
    const reachable = (await store.listUsers(conversation.workspaceId)).filter((u) => u.phone);
    const phoneOf = new Map(reachable.map((u) => [u.id, u.phone as string]));
    if (conversation.teamId) {
      const members = await store.routing.listTeamMembers([conversation.teamId]);
      const team = members.flatMap((m) => (phoneOf.has(m.userId) ? [phoneOf.get(m.userId) as string] : []));
      if (team.length > 0) return [...new Set(team)].slice(0, 10);
    }
    return [...new Set(reachable.map((u) => u.phone as string))].slice(0, 10);
  }

  /**
   * a voicemail (an audio message whose metadata says `voicemail`) is transcribed like the caller's utterances, by
   * the speech-to-text of the agent that took the call (the conversation's, else the connection's inbound agent):
   * no agent answers it, the call is over, but a person calling back reads it and search finds it
   */
  async transcribeVoicemail(workspaceId: string, messageId: string): Promise<void> {
    const message = await this.deps.store.getMessage(workspaceId, messageId);
    if (!message || message.direction !== 'inbound' || message.content.type !== 'audio') return;
    if (!message.metadata.voicemail || typeof message.metadata.transcript === 'string') return;
    const conversation = await this.deps.store.getConversation(workspaceId, message.conversationId);
    if (!conversation) return;
    const agentId =
      conversation.agentId ?? (await this.deps.store.findActiveInboundAgent(workspaceId, conversation.connectionId));
    const agent = agentId ? await this.deps.store.getAgent(workspaceId, agentId) : undefined;
    if (!agent) return;
    const config = this.codec.validate(agent.kind, this.codec.open(agent.kind, agent.config));
    await this.withTranscript(config, message, this.deps.log.child({ agentId: agent.id, messageId }));
  }

  async isRunning(workspaceId: string, agentId: string): Promise<boolean> {
    return (await this.deps.store.getAgent(workspaceId, agentId))?.status === 'RUNNING';
  }

  async runTurn(input: AgentTurnInput): Promise<AgentTurnOutcome> {
    const { workspaceId, agentId, conversationId, messageId } = input;
    const agent = await this.deps.store.getAgent(workspaceId, agentId);
    if (!agent || agent.status !== 'RUNNING') {
      const reason = agent ? `agent "${agent.name}" is ${agent.status}` : 'the agent no longer exists';
      return { replyMessageIds: [], replyPreviews: [], handoff: { reason }, error: reason };
    }
    const conversation = await this.deps.store.getConversation(workspaceId, conversationId);
    let message = await this.deps.store.getMessage(workspaceId, messageId);
    if (!conversation || !message || message.conversationId !== conversation.id) {
      return { replyMessageIds: [], replyPreviews: [], error: 'the conversation or message no longer exists' };
    }
    const channel = await this.deps.store.getAgentConnection(agent.id, conversation.connectionId);
    if (!channel?.activeAttached) {
      const reason = `agent "${agent.name}" is not attached to this conversation's connection`;
      return { replyMessageIds: [], replyPreviews: [], handoff: { reason }, error: reason };
    }
    const now = this.deps.clock.now();
    const freshId = newId('agturn');
    const claim = await this.deps.store.claimAgentTurn(
      {
        id: freshId,
        workspaceId,
        agentId,
        messageId,
        conversationId,
        status: 'running',
        outcome: null,
        startedAt: now.toISOString(),
        finishedAt: null,
      },
      input.staleBefore ?? new Date(now.getTime() - TURN_LEASE_MS).toISOString(),
    );
    if (claim.kind === 'done') return claim.turn.outcome as unknown as AgentTurnOutcome;
    // another worker is in the middle of this very turn: not an answer of "nothing" — the work is retried later
    if (claim.kind === 'busy') throw new Error("this message's agent turn is still running elsewhere");
    const turn = claim.turn;
    const log = this.deps.log.child({ agentId, conversationId, messageId });
    if (turn.id !== freshId) {
      // taken over from a worker that died: replies it already queued stand, and no second decision is made
      const already = (await this.deps.store.listRecentMessages(conversation.id, 50)).filter(
        (m) => m.direction === 'outbound' && m.metadata.agentTurnId === turn.id,
      );
      if (already.length > 0) {
        const outcome: AgentTurnOutcome = {
          replyMessageIds: already.map((m) => m.id),
          replyPreviews: already.map((m) => contentPreview(m.content)),
        };
        await this.deps.store.finishAgentTurn(
          turn.id,
          outcome as unknown as Record<string, unknown>,
          this.deps.clock.now().toISOString(),
        );
        log.info(
          { turnId: turn.id, replies: already.length },
          'took over an interrupted agent turn whose replies were already queued',
        );
        return outcome;
      }
    }
    const sent: { ids: string[]; previews: string[] } = { ids: [], previews: [] };
    try {
      const config = this.codec.validate(agent.kind, this.codec.open(agent.kind, agent.config));
      message = await this.withTranscript(config, message, log);
      const session = await this.deps.store.getAgentSession(agent.id, conversation.id);
      // the indicator goes out while the agent decides; it never holds the turn back
      void this.composing?.(workspaceId, conversation.id).catch((e: unknown) =>
        log.debug({ err: e }, 'typing indicator not shown'),
      );
      const decided = await this.decide(agent, config, conversation, message, session, turn.id);
      // a phone call speaks each message over the one before: the turn's replies go as one
      const connector = this.deps.registry.get(conversation.channelType);
      const spoken = connector?.capabilities.spoken === true;
      const result = connector
        ? {
            ...decided,
            replies: spokenTurn(decided.replies, {
              displayName: connector.displayName,
              capabilities: connector.capabilities,
            }),
          }
        : decided;
      let error = result.error;
      let handoff = result.handoff;
      // on a call, a handoff is a transfer that follows the agent's last words: there must be words to follow
      const replies: Content[] =
        spoken && handoff && result.replies.length === 0
          ? [{ type: 'text', text: 'One moment, please.' }]
          : result.replies;
      // a call handed to people rings its operators' phones in turn (the connector's own list when nobody has one)
      const transferTo = spoken && handoff ? await this.operatorPhones(conversation) : [];
      for (const [i, reply] of replies.entries()) {
        try {
          // the queue fits the reply to the channel (core/degradation): numbered buttons, split text
          const queued = await this.messages.sendToConversation(
            workspaceId,
            conversation.id,
            reply,
            { agentId: agent.id, agentName: agent.name, agentTurnId: turn.id },
            undefined,
            undefined,
            spoken && handoff && i === replies.length - 1
              ? { ...(transferTo.length > 0 ? { transferTo } : {}) }
              : undefined,
          );
          sent.ids.push(queued.id);
          sent.previews.push(contentPreview(queued.content));
        } catch (sendError) {
          error = `could not send the reply: ${errorText(sendError)}`;
          // a customer who opted out (STOP) is not waiting for a person either: no handoff
          if (!(sendError instanceof AppError && sendError.code === 'OPTED_OUT'))
            handoff ??= { reason: 'the agent could not send its reply' };
          break;
        }
      }
      if (error) log.warn({}, `agent turn degraded: ${this.deps.redactor.scrub(error)}`);
      const outcome: AgentTurnOutcome = {
        replyMessageIds: sent.ids,
        replyPreviews: sent.previews,
        ...(handoff ? { handoff } : {}),
        ...(error ? { error: this.deps.redactor.scrub(error) } : {}),
      };
      const at = this.deps.clock.now().toISOString();
      await this.deps.store.saveAgentSession({
        id: session?.id ?? newId('ags'),
        workspaceId,
        agentId: agent.id,
        conversationId: conversation.id,
        state: result.state ?? session?.state ?? {},
        // turns since the last handoff: a conversation given back to the agent gets a fresh budget
        turns: handoff ? 0 : (session?.turns ?? 0) + 1,
        createdAt: session?.createdAt ?? at,
        updatedAt: at,
      });
      await this.deps.store.finishAgentTurn(turn.id, outcome as unknown as Record<string, unknown>, at);
      return outcome;
    } catch (error) {
      // not a provider failure (those degrade above): let the routing row be redelivered, unless a reply already went out
      if (sent.ids.length === 0) await this.deps.store.releaseAgentTurn(turn.id).catch(() => undefined);
      throw error;
    }
  }

  private async decide(
    agent: AgentRecord,
    config: Record<string, unknown>,
    conversation: ConversationRecord,
    message: MessageRecord,
    session: AgentSessionRecord | undefined,
    turnId: string,
  ): Promise<KindResult> {
    switch (agent.kind) {
      case 'flow':
        return this.flowTurn(config as FlowConfig, conversation, message, session);
      case 'llm':
        return this.llmTurn(config as LlmConfig, conversation, session);
      case 'webhook':
        return this.webhookTurn(agent, config as WebhookAgentConfig, conversation, message, turnId);
    }
  }

  private async flowTurn(
    config: FlowConfig,
    conversation: ConversationRecord,
    message: MessageRecord,
    session: AgentSessionRecord | undefined,
  ): Promise<KindResult> {
    const content = message.content;
    const input =
      content.type === 'interactive' && content.interactive.reply
        ? { text: content.interactive.reply.title, buttonId: content.interactive.reply.id }
        : { text: contentAsText(content, message.metadata) };
    const step = runFlow(config, session ? (session.state as unknown as FlowState) : undefined, input);
    if (Object.keys(step.collect).length > 0) {
      const at = this.deps.clock.now().toISOString();
      await this.deps.store.transaction((tx) => tx.mergeContactAttributes(conversation.contactId, step.collect, at));
    }
    return { replies: step.replies, handoff: step.handoff, state: step.state as unknown as Record<string, unknown> };
  }

  private async llmTurn(
    config: LlmConfig,
    conversation: ConversationRecord,
    session: AgentSessionRecord | undefined,
  ): Promise<KindResult> {
    const handoffText = (text?: string) => {
      const t = text ?? config.handoffMessage;
      return t ? [{ type: 'text', text: t } as Content] : [];
    };
    if ((session?.turns ?? 0) >= config.maxTurns) {
      return {
        replies: handoffText(),
        handoff: { reason: `the agent reached its limit of ${config.maxTurns} turns in this conversation` },
      };
    }
    try {
      const history = await this.deps.store.listRecentMessages(conversation.id, config.historyLimit);
      const answer = await chatTurn(
        await this.httpFor(conversation.workspaceId),
        config,
        buildChatRequest(config, history),
      );
      if (answer.handoff) return { replies: handoffText(answer.text), handoff: answer.handoff };
      return { replies: [{ type: 'text', text: answer.text as string }] };
    } catch (error) {
      return {
        replies: [{ type: 'text', text: config.fallbackReply }],
        handoff: { reason: 'the AI provider failed' },
        error: errorText(error),
      };
    }
  }

  private async webhookTurn(
    agent: AgentRecord,
    config: WebhookAgentConfig,
    conversation: ConversationRecord,
    message: MessageRecord,
    turnId: string,
  ): Promise<KindResult> {
    const contact = await this.deps.store.getContact(conversation.workspaceId, conversation.contactId);
    const now = this.deps.clock.now();
    try {
      const answer = await callWebhookBot(
        await this.httpFor(conversation.workspaceId),
        config,
        {
          id: turnId,
          occurredAt: message.timestamp,
          data: {
            agent: { id: agent.id, name: agent.name },
            conversation: conversationView(conversation, now),
            message: messageView(message),
            contact: contact ? { id: contact.id, name: contact.name, attributes: contact.attributes } : null,
          },
        },
        now,
      );
      const replies =
        answer.handoff && answer.replies.length === 0 && config.handoffMessage
          ? [{ type: 'text', text: config.handoffMessage } as Content]
          : answer.replies;
      return { replies, handoff: answer.handoff };
    } catch (error) {
      return {
        replies: [{ type: 'text', text: config.fallbackReply }],
        handoff: { reason: 'the bot failed' },
        error: errorText(error),
      };
    }
  }

  /**
   * HTTP to the URLs the admin configured (model server, bot, transcription): private ranges only when the workspace
   * opted in (a local model server), link-local and metadata never — the policy as it is at this call
   */
  private httpFor(workspaceId: string): Promise<CoreDeps['http']> {
    return this.endpoints.client(workspaceId);
  }

  /**
   * A voice message is transcribed once (when speech-to-text is configured): the transcript is stored on the message
   * (`metadata.transcript`, announced as `message.updated`) and is what the agent reads. A failure is logged and the
   * agent reads "[voice message]".
   */
  private async withTranscript(
    config: Record<string, unknown>,
    message: MessageRecord,
    log: CoreDeps['log'],
  ): Promise<MessageRecord> {
    const stt = config.speechToText as (FlowConfig['speechToText'] & object) | undefined;
    if (!stt || message.content.type !== 'audio' || typeof message.metadata.transcript === 'string') return message;
    try {
      const deadline = Date.now() + stt.waitMs;
      let current = message;
      while (current.content.type === 'audio' && current.content.media.state === 'pending' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        current = (await this.deps.store.getMessage(message.workspaceId, message.id)) ?? current;
      }
      if (current.content.type !== 'audio') return current;
      if (current.content.media.state === 'pending')
        throw new Error(`the voice message was not downloaded within ${stt.waitMs} ms`);
      if (current.content.media.state === 'failed') throw new Error('the voice message could not be downloaded');
      const audio = await this.media.access().read(current.content.media.url);
      const heard = await transcribe(await this.httpFor(message.workspaceId), stt, audio, 60_000);
      const fresh = (await this.deps.store.getMessage(message.workspaceId, message.id)) ?? current;
      // the recogniser's confidence where it gave one, under the name a provider's recogniser uses (twilio-voice)
      const updated: MessageRecord = {
        ...fresh,
        metadata: {
          ...fresh.metadata,
          transcript: heard.text,
          transcriptModel: stt.model,
          ...(heard.confidence !== undefined ? { confidence: heard.confidence } : {}),
        },
      };
      const at = this.deps.clock.now().toISOString();
      await this.deps.store.transaction(async (tx) => {
        await tx.replaceMessageMetadata(message.id, updated.metadata);
        await tx.insertOutbox(
          [eventRow('message.updated', message.workspaceId, { message: messageView(updated) }, message.conversationId)],
          at,
        );
      });
      this.deps.afterCommit();
      return updated;
    } catch (error) {
      log.warn({}, `voice message not transcribed: ${this.deps.redactor.scrub(errorText(error))}`);
      return message;
    }
  }
}
