// Media endpoints: upload (POST /{phone-number-id}/media, multipart), retrieve (GET /{media-id} → short-lived URL),
// delete, and the download of that URL which requires the same bearer token (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GraphError, graphErrors } from './graph-errors.js';
import type { GraphContext, WhatsAppRuntime } from './graph-context.js';
import type { MediaRecord, PhoneRecord } from './state.js';

/** Meta's supported media types (Cloud API "Supported Media Types"), with their size limits. */
export const SUPPORTED_MEDIA: Record<string, number> = {
  'audio/aac': 16 << 20,
  'audio/amr': 16 << 20,
  'audio/mpeg': 16 << 20,
  'audio/mp4': 16 << 20,
  'audio/ogg': 16 << 20,
  'text/plain': 100 << 20,
  'application/pdf': 100 << 20,
  'application/vnd.ms-powerpoint': 100 << 20,
  'application/msword': 100 << 20,
  'application/vnd.ms-excel': 100 << 20,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 << 20,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 << 20,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 << 20,
  'image/jpeg': 5 << 20,
  'image/png': 5 << 20,
  'image/webp': 500 << 10,
  'video/3gpp': 16 << 20,
  'video/mp4': 16 << 20,
};

export const MEDIA_DOWNLOAD_PATH = '/whatsapp_business/attachments/';

export function uploadMedia(ctx: GraphContext, phone: PhoneRecord): { id: string } {
  const { fields, files } = ctx.body;
  if (fields.messaging_product === undefined) throw graphErrors.required('messaging_product');
  if (fields.messaging_product !== 'whatsapp')
    throw graphErrors.paramMessage(
      `Param messaging_product must be one of {WHATSAPP} - got "${String(fields.messaging_product)}".`,
    );
  const file = files.get('file');
  if (!file) throw graphErrors.required('file');
  const declared =
    typeof fields.type === 'string' && fields.type ? fields.type : (file.contentType ?? 'application/octet-stream');
  const mime = declared.split(';')[0]?.trim().toLowerCase() ?? '';
  const limit = SUPPORTED_MEDIA[mime];
  if (limit === undefined) {
    throw graphErrors.paramMessage(
      `Param file must be a file with one of the following types: ${Object.keys(SUPPORTED_MEDIA).join(', ')}. Received file of type '${mime}'.`,
    );
  }
  if (file.data.length > limit)
    throw new GraphError({
      code: 131053,
      details: `Media file size too big. Max file size for ${mime} is ${limit} bytes.`,
    });
  const rec = ctx.rt.state.addMedia({
    phone,
    data: file.data,
    mimeType: declared,
    filename: file.filename,
    origin: 'upload',
  });
  return { id: rec.id };
}

function urlHash(rt: WhatsAppRuntime, mid: string, ext: string): string {
  return createHmac('sha256', rt.mediaUrlKey).update(`${mid}:${ext}`).digest('base64url').slice(0, 22);
}

export function mediaInfo(ctx: GraphContext, media: MediaRecord): Record<string, unknown> {
  const phoneId = ctx.query.get('phone_number_id');
  if (phoneId && phoneId !== media.phoneNumberId) throw graphErrors.unknownObject('get', media.id);
  const ext = String(Math.floor((ctx.rt.clock.now() + ctx.rt.settings.mediaUrlTtlMs) / 1000));
  const url = `${ctx.rt.baseUrl()}${MEDIA_DOWNLOAD_PATH}?mid=${media.id}&ext=${ext}&hash=${urlHash(ctx.rt, media.id, ext)}`;
  return {
    url,
    mime_type: media.mimeType,
    sha256: media.sha256Hex,
    file_size: media.data.length,
    id: media.id,
    messaging_product: 'whatsapp',
  };
}

export function deleteMedia(media: MediaRecord): { success: true } {
  media.deleted = true;
  return { success: true };
}

export type DownloadOutcome = { ok: true; media: MediaRecord } | { ok: false; status: number; text: string };

/** Checks a media download URL (signature, 5 minute expiry, media still there). The bearer is checked by the caller. */
export function checkDownloadUrl(rt: WhatsAppRuntime, url: URL): DownloadOutcome {
  const mid = url.searchParams.get('mid') ?? '';
  const ext = url.searchParams.get('ext') ?? '';
  const hash = url.searchParams.get('hash') ?? '';
  const expected = Buffer.from(urlHash(rt, mid, ext));
  const given = Buffer.from(hash);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, status: 403, text: 'URL signature mismatch' };
  if (Number(ext) * 1000 < rt.clock.now()) return { ok: false, status: 404, text: 'URL signature expired' };
  const media = rt.state.media.get(mid);
  if (!media || media.deleted) return { ok: false, status: 404, text: 'Not Found' };
  return { ok: true, media };
}
