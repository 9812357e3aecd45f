/**
 * @module channels/sip — your own SIP trunk (RFC 3261): the hub is the user agent the trunk delivers calls to. A call
 * is a conversation with a calls row; what the caller says is cut into utterances (audio messages the agent's
 * speech-to-text reads), keys are messages, the agent's replies are spoken (espeak-ng offline, or an
 * OpenAI-compatible /audio/speech), and both parties' stereo recording is attached when the call ends. A handoff (or
 * the caller pressing 0) rings operators through the trunk and bridges the call; nobody answering, a voicemail.
 */
import { ChannelError, defineConnector, type FetchedMedia } from '../../channel-kit/index.js';
import { runClosedLine } from './closed-line.js';
import { sipConfigSchema, type SipConfig } from './config.js';
import { parseSip, sipEventKey } from './parse.js';
import { Spool } from './spool.js';
import { agents, SipUserAgent } from './ua.js';

export const sipConnector = defineConnector({
  type: 'sip',
  displayName: 'Voice (SIP trunk)',
  description: 'Phone calls through your own SIP trunk, answered by an agent that listens and speaks, recorded.',
  limits: {
    // the caller's speech arrives as audio (transcribed by the agent), keys as text
    inbound: ['text', 'audio'],
    // a spoken reply: a minute and more of speech is already too long to listen to
    maxTextLength: 4096,
    buttons: 0,
    receipts: { delivered: false, read: false },
    rateLimit: { perSecond: 20, burst: 20 },
    spoken: true,
  },
  addressKind: 'phone',
  configSchema: sipConfigSchema,
  configHelp: {
    trunk: {
      title: 'SIP trunk',
      helpUrl: 'https://www.rfc-editor.org/rfc/rfc3261#section-10',
    },
    password: { title: 'Trunk password', helpUrl: 'https://www.rfc-editor.org/rfc/rfc3261#section-22' },
    didNumbers: { title: 'Numbers (DIDs)', helpUrl: 'https://www.rfc-editor.org/rfc/rfc3966' },
    ttsApiKey: {
      title: 'Speech API key',
      helpUrl: 'https://platform.openai.com/docs/api-reference/audio/createSpeech',
    },
  },
  inbound: {
    mode: 'listen',
    listen: (ctx) => new SipUserAgent(ctx).run(),
    // stopped with its agent, the line still answers: callers hear the closed message, and the hub hangs up
    closedLine: runClosedLine,
    parse: parseSip,
    eventKey: sipEventKey,
  },
  send: {
    text: async (message, ctx) => {
      const call = message.threadKey;
      const agent = agents.get(ctx.connectionId);
      if (!call || !agent) throw new ChannelError('REJECTED', 'this conversation is not a live call');
      // the agent's last words before a handoff are followed by the transfer: the conversation's operators the hub
      // named first, then the connection's (transfer.ts)
      const handoff = message.handoffAfter ? { transferTo: message.transferTo ?? [] } : undefined;
      if (!(await agent.say(call, message.content.text, handoff)))
        throw new ChannelError('REJECTED', 'the call has ended or was handed to a person');
      return { providerMessageId: `${call}:say:${message.id}` };
    },
  },
  features: {
    fetchMedia: async (media, ctx): Promise<FetchedMedia> => ({
      bytes: await new Spool(ctx.connectionId).read(media.providerMediaId),
      mimeType: 'audio/wav',
      fileName: media.providerMediaId,
    }),
    senders: (config: SipConfig) => [...config.didNumbers],
    calls: {
      place: (input, ctx) => {
        const agent = agents.get(ctx.connectionId);
        if (!agent) return Promise.reject(new ChannelError('UNAVAILABLE', 'the connection’s SIP agent is not running'));
        return agent.place(input);
      },
    },
  },
});

export type { SipConfig };
