// setWebhook, deleteWebhook, getWebhookInfo and getUpdates (https://core.telegram.org/bots/api#available-methods; descriptions as the official server answers).
import { tgErrors } from './errors.js';
import { Described, type BotMethod, type MethodContext } from './method-context.js';
import { isUploadedFile } from './params.js';
import type { WebhookConfig } from './state.js';
import type { TgUpdate, TgWebhookInfo } from './types.js';

const SECRET_TOKEN = /^[A-Za-z0-9_-]+$/;
const WEBHOOK_PORTS = new Set([443, 80, 88, 8443]);

function readAllowedUpdates(ctx: MethodContext): string[] | undefined {
  const v = ctx.params.json<unknown>('allowed_updates', tgErrors.allowedUpdatesUnparseable);
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw tgErrors.allowedUpdatesUnparseable();
  return v as string[];
}

function deleteWebhook(ctx: MethodContext): Described {
  const { bot, rt } = ctx;
  if (ctx.params.bool('drop_pending_updates')) rt.state.dropPendingUpdates(bot);
  if (!bot.webhook) return new Described(true, 'Webhook is already deleted');
  bot.webhook = null;
  rt.webhooks.stop(bot);
  return new Described(true, 'Webhook was deleted');
}

const setWebhook: BotMethod = (ctx) => {
  const { bot, rt, params } = ctx;
  const url = (params.str('url') ?? '').trim();
  if (url === '') return deleteWebhook(ctx);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw tgErrors.invalidWebhookUrl();
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw tgErrors.invalidWebhookUrl();
  if (rt.settings.strictWebhookUrl) {
    if (parsed.protocol !== 'https:') throw tgErrors.badWebhookHttps();
    if (!WEBHOOK_PORTS.has(Number(parsed.port || 443))) throw tgErrors.badWebhookPort();
  }
  const secret = params.str('secret_token');
  if (secret !== undefined && secret !== '') {
    if (secret.length > 256) throw tgErrors.secretTokenTooLong();
    if (!SECRET_TOKEN.test(secret)) throw tgErrors.secretTokenInvalid();
  }
  const maxConnections = Math.min(100, Math.max(1, params.int('max_connections') ?? 40));
  const allowed = readAllowedUpdates(ctx);
  const certificate = params.raw('certificate');
  const config: WebhookConfig = {
    url,
    secretToken: secret || undefined,
    maxConnections,
    ipAddress: params.str('ip_address') || undefined,
    hasCustomCertificate: isUploadedFile(certificate),
  };
  const drop = params.bool('drop_pending_updates');
  const prev = bot.webhook;
  const allowedSame = allowed === undefined || JSON.stringify(allowed) === JSON.stringify(bot.allowedUpdates ?? []);
  if (
    prev &&
    prev.url === config.url &&
    prev.secretToken === config.secretToken &&
    prev.maxConnections === config.maxConnections &&
    prev.ipAddress === config.ipAddress &&
    !config.hasCustomCertificate &&
    allowedSame &&
    !drop
  ) {
    return new Described(true, 'Webhook is already set');
  }
  if (allowed !== undefined) bot.allowedUpdates = allowed.length > 0 ? allowed : null;
  if (drop) rt.state.dropPendingUpdates(bot);
  rt.polls.terminate(bot.user.id, tgErrors.terminatedBySetWebhook());
  bot.webhook = config;
  bot.lastErrorDate = undefined;
  bot.lastErrorMessage = undefined;
  rt.webhooks.start(bot);
  return new Described(true, 'Webhook was set');
};

const getWebhookInfo: BotMethod = ({ bot, rt }) => {
  rt.state.expireUpdates(bot);
  const info: TgWebhookInfo = {
    url: bot.webhook?.url ?? '',
    has_custom_certificate: bot.webhook?.hasCustomCertificate ?? false,
    pending_update_count: bot.updates.size,
  };
  if (bot.webhook) {
    if (bot.webhook.ipAddress) info.ip_address = bot.webhook.ipAddress;
    if (bot.lastErrorDate !== undefined) info.last_error_date = bot.lastErrorDate;
    if (bot.lastErrorMessage !== undefined) info.last_error_message = bot.lastErrorMessage;
    info.max_connections = bot.webhook.maxConnections;
    if (bot.allowedUpdates) info.allowed_updates = [...bot.allowedUpdates];
  }
  return info;
};

const getUpdates: BotMethod = async (ctx) => {
  const { bot, rt, params } = ctx;
  if (bot.webhook) throw tgErrors.webhookActive();
  const offset = params.int('offset');
  const limit = Math.min(100, Math.max(1, params.int('limit') ?? 100));
  const timeoutS = Math.min(rt.settings.longPollMaxTimeoutSeconds, Math.max(0, params.int('timeout') ?? 0));
  const allowed = readAllowedUpdates(ctx);
  if (allowed !== undefined) bot.allowedUpdates = allowed.length > 0 ? allowed : null;
  rt.polls.terminate(bot.user.id, tgErrors.otherGetUpdates());

  const confirm = () => {
    if (offset === undefined || offset === 0) return;
    if (offset > 0) {
      for (const id of [...bot.updates.keys()]) if (id < offset) bot.updates.delete(id);
    } else {
      const keep = new Set([...bot.updates.keys()].slice(offset));
      for (const id of [...bot.updates.keys()]) if (!keep.has(id)) bot.updates.delete(id);
    }
  };
  const collect = (): TgUpdate[] => {
    rt.state.expireUpdates(bot);
    const out: TgUpdate[] = [];
    for (const pu of bot.updates.values()) {
      if (out.length >= limit) break;
      out.push(pu.update);
    }
    return out;
  };
  confirm();
  let updates = collect();
  if (updates.length === 0 && timeoutS > 0) {
    const reason = await rt.polls.wait(bot.user.id, timeoutS * 1000);
    if (typeof reason === 'object') throw reason;
    if (bot.webhook) throw tgErrors.terminatedBySetWebhook();
    updates = collect();
  }
  return updates;
};

export const webhookMethods: Record<string, BotMethod> = {
  setwebhook: setWebhook,
  deletewebhook: deleteWebhook,
  getwebhookinfo: getWebhookInfo,
  getupdates: getUpdates,
};
