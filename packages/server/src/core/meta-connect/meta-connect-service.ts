/**
 * @module core/meta-connect/meta-connect-service
 * "Connect with Meta": instead of pasting ids and tokens (the Advanced form), an admin logs in with Facebook and
 * picks the Page, Instagram account or WhatsApp number to connect (Facebook Login's manual flow,
 * https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow).
 *
 * 1. start: a random `state` and a random browser nonce; their hashes are stored with who asked and for which
 *    channel. The API sets the nonce as an HttpOnly cookie and answers the dialog URL.
 * 2. callback (the browser comes back from Facebook): the state is claimed once (compare-and-set; a replayed,
 *    expired or invented state is refused) and must belong to the nonce in this browser's cookie (a callback
 *    planted in someone else's browser is refused: CSRF). The code is exchanged for a token, that for a
 *    long-lived one (https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived),
 *    stored sealed.
 * 3. accounts: what the person granted — Pages with their linked Instagram accounts (`me/accounts`,
 *    https://developers.facebook.com/docs/pages-api/getting-started), WhatsApp Business Accounts from the token's
 *    granular scopes (`debug_token`, https://developers.facebook.com/docs/graph-api/reference/debug_token) and their
 *    phone numbers. Only the person who opened the dialog sees them.
 * 4. connect: the connection is created from the pick (tokens sealed like any config secret), started (Messenger
 *    and Instagram subscribe the app to the Page's webhooks at start), and for WhatsApp the app is subscribed to
 *    the account's webhooks (https://developers.facebook.com/docs/whatsapp/embedded-signup/webhooks).
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ChannelError, providerClient, safeEqual, type HttpClient } from '../../channel-kit/index.js';
import { newId } from '../../model/index.js';
import type { ConnectionService, ConnectionView } from '../connections/connection-service.js';
import type { CoreDeps, MetaAppSettings } from '../deps.js';
import { AppError } from '../errors.js';
import type { MetaGrantRecord } from '../ports/index.js';
import { guardHttpClient } from '../security/address-guard.js';

export const META_CONNECT_TYPES = ['messenger', 'instagram', 'whatsapp'] as const;
export type MetaConnectType = (typeof META_CONNECT_TYPES)[number];

/** the switch's text when the server has no Meta app */
export const META_NOT_CONFIGURED = 'Meta App ID and App Secret are not configured on the server';

/** the permissions each channel needs (https://developers.facebook.com/docs/permissions) */
const SCOPES: Record<MetaConnectType, string[]> = {
  messenger: ['pages_show_list', 'pages_messaging', 'pages_manage_metadata'],
  instagram: ['pages_show_list', 'instagram_basic', 'instagram_manage_messages', 'pages_manage_metadata'],
  whatsapp: ['whatsapp_business_management', 'whatsapp_business_messaging'],
};

/** from opening the dialog to picking an account */
const GRANT_TTL_MS = 30 * 60_000;

export const META_CALLBACK_PATH = '/meta/connect/callback';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().optional() });
const pagesAnswer = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.string().default(''),
      access_token: z.string().optional(),
      instagram_business_account: z.object({ id: z.string(), username: z.string().optional() }).optional(),
    }),
  ),
});
const debugAnswer = z.object({
  data: z.object({
    is_valid: z.boolean(),
    app_id: z.string().optional(),
    granular_scopes: z.array(z.object({ scope: z.string(), target_ids: z.array(z.string()).optional() })).default([]),
  }),
});
const phonesAnswer = z.object({
  data: z.array(
    z.object({ id: z.string(), display_phone_number: z.string().optional(), verified_name: z.string().optional() }),
  ),
});
const graphError = z.object({ error: z.object({ message: z.string(), code: z.coerce.number().optional() }) });

export interface MetaAccounts {
  channelType: MetaConnectType;
  pages: Array<{ id: string; name: string; instagram?: { id: string; username?: string } }>;
  whatsapp: Array<{
    businessAccountId: string;
    phoneNumbers: Array<{ id: string; displayPhoneNumber?: string; verifiedName?: string }>;
  }>;
}

