/**
 * @module channels/twilio-voice/send — a reply on a call is spoken: the live call (the conversation's thread is its
 * CallSid) gets new TwiML — the text in <Say>, then listening again — which interrupts the hold the caller waits
 * in (https://www.twilio.com/docs/voice/tutorials/how-to-modify-calls-in-progress). A call that already ended
 * answers 21220: the reply fails as REJECTED, visibly, and is not retried.
 */
import { ChannelError, type SendContext, type SendMap } from '../../channel-kit/index.js';
import { updateLiveCall } from './api.js';
import type { TwilioVoiceConfig } from './config.js';
import { listen, operatorsOf, say, transfer, twiml, voicemail } from './twiml.js';

export const twilioVoiceSend: SendMap<TwilioVoiceConfig> = {
  text: async (message, ctx: SendContext<TwilioVoiceConfig>) => {
    const call = message.threadKey;
    if (!call) throw new ChannelError('REJECTED', 'this conversation is not a phone call');
    // the gather of this reply is named after the message, so the caller's answer is a new message of the call;
    // the agent's last words before a handoff are followed by the transfer (or the voicemail without an operator):
    // the conversation's operators the hub named first, then the connection's own
    const operators = [...new Set([...(message.transferTo ?? []), ...operatorsOf(ctx.config)])];
    const next = !message.handoffAfter
      ? listen(ctx.config, ctx.webhookUrl, message.id)
      : operators.length > 0
        ? transfer(ctx.config, ctx.webhookUrl, operators, message.to).slice(1)
        : ctx.config.voicemail
          ? voicemail(ctx.config, ctx.webhookUrl, message.to)
          : [{ name: 'Hangup' }];
    const document = twiml([say(ctx.config, message.content.text), ...next]);
    await updateLiveCall(call, document, ctx);
    return { providerMessageId: `${call}:say:${message.id}` };
  },
};
