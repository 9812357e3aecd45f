/** @module channel-kit — the connector contract every channel implements. Imports only the model. */
export * from './connector.js';
export * from './capabilities.js';
export * from './address.js';
export * from './errors.js';
export * from './provider-http.js';
export * from './request-window.js';
export * from './signature.js';
export * from './stored-request.js';
export * from './config-schema.js';
// webchat: opening hours shared by channels that keep office hours
export * from './operating-hours.js';
// consent: opt-out and opt-in keywords any channel may offer
export * from './opt-out.js';
// SMS: GSM-7 / UCS-2 segments of a text
export * from './sms.js';
// health: a credential's end as a finding
export * from './credential-expiry.js';
// the Meta family (WhatsApp Cloud, Messenger, Instagram): handshake, signature and the Messenger Platform envelope
export * from './meta-webhook.js';
export * from './meta-messaging.js';
// the two WhatsApp APIs (Cloud, On-Premises): message and status objects, outbound bodies, templates, error codes
export * from './whatsapp-business.js';
// the Twilio products (Messaging, Voice): X-Twilio-Signature, basic auth, the REST error body, the account check
export * from './twilio.js';
// calls whose media the hub carries itself (SIP): WAV, G.711, resampling, text-to-speech, RTP in a worker thread
export * from './voice.js';
export * from './rtp-media.js';
