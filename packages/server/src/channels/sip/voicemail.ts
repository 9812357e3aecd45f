/**
 * @module channels/sip/voicemail — what a caller nobody could take leaves: the voicemail message is spoken
 * (`voicemailMessage`), a tone, then the caller's audio is kept until they hang up, `voicemailSilenceSeconds` pass
 * without speech or `voicemailMaxSeconds` in all (the limits of Twilio's <Record>, timeout and maxLength,
 * https://www.twilio.com/docs/voice/twiml/record). It goes to the hub as the call's `voicemail` (an 8 kHz mono WAV),
 * and the hub ends the call when the caller did not.
 */
import { encodeWav, rms, TELEPHONE_RATE, tone, type RtpMedia } from '../../channel-kit/index.js';
import type { TransferCall, TransferHost } from './transfer-host.js';

const FRAME = 160;

/** the tone a recording starts after: 1 kHz for half a second, after a short pause */
function beep(): Int16Array {
  const pause = new Int16Array(Math.round(0.3 * TELEPHONE_RATE));
  const sound = tone(1000, 500);
  const out = new Int16Array(pause.length + sound.length);
  out.set(sound, pause.length);
  return out;
}

export async function takeVoicemail(
  host: TransferHost,
  call: TransferCall,
  media: RtpMedia,
  stopped: () => boolean,
): Promise<void> {
  const { config } = host;
  const prompt = await host.speak(config.voicemailMessage);
  if (stopped()) return;
  const bell = beep();
  const clip = new Int16Array(prompt.length + bell.length);
  clip.set(prompt);
  clip.set(bell, prompt.length);
  await media.whenPlayed(media.play(clip));
  if (stopped()) return;
  const silenceMs = config.voicemailSilenceSeconds * 1000;
  const captured = await media.capture({ silenceMs, maxMs: config.voicemailMaxSeconds * 1000 });
  // the silence that ended it is not kept, half a second of it is (a phone that stops sending leaves none)
  const all = captured.samples;
  let end = all.length;
  while (end >= FRAME && rms(all.subarray(end - FRAME, end)) < config.speechLevel) end -= FRAME;
  const samples = all.subarray(0, Math.min(all.length, end + TELEPHONE_RATE / 2));
  // a caller who hung up at the tone left nothing
  if (samples.length >= TELEPHONE_RATE / 2) {
    const file = await host.spool(call, 'vm', encodeWav({ sampleRate: TELEPHONE_RATE, channels: 1, samples }));
    await host.deliver(
      call,
      {
        event: 'voicemail',
        callId: call.id,
        customer: call.customer,
        business: call.business,
        at: new Date().toISOString(),
        file,
        durationSeconds: Math.round(samples.length / TELEPHONE_RATE),
      },
      'voicemail',
    );
  }
  if (!stopped()) host.hangUp(call.id);
}
