/**
 * @module core/degradation/choice-reply
 * The way back of numbered options (./degrade.ts): a customer on a channel without buttons types `2` or the
 * option's title, and the hub stores the `button_reply` (or `list_reply`) with the original id, so bots, flows and
 * routing rules see the same answer on every channel.
 */
import type { Content } from '../../model/index.js';
import type { MessageRecord, StoreOps } from '../ports/index.js';
import type { Choice } from './degrade.js';

/** an option's title is at most 256 characters (ButtonSchema); longer texts are never an answer, and cost no query */
const MAX_ANSWER = 256;
/** how far back the offer is looked for; a split offer ends in its last part, which is the latest outbound */
const RECENT = 20;

/** the options an outbound message offered as text (metadata.choices, written by the message queue) */
export function offeredChoices(message: Pick<MessageRecord, 'direction' | 'metadata'>): Choice[] | undefined {
  if (message.direction !== 'outbound') return undefined;
  const choices = message.metadata.choices;
  return Array.isArray(choices) && choices.length > 0 ? (choices as Choice[]) : undefined;
}

/** the option a typed answer names: its number, or its exact title (case-insensitive, trimmed) */
export function matchChoice(choices: readonly Choice[], typed: string): Choice | undefined {
  const answer = typed.trim();
  if (/^\d{1,3}$/.test(answer)) return choices.find((c) => c.n === Number(answer));
  const folded = answer.toLocaleLowerCase();
  return choices.find((c) => c.title.trim().toLocaleLowerCase() === folded);
}

export interface ChoiceAnswer {
  content: Content;
  /** kept on the inbound message: what the customer typed and which offer it answered */
  metadata: { choiceReply: { messageId: string; typed: string } };
}

/**
 * A text answering the conversation's latest outbound message, when that message offered numbered options, as
 * the reply it stands for; undefined otherwise. Only the latest outbound message counts: once the business has
 * written something else, a bare "1" answers that, not an older menu.
 */
export async function answerToOffer(
  tx: Pick<StoreOps, 'listRecentMessages'>,
  conversationId: string,
  content: Content,
): Promise<ChoiceAnswer | undefined> {
  if (content.type !== 'text' || content.text.trim().length === 0 || content.text.length > MAX_ANSWER) return undefined;
  const recent = await tx.listRecentMessages(conversationId, RECENT);
  const lastOutbound = recent.findLast((m) => m.direction === 'outbound');
  const choices = lastOutbound && offeredChoices(lastOutbound);
  if (!lastOutbound || !choices) return undefined;
  const choice = matchChoice(choices, content.text);
  if (!choice) return undefined;
  return {
    content: { type: 'interactive', interactive: { kind: choice.kind, reply: { id: choice.id, title: choice.title } } },
    metadata: { choiceReply: { messageId: lastOutbound.id, typed: content.text } },
  };
}