export interface MetaPick {
  /** a Page id (messenger), an Instagram account id (instagram) or a WhatsApp Business Account id (whatsapp) */
  accountId: string;
  /** whatsapp: the numbers of that account to send from (default: all) */
  phoneNumberIds?: string[] | undefined;
  name: string;
  description?: string | undefined;
}

export class MetaConnectService {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
  ) {}

  /** whether the add form may offer Connect with Meta, and why not */
  status(): { enabled: boolean; reason: string | null; types: string[] } {
    return this.deps.settings.meta
      ? { enabled: true, reason: null, types: [...META_CONNECT_TYPES] }
      : { enabled: false, reason: META_NOT_CONFIGURED, types: [...META_CONNECT_TYPES] };
  }

  private app(): MetaAppSettings {
    const app = this.deps.settings.meta;
    if (!app) throw new AppError('CONFLICT', META_NOT_CONFIGURED);
    return app;
  }

  private redirectUri(): string {
    return `${this.deps.settings.publicUrl}${META_CALLBACK_PATH}`;
  }

  /** opens a dialog: answers its URL and the nonce the browser must carry back (as a cookie) */
  async start(
    principal: { workspaceId: string; userId: string },
    channelType: string,
  ): Promise<{ grantId: string; dialogUrl: string; nonce: string; expiresAt: string }> {
    const app = this.app();
    if (!(META_CONNECT_TYPES as readonly string[]).includes(channelType))
      throw new AppError(
        'VALIDATION',
        `Connect with Meta offers ${META_CONNECT_TYPES.join(', ')}, not ${channelType}`,
        {
          fields: [{ field: 'type', message: 'not a Meta channel' }],
        },
      );
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    const grant: MetaGrantRecord = {
      id: newId('mcg'),
      workspaceId: principal.workspaceId,
      userId: principal.userId,
      channelType,
      stateHash: sha256(state),
      nonceHash: sha256(nonce),
      redirectUri: this.redirectUri(),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + GRANT_TTL_MS).toISOString(),
      stateUsedAt: null,
      token: null,
      tokenExpiresAt: null,
    };
    await this.deps.store.deleteExpiredMetaGrants(now.toISOString());
    await this.deps.store.insertMetaGrant(grant);
    const dialog = new URL(`${app.dialogUrl}/${app.apiVersion}/dialog/oauth`);
    dialog.searchParams.set('client_id', app.appId);
    dialog.searchParams.set('redirect_uri', grant.redirectUri);
    dialog.searchParams.set('state', state);
    dialog.searchParams.set('response_type', 'code');
    dialog.searchParams.set('scope', SCOPES[channelType as MetaConnectType].join(','));
    return { grantId: grant.id, dialogUrl: dialog.toString(), nonce, expiresAt: grant.expiresAt };
  }

  /** the browser is back from Facebook: claim the state once, check the nonce, exchange the code */
  async callback(
    query: {
      code?: string | undefined;
      state?: string | undefined;
      error?: string | undefined;
      error_description?: string | undefined;
    },
    nonce: string | undefined,
  ): Promise<MetaGrantRecord> {
    const app = this.app();
    if (!query.state) throw new AppError('FORBIDDEN', 'the callback carries no state');
    const now = this.deps.clock.now().toISOString();
    const grant = await this.deps.store.claimMetaState(sha256(query.state), now);
    if (!grant) throw new AppError('FORBIDDEN', 'unknown, expired or already used state: open Connect with Meta again');
    if (!nonce || !safeEqual(grant.nonceHash, sha256(nonce)))
      throw new AppError('FORBIDDEN', 'this state was issued to another browser session');
    if (query.error || !query.code)
      throw new AppError(
        'VALIDATION',
        `Facebook did not grant access: ${query.error_description ?? query.error ?? 'no code'}`,
      );
    const short = tokenAnswer.parse(
      await this.graph('oauth/access_token', {
        client_id: app.appId,
        redirect_uri: grant.redirectUri,
        client_secret: app.appSecret,
        code: query.code,
      }),
    );
    const long = tokenAnswer.parse(
      await this.graph('oauth/access_token', {
        grant_type: 'fb_exchange_token',
        client_id: app.appId,
        client_secret: app.appSecret,
        fb_exchange_token: short.access_token,
      }),
    );
    const tokenExpiresAt =
      long.expires_in !== undefined ? new Date(Date.parse(now) + long.expires_in * 1000).toISOString() : null;
    const sealed = this.deps.secrets.seal(long.access_token);
    await this.deps.store.setMetaGrantToken(grant.id, sealed, tokenExpiresAt);
    return { ...grant, token: sealed, tokenExpiresAt };
  }

  /** the person's own grant, with its token; anyone else's is "not found" */
  private async grantOf(principal: { workspaceId: string; userId: string }, grantId: string) {
    const grant = await this.deps.store.getMetaGrant(grantId);
    const now = this.deps.clock.now().toISOString();
    if (
      !grant ||
      grant.workspaceId !== principal.workspaceId ||
      grant.userId !== principal.userId ||
      !grant.token ||
      grant.expiresAt <= now
    )
      throw new AppError('NOT_FOUND', 'no such Meta grant (it expired, or was opened by someone else)');
    return { grant, token: this.deps.secrets.open(grant.token) };
  }

  async accounts(principal: { workspaceId: string; userId: string }, grantId: string): Promise<MetaAccounts> {
    const { grant, token } = await this.grantOf(principal, grantId);
    const type = grant.channelType as MetaConnectType;
    const out: MetaAccounts = { channelType: type, pages: [], whatsapp: [] };
    if (type === 'whatsapp') {
      for (const id of await this.grantedWabas(token))
        out.whatsapp.push({ businessAccountId: id, phoneNumbers: await this.phoneNumbers(id, token) });
    } else {
      const pages = await this.pages(token);
      out.pages = pages
        .filter((p) => type === 'messenger' || p.instagram_business_account)
        .map((p) => ({
          id: p.id,
          name: p.name,
          ...(p.instagram_business_account
            ? {
                instagram: {
                  id: p.instagram_business_account.id,
                  ...(p.instagram_business_account.username ? { username: p.instagram_business_account.username } : {}),
                },
              }
            : {}),
        }));
    }
    return out;
  }

  /** creates and starts the connection the person picked */
  async connect(
    principal: { workspaceId: string; userId: string },
    grantId: string,
    pick: MetaPick,
  ): Promise<ConnectionView> {
    const app = this.app();
    const { grant, token } = await this.grantOf(principal, grantId);
    const type = grant.channelType as MetaConnectType;
    const common = { appSecret: app.appSecret, apiVersion: app.apiVersion, apiBaseUrl: app.graphUrl };
    let config: Record<string, unknown>;
    if (type === 'messenger' || type === 'instagram') {
      const pages = await this.pages(token);
      const page =
        type === 'messenger'
          ? pages.find((p) => p.id === pick.accountId)
          : pages.find((p) => p.instagram_business_account?.id === pick.accountId);
      if (!page?.access_token)
        throw new AppError('VALIDATION', `${pick.accountId} is not among the accounts granted`, {
          fields: [{ field: 'accountId', message: 'not granted' }],
        });
      config =
        type === 'messenger'
          ? { ...common, pageId: page.id, pageAccessToken: page.access_token }
          : { ...common, instagramAccountId: pick.accountId, accessToken: page.access_token };
    } else {
      if (!(await this.grantedWabas(token)).includes(pick.accountId))
        throw new AppError('VALIDATION', `${pick.accountId} is not among the WhatsApp accounts granted`, {
          fields: [{ field: 'accountId', message: 'not granted' }],
        });
      const numbers = (await this.phoneNumbers(pick.accountId, token)).map((p) => p.id);
      const chosen = pick.phoneNumberIds?.length ? pick.phoneNumberIds : numbers;
      const unknown = chosen.filter((id) => !numbers.includes(id));
      if (chosen.length === 0 || unknown.length > 0)
        throw new AppError('VALIDATION', `phone numbers not in the account: ${unknown.join(', ') || '(none)'}`, {
          fields: [{ field: 'phoneNumberIds', message: 'not in the account' }],
        });
      // the account's webhooks to our app (https://developers.facebook.com/docs/whatsapp/embedded-signup/webhooks)
      await this.graph(`${encodeURIComponent(pick.accountId)}/subscribed_apps`, {}, token, 'POST');
      config = {
        ...common,
        appId: app.appId,
        accessToken: token,
        businessAccountId: pick.accountId,
        phoneNumberIds: chosen,
      };
    }
    const created = await this.connections.create(principal.workspaceId, {
      type,
      name: pick.name,
      ...(pick.description ? { description: pick.description } : {}),
      config,
    });
    await this.connections.log(created.id, 'info', 'meta_connect', `created with Connect with Meta (${type})`);
    return this.connections.start(principal.workspaceId, created.id);
  }

  private async pages(token: string) {
    return pagesAnswer.parse(
      await this.graph(
        'me/accounts',
        { fields: 'id,name,access_token,instagram_business_account{id,username}' },
        token,
      ),
    ).data;
  }

  private async grantedWabas(token: string): Promise<string[]> {
    const app = this.app();
    const debug = debugAnswer.parse(
      await this.graph('debug_token', { input_token: token, access_token: `${app.appId}|${app.appSecret}` }),
    );
    if (!debug.data.is_valid) throw new AppError('FORBIDDEN', 'Meta says the granted token is no longer valid');
    return [
      ...new Set(
        debug.data.granular_scopes
          .filter((s) => s.scope === 'whatsapp_business_management' || s.scope === 'whatsapp_business_messaging')
          .flatMap((s) => s.target_ids ?? []),
      ),
    ];
  }

  private async phoneNumbers(wabaId: string, token: string) {
    return phonesAnswer
      .parse(
        await this.graph(
          `${encodeURIComponent(wabaId)}/phone_numbers`,
          { fields: 'id,display_phone_number,verified_name' },
          token,
        ),
      )
      .data.map((p) => ({
        id: p.id,
        ...(p.display_phone_number ? { displayPhoneNumber: p.display_phone_number } : {}),
        ...(p.verified_name ? { verifiedName: p.verified_name } : {}),
      }));
  }

  /** one Graph call; Graph's error becomes a 4xx with Meta's message (never a token: the client scrubs them) */
  private async graph(
    path: string,
    query: Record<string, string>,
    token?: string,
    method: 'GET' | 'POST' = 'GET',
  ): Promise<unknown> {
    const app = this.app();
    const http: HttpClient = guardHttpClient(this.deps.http, {
      apiBaseUrl: app.graphUrl,
      ...(this.deps.resolve ? { resolve: this.deps.resolve } : {}),
    });
    const client = providerClient({
      provider: 'Facebook',
      http,
      secrets: [app.appSecret, token],
      mapError: (res) => {
        const parsed = graphError.safeParse(res.json);
        return new ChannelError(
          res.status === 401 ? 'AUTH' : 'REJECTED',
          parsed.success ? parsed.data.error.message : `HTTP ${res.status}`,
          { providerCode: parsed.success ? parsed.data.error.code : res.status },
        );
      },
    });
    const url = new URL(`${app.graphUrl}/${app.apiVersion}/${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    try {
      const res = await client.call(url.toString(), {
        method,
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
        signal: AbortSignal.timeout(this.deps.settings.connectorTimeoutMs),
      });
      return res.json ?? {};
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new AppError('VALIDATION', client.scrub(`Facebook refused the request: ${message}`));
    }
  }
}
