/**
 * @module web/conversation/ConversationMeta: under the conversation's title, which of the connection's numbers or
 * addresses it writes from (a WhatsApp connection can have several: sticky senders) and, on windowed channels,
 * how long the customer-service window has left — kept current every minute.
 */
import { useEffect, useState } from 'react';
import type { Conversation } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';

/** "13 h 20 min", "45 min", "less than a minute" */
export function timeLeft(ms: number): string {
  if (ms < 60_000) return 'less than a minute';
  const minutes = Math.floor(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
}

export function ConversationMeta({ conversation }: { conversation: Conversation }) {
  const { types } = useApp();
  // which number it writes from matters where the connection has several (sticky senders); a Page or a bot is one
  const severalSenders = types.get(conversation.channelType)?.features.includes('senders') === true;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const w = conversation.window;
  const left = w?.open ? Date.parse(w.expiresAt) - now : 0;
  // the window first: it decides what the operator can send
  const parts = [
    w ? (w.open && left > 0 ? `Window: ${timeLeft(left)} left` : 'Window closed') : '',
    severalSenders && conversation.senderAddress ? `From ${conversation.senderAddress}` : '',
  ].filter(Boolean);
  if (parts.length === 0) return null;
  return (
    <p className="conv-meta" data-testid="conversation-meta">
      {parts.join(' · ')}
    </p>
  );
}
