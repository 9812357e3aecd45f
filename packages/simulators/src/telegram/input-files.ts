// InputFile handling (multipart upload, attach://, file_id reuse, HTTP URL fetched by the server) and the media
// objects Telegram builds from files (https://core.telegram.org/bots/api#available-methods sendPhoto/sendDocument/sendVoice, https://core.telegram.org/bots/api#update PhotoSize/Document/Voice).
import { OutboundError, sendOutbound } from '../http/outbound-request.js';
import type { UploadedFile } from '../http/multipart.js';
import { BotApiError, tgErrors } from './errors.js';
import { imageDimensions } from './image-dimensions.js';
import type { MethodContext } from './method-context.js';
import type { BotRecord, FileKind, FileRecord, TelegramState } from './state.js';
import type { TgAudio, TgDocument, TgMessage, TgPhotoSize, TgSticker, TgVideo, TgVoice } from './types.js';

const MB = 1 << 20;
/** Upload limits of the cloud Bot API: photos 10 MB, other files 50 MB; URL fetches 5 MB photos / 20 MB others. */
const UPLOAD_LIMIT: Record<FileKind, number> = {
  photo: 10 * MB,
  document: 50 * MB,
  voice: 50 * MB,
  audio: 50 * MB,
  video: 50 * MB,
  animation: 50 * MB,
  sticker: 50 * MB,
};
const URL_LIMIT: Record<FileKind, number> = {
  ...UPLOAD_LIMIT,
  photo: 5 * MB,
  document: 20 * MB,
  voice: 20 * MB,
  audio: 20 * MB,
  video: 20 * MB,
  animation: 20 * MB,
};
/** Files larger than this can't be fetched through getFile (tdlib Client.h MAX_DOWNLOAD_FILE_SIZE = 20 MB). */
export const MAX_DOWNLOAD_BYTES = 20 * MB;

const DEFAULT_MIME: Partial<Record<FileKind, string>> = {
  voice: 'audio/ogg',
  audio: 'audio/mpeg',
  video: 'video/mp4',
  animation: 'video/mp4',
  sticker: 'image/webp',
  photo: 'image/jpeg',
};

