/**
 * @module web/conversation/template-wait: a business-initiated template that waits for the customer's answer. The
 * hub refuses another to the same customer until they answer or the channel's window hours have passed (409 with
 * the conversation it went to); the app then opens that conversation, saying why, and offers no template to send
 * until then. The notice travels to the conversation through here, whichever screen sent the template.
 */
import { useEffect, useState } from 'react';
import type { Conversation } from '../../../sdk/src/index.ts';
import { fullTime } from '../format.ts';

/** WhatsApp's, when a channel does not say (https://developers.facebook.com/docs/whatsapp/pricing#conversations) */
const DEFAULT_WINDOW_HOURS = 24;

/** until when no other template can go to this conversation's customer, or undefined when one can go now */
export function templateBlockedUntil(
  conversation: Pick<Conversation, 'window'>,
  windowHours: number | undefined,
  now = Date.now(),
): string | undefined {
  const w = conversation.window;
  if (!w || w.open || !w.awaitingReply || !w.templateSentAt) return undefined;
  return blockedAfter(w.templateSentAt, windowHours, now);
}

/** the end of the wait that began with a template sent at `sentAt`, while it lasts */
export function blockedAfter(sentAt: string, windowHours: number | undefined, now = Date.now()): string | undefined {
  const until = Date.parse(sentAt) + (windowHours ?? DEFAULT_WINDOW_HOURS) * 3_600_000;
  return Number.isNaN(until) || until <= now ? undefined : new Date(until).toISOString();
}

/** the words for it: when the template went, whose answer it waits for, and when another may go */
export function waitingText(name: string, sentAt: string | undefined, until: string | undefined): string {
  return `A template was already sent${sentAt ? ` ${fullTime(sentAt)}` : ''} and waits for ${name}'s reply${
    until ? `; another can be sent after ${fullTime(until)}` : ''
  }.`;
}

const pending = new Map<string, string>();
const listeners = new Set<() => void>();

/** opens a conversation with a notice on top of it saying why it was opened (it may be the one already open) */
export function openWithNotice(conversationId: string, text: string): void {
  pending.set(conversationId, text);
  listeners.forEach((l) => l());
  location.hash = `#/inbox/${encodeURIComponent(conversationId)}`;
}

/** the notice a conversation was opened with, until dismissed */
export function useOpenedNotice(conversationId: string): [string | undefined, () => void] {
  const [text, setText] = useState<string | undefined>(() => pending.get(conversationId));
  useEffect(() => {
    const take = () => {
      const t = pending.get(conversationId);
      if (t === undefined) return;
      pending.delete(conversationId);
      setText(t);
    };
    take();
    listeners.add(take);
    return () => {
      listeners.delete(take);
    };
  }, [conversationId]);
  return [text, () => setText(undefined)];
}
