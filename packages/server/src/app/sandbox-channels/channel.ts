/**
 * @module app/sandbox-channels/channel
 * One simulated channel of `switchboard sandbox`: it starts its provider simulator, says which connection the hub
 * should create against it, and plays the customer's side for the phone page. Adding a channel to the sandbox is
 * one file here and one line in index.ts; app/sandbox.ts knows none of them by name.
 */

/** one bubble on the customer's phone: 'out' is what the customer wrote, 'in' what the business sent */
export interface SandboxPhoneLine {
  at: string;
  direction: 'in' | 'out';
  text: string;
  buttons?: Array<{ id: string; title: string }>;
  messageId?: number | string;
  /** the business address the line went through, where the channel has several (sticky sender numbers) */
  via?: string;
}

/** the connection the hub creates against a started simulator */
export interface SandboxConnectionSpec {
  type: string;
  name: string;
  config: Record<string, unknown>;
}

/** what the hub tells a channel once its connection exists and is RUNNING */
export interface SandboxConnected {
  id: string;
  webhookUrl: string;
  config: Record<string, unknown>;
}

export interface SandboxChannelHandle {
  /** the simulator's base URL, printed by the CLI */
  simulatorUrl: string;
  connection: SandboxConnectionSpec;
  /** after the connection started: point the simulator's webhooks at it, where the provider needs that */
  connected?(connection: SandboxConnected): Promise<void>;
  /** a new customer on the phone; the id is the one the phone page uses in its URLs */
  createCustomer(name: string): Promise<{ id: string }> | { id: string };
  sendText(customerId: string, text: string): Promise<void> | void;
  /** a tap on a button the business sent; absent on channels without buttons */
  press?(
    customerId: string,
    input: { messageId: number | string; buttonId: string; title?: string },
  ): Promise<void> | void;
  lines(customerId: string): Promise<SandboxPhoneLine[]> | SandboxPhoneLine[];
  /** moves the simulator's clock forward with the hub's (the sandbox's "skip ahead" control) */
  advance?(ms: number): void;
  close(): Promise<void>;
}

export interface SandboxChannel {
  /** the connector type, also the phone page's channel key */
  type: string;
  /** shown in the phone page's channel picker and the CLI's summary */
  label: string;
  /** the channel's glyph: an SVG path in the 24×24 stroke style of the app's icons (packages/web/src/icons.tsx) */
  icon: string;
  start(): Promise<SandboxChannelHandle>;
}

/** the text of a provider message body for the phone, when a channel has nothing better */
export function describeBody(body: Record<string, unknown>): string {
  if (typeof body.text === 'string') return body.text;
  if (typeof body.caption === 'string') return body.caption;
  for (const k of ['photo', 'document', 'voice', 'audio', 'video', 'sticker', 'location', 'contact'])
    if (k in body) return `[${k}]`;
  return '[message]';
}
