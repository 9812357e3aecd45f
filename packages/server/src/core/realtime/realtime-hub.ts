/**
 * @module core/realtime/realtime-hub
 * Fans domain events out to the clients connected to this process (operators' SSE streams, webchat visitors).
 * Every API process subscribes to the broadcast topic, so a client on any process sees every event.
 */
import type { DomainEvent, EventType } from '../../model/index.js';
import type { Bus, Subscription } from '../ports/index.js';
import { TOPIC_EVENTS } from '../events.js';

export interface RealtimeClient {
  workspaceId: string;
  /** narrows what the client sees (a webchat visitor sees its own conversations); absent = the whole workspace */
  accepts?(event: DomainEvent): boolean;
  send(event: DomainEvent): void;
}

export class RealtimeHub {
  private readonly clients = new Set<RealtimeClient>();
  private subscription: Subscription | undefined;

  constructor(private readonly bus: Bus) {}

  start(): void {
    this.subscription = this.bus.subscribeBroadcast(TOPIC_EVENTS, (m) => {
      const p = m.payload;
      const event: DomainEvent = {
        id: p._seq === undefined ? '' : String(p._seq),
        type: p.type as EventType,
        workspaceId: String(p.workspaceId),
        conversationId: typeof p.conversationId === 'string' ? p.conversationId : undefined,
        occurredAt: new Date().toISOString(),
        data: (p.data ?? {}) as Record<string, unknown>,
      };
      this.dispatch(event);
    });
  }

  dispatch(event: DomainEvent): void {
    for (const client of this.clients) {
      if (client.workspaceId !== event.workspaceId) continue;
      if (client.accepts && !client.accepts(event)) continue;
      try {
        client.send(event);
      } catch {
        this.clients.delete(client);
      }
    }
  }

  add(client: RealtimeClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  get size(): number {
    return this.clients.size;
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.clients.clear();
  }
}