/** Resolves the InputFile parameter `field` to a stored file of this bot. */
export async function resolveInputFile(ctx: MethodContext, field: string, kind: FileKind): Promise<FileRecord> {
  const { rt, bot } = ctx;
  const input = ctx.params.inputFile(field);
  if (input === undefined) throw tgErrors.noFileInRequest(field);
  if (typeof input !== 'string') return storeUpload(rt.state, bot, kind, input);
  if (/^https?:\/\//i.test(input)) {
    if (!rt.settings.fetchUrls) throw tgErrors.failedToGetUrl();
    try {
      const res = await sendOutbound({
        url: input,
        method: 'GET',
        timeoutMs: 30_000,
        maxResponseBytes: URL_LIMIT[kind],
        signal: rt.signal,
      });
      if (res.status < 200 || res.status > 299 || res.body.length === 0) throw tgErrors.failedToGetUrl();
      const contentType =
        String(res.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim() || undefined;
      const fileName = decodeURIComponent(new URL(input).pathname.split('/').pop() ?? '') || undefined;
      return rt.state.addFile(bot, kind, res.body, { mimeType: contentType ?? DEFAULT_MIME[kind], fileName });
    } catch (err) {
      if (err instanceof BotApiError) throw err;
      if (err instanceof OutboundError) throw tgErrors.failedToGetUrl();
      throw err;
    }
  }
  const existing = rt.state.files.get(input.trim());
  if (!existing || existing.botId !== bot.user.id) throw tgErrors.wrongFileId();
  return existing;
}

export function storeUpload(state: TelegramState, bot: BotRecord, kind: FileKind, upload: UploadedFile): FileRecord {
  if (upload.data.length === 0) throw tgErrors.noFileInRequest(kind);
  if (upload.data.length > UPLOAD_LIMIT[kind]) throw new BotApiError(413, 'Request Entity Too Large');
  const mimeType =
    upload.contentType && upload.contentType !== 'application/octet-stream'
      ? upload.contentType
      : (guessMime(upload.filename) ?? DEFAULT_MIME[kind]);
  return state.addFile(bot, kind, upload.data, { mimeType, fileName: upload.filename });
}

function guessMime(name: string | undefined): string | undefined {
  const ext = name?.split('.').pop()?.toLowerCase();
  const table: Record<string, string> = {
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    png: 'image/png',
    gif: 'image/gif',
    webp: 'image/webp',
    pdf: 'application/pdf',
    txt: 'text/plain',
    ogg: 'audio/ogg',
    oga: 'audio/ogg',
    opus: 'audio/ogg',
    mp3: 'audio/mpeg',
    m4a: 'audio/mp4',
    mp4: 'video/mp4',
    zip: 'application/zip',
  };
  return ext ? table[ext] : undefined;
}

export interface MediaExtras {
  duration?: number | undefined;
  width?: number | undefined;
  height?: number | undefined;
  performer?: string | undefined;
  title?: string | undefined;
  emoji?: string | undefined;
}

/** The message fields Telegram sets for a file of `kind` (photo sizes, document, voice, …). */
export function mediaFields(
  state: TelegramState,
  bot: BotRecord,
  file: FileRecord,
  kind: FileKind,
  extras: MediaExtras = {},
): Partial<TgMessage> {
  const ids = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.data.length };
  switch (kind) {
    case 'photo': {
      const dims = imageDimensions(file.data) ?? { width: extras.width ?? 800, height: extras.height ?? 600 };
      const sizes: TgPhotoSize[] = [];
      const longest = Math.max(dims.width, dims.height);
      if (longest > 90) {
        const scale = 90 / longest;
        const thumb = state.addDerivedFile(file, bot, 's');
        sizes.push({
          file_id: thumb.fileId,
          file_unique_id: thumb.fileUniqueId,
          file_size: file.data.length,
          width: Math.max(1, Math.round(dims.width * scale)),
          height: Math.max(1, Math.round(dims.height * scale)),
        });
      }
      sizes.push({ ...ids, width: dims.width, height: dims.height }); // largest last
      return { photo: sizes };
    }
    case 'document': {
      const doc: TgDocument = {
        ...(file.fileName ? { file_name: file.fileName } : {}),
        ...(file.mimeType ? { mime_type: file.mimeType } : {}),
        ...ids,
      };
      return { document: doc };
    }
    case 'voice': {
      const voice: TgVoice = { duration: extras.duration ?? 1, mime_type: file.mimeType ?? 'audio/ogg', ...ids };
      return { voice };
    }
    case 'audio': {
      const audio: TgAudio = { duration: extras.duration ?? 1, ...ids };
      if (extras.performer) audio.performer = extras.performer;
      if (extras.title) audio.title = extras.title;
      if (file.fileName) audio.file_name = file.fileName;
      audio.mime_type = file.mimeType ?? 'audio/mpeg';
      return { audio };
    }
    case 'video':
    case 'animation': {
      const video: TgVideo = {
        duration: extras.duration ?? 1,
        width: extras.width ?? 640,
        height: extras.height ?? 360,
        ...ids,
      };
      if (file.fileName) video.file_name = file.fileName;
      video.mime_type = file.mimeType ?? 'video/mp4';
      if (kind === 'video') return { video };
      // animations arrive with a `document` twin (Bot API: "for backward compatibility")
      const document: TgDocument = {
        ...(file.fileName ? { file_name: file.fileName } : {}),
        mime_type: video.mime_type,
        ...ids,
      };
      return { animation: video, document };
    }
    case 'sticker': {
      const sticker: TgSticker = {
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        type: 'regular',
        ...ids,
      };
      if (extras.emoji) sticker.emoji = extras.emoji;
      return { sticker };
    }
  }
}

const getFile = (ctx: MethodContext) => {
  const id = (ctx.params.str('file_id') ?? '').trim();
  const file = ctx.rt.state.files.get(id);
  if (!file || file.botId !== ctx.bot.user.id) throw tgErrors.invalidFileId();
  if (file.data.length > MAX_DOWNLOAD_BYTES) throw tgErrors.fileTooBig();
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_size: file.data.length,
    file_path: file.filePath,
  };
};

export const fileMethods = { getfile: getFile };
