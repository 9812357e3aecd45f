/**
 * @module channels/sip/closed-line — the line while its agent is stopped. A SIP line has no lifecycle of its own:
 * it stops with its agent (core/agents), and where a Twilio number then answers with the closed message (TwiML, a
 * webhook that still arrives), a trunk's call reaches nobody unless we still listen. So the same user agent keeps
 * the port (and the registration), answers a call from the trunk for our numbers with 200, plays `closedMessage`
 * and hangs up (BYE) when it has been said — storing nothing: no call, no conversation, no recording. A caller
 * who hangs up first ends it as usual. It runs until the connection starts again (core's ListenRunner).
 */
import type { BaseContext } from '../../channel-kit/index.js';
import type { SipConfig } from './config.js';
import { SipUserAgent, type Call } from './ua.js';

class ClosedLine extends SipUserAgent {
  protected override readonly stores = false;
  private readonly closingClips = new Map<Call, number>();

  protected override deliver(): Promise<unknown> {
    return Promise.resolve();
  }

  protected override greetingText(): string {
    return this.config.closedMessage;
  }

  protected override greeted(call: Call, clip: number): void {
    this.closingClips.set(call, clip);
  }

  protected override played(call: Call, clip: number): void {
    if (this.closingClips.get(call) !== clip) return;
    this.closingClips.delete(call);
    // a moment of quiet after the last word, so the end of the message is not cut by the hang-up
    setTimeout(() => this.hangUp(call.id), 300).unref();
  }
}

export function runClosedLine(ctx: BaseContext<SipConfig>): Promise<void> {
  const never = () => Promise.reject(new Error('a closed line stores nothing'));
  return new ClosedLine({ ...ctx, deliver: never, cursor: { get: never, set: never } }).run();
}
