// Facebook Login for the hub's "Connect with Meta": the OAuth dialog of www.facebook.com (a consent page with a
// button, https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow), and the Graph side of it —
// the code exchange and the long-lived token (https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived),
// `me/accounts` with each Page's token and linked Instagram account (https://developers.facebook.com/docs/pages-api/getting-started),
// `debug_token` with granular scopes naming the WhatsApp Business Accounts granted
// (https://developers.facebook.com/docs/graph-api/reference/debug_token), and `/{waba-id}/phone_numbers`.
// Every other Graph path is forwarded to the simulator that owns the id in it (the Messenger Platform or WhatsApp
// Cloud simulator), so one base URL plays graph.facebook.com as a whole.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTROL_PREFIX, serveControl, type ControlOperation } from '../control/control-router.js';
import { listen } from '../http/listen.js';
import { readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';
import { fbtraceId, randomDigits } from '../random-ids.js';

export interface MetaLoginPage {
  id: string;
  name: string;
  /** the Page access token (long-lived when granted with a long-lived user token) */
  token: string;
  instagram?: { id: string; username: string };
}

export interface MetaLoginWaba {
  id: string;
  name: string;
  phoneNumbers: Array<{ id: string; displayPhoneNumber: string; verifiedName: string }>;
}

export interface MetaLoginSimulatorOptions {
  host?: string;
  port?: number;
  appId?: string;
  appSecret?: string;
  user?: { id?: string; name?: string };
  /** what the person grants on the consent page */
  pages?: MetaLoginPage[];
  wabas?: MetaLoginWaba[];
  /** the long-lived user token issued (so another simulator can be told to accept it); random when omitted */
  longLivedToken?: string;
  /** Graph paths whose first id one of these owns are forwarded there */
  backends?: Array<{ url: string; ids: string[] }>;
  /** authorization code lifetime, ms (Meta: about 10 minutes) */
  codeTtlMs?: number;
}

export interface MetaLoginCall {
  method: string;
  path: string;
  status: number;
}

export interface MetaLoginSimulator {
  /** serves both www.facebook.com (the dialog) and graph.facebook.com */
  readonly url: string;
  readonly app: { id: string; secret: string };
  readonly user: { id: string; name: string };
  readonly longLivedToken: string;
  close(): Promise<void>;
  addPage(page: MetaLoginPage): void;
  addWaba(waba: MetaLoginWaba): void;
  addBackend(backend: { url: string; ids: string[] }): void;
  calls(): MetaLoginCall[];
  /** the codes issued, and whether each was exchanged */
  codes(): Array<{ code: string; redirectUri: string; used: boolean }>;
}

const VERSION = /^\/v\d+\.\d+/;
const SCOPES_FOR = [
  'pages_show_list',
  'pages_messaging',
  'pages_manage_metadata',
  'instagram_basic',
  'instagram_manage_messages',
  'whatsapp_business_management',
  'whatsapp_business_messaging',
];

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

class OAuthFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status = 400,
    readonly subcode?: number,
  ) {
    super(message);
  }
  body() {
    return {
      error: {
        message: this.message,
        type: 'OAuthException',
        code: this.code,
        ...(this.subcode ? { error_subcode: this.subcode } : {}),
        fbtrace_id: fbtraceId(),
      },
    };
  }
}

export async function startMetaLoginSimulator(opts: MetaLoginSimulatorOptions = {}): Promise<MetaLoginSimulator> {
  const app = { id: opts.appId ?? randomDigits(15), secret: opts.appSecret ?? randomBytes(16).toString('hex') };
  const user = { id: opts.user?.id ?? randomDigits(16), name: opts.user?.name ?? 'Sam Sandbox' };
  const pages = [...(opts.pages ?? [])];
  const wabas = [...(opts.wabas ?? [])];
  const backends = [...(opts.backends ?? [])];
  const longLivedToken = opts.longLivedToken ?? `EAAL${randomBytes(24).toString('base64url')}`;
  const codeTtlMs = opts.codeTtlMs ?? 10 * 60 * 1000;
  const codes = new Map<string, { redirectUri: string; used: boolean; expiresAt: number; scopes: string[] }>();
  const shortTokens = new Map<string, string[]>();
  const longTokens = new Map<string, { scopes: string[]; expiresAt: number }>();
  const calls: MetaLoginCall[] = [];

  const consentPage = (q: URLSearchParams): string => {
    const scopes = (q.get('scope') ?? '').split(',').filter(Boolean);
    const hidden = ['client_id', 'redirect_uri', 'state', 'scope']
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q.get(k) ?? '')}">`)
      .join('');
    const assets = [
      ...pages.map(
        (p) =>
          `<li>Page: ${escapeHtml(p.name)}${p.instagram ? ` (Instagram @${escapeHtml(p.instagram.username)})` : ''}</li>`,
      ),
      ...wabas.map((w) => `<li>WhatsApp Business Account: ${escapeHtml(w.name)}</li>`),
    ].join('');
    return `<!doctype html><html><head><meta charset="utf-8"><title>Log in with Facebook</title></head><body>
<h1>Switchboard is requesting access</h1><p>Continue as ${escapeHtml(user.name)}?</p>
<p>Permissions: ${scopes.map(escapeHtml).join(', ')}</p><ul>${assets}</ul>
<form method="post" action="/dialog/oauth/confirm">${hidden}<button type="submit" name="decision" value="allow" id="continue">Continue as ${escapeHtml(user.name.split(' ')[0] ?? user.name)}</button>
<button type="submit" name="decision" value="deny" id="cancel">Cancel</button></form></body></html>`;
  };

  const redirect = (res: ServerResponse, to: string) => respondRaw(res, 302, '', { location: to });

  async function serveDialog(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<boolean> {
    if (path === '/dialog/oauth' && req.method === 'GET') {
      const q = url.searchParams;
      if (q.get('client_id') !== app.id) {
        respondRaw(res, 400, '<p>Invalid App ID: the provided app ID does not look like a valid app ID.</p>', {
          'content-type': 'text/html',
        });
        return true;
      }
      if (!q.get('redirect_uri') || q.get('response_type') !== 'code') {
        respondRaw(res, 400, '<p>redirect_uri and response_type=code are required.</p>', {
          'content-type': 'text/html',
        });
        return true;
      }
      respondRaw(res, 200, consentPage(q), { 'content-type': 'text/html; charset=utf-8' });
      return true;
    }
    if (path === '/dialog/oauth/confirm' && req.method === 'POST') {
      const form = new URLSearchParams((await readBody(req, 64 << 10)).toString('utf8'));
      const target = new URL(form.get('redirect_uri') ?? '');
      const state = form.get('state') ?? '';
      if (form.get('decision') !== 'allow') {
        for (const [k, v] of Object.entries({
          error: 'access_denied',
          error_code: '200',
          error_description: 'Permissions error',
          error_reason: 'user_denied',
          state,
        }))
          target.searchParams.set(k, v);
        redirect(res, target.toString());
        return true;
      }
      const code = `AQ${randomBytes(48).toString('base64url')}`;
      codes.set(code, {
        redirectUri: form.get('redirect_uri') ?? '',
        used: false,
        expiresAt: Date.now() + codeTtlMs,
        scopes: (form.get('scope') ?? '').split(',').filter((s) => SCOPES_FOR.includes(s)),
      });
      target.searchParams.set('code', code);
      target.searchParams.set('state', state);
      redirect(res, `${target.toString()}#_=_`);
      return true;
    }
    return false;
  }

  const tokenOf = (req: IncomingMessage, url: URL): string | undefined =>
    url.searchParams.get('access_token') ?? /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const requireUser = (req: IncomingMessage, url: URL) => {
    const token = tokenOf(req, url);
    const long = token ? longTokens.get(token) : undefined;
    if (token && (long || shortTokens.has(token))) return long?.scopes ?? shortTokens.get(token) ?? [];
    throw new OAuthFailure(190, 'Invalid OAuth access token - Cannot parse access token', 400);
  };

  function graph(req: IncomingMessage, url: URL, path: string): unknown {
    const q = url.searchParams;
    if (path === '/oauth/access_token') {
      if (q.get('client_id') !== app.id)
        throw new OAuthFailure(101, 'Error validating application. Invalid application ID.');
      if (q.get('client_secret') !== app.secret) throw new OAuthFailure(1, 'Error validating client secret.');
      if (q.get('grant_type') === 'fb_exchange_token') {
        const short = q.get('fb_exchange_token') ?? '';
        const scopes = shortTokens.get(short);
        if (!scopes) throw new OAuthFailure(190, 'Invalid OAuth access token - Cannot parse access token');
        longTokens.set(longLivedToken, { scopes, expiresAt: Date.now() + 5183944 * 1000 });
        return { access_token: longLivedToken, token_type: 'bearer', expires_in: 5183944 };
      }
      const code = codes.get(q.get('code') ?? '');
      if (!code) throw new OAuthFailure(100, 'Invalid verification code format.');
      if (code.used) throw new OAuthFailure(100, 'This authorization code has been used.', 400, 36009);
      if (code.expiresAt < Date.now()) throw new OAuthFailure(100, 'This authorization code has expired.', 400, 36007);
      if (code.redirectUri !== q.get('redirect_uri'))
        throw new OAuthFailure(
          100,
          'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
        );
      code.used = true;
      const token = `EAAS${randomBytes(24).toString('base64url')}`;
      shortTokens.set(token, code.scopes);
      return { access_token: token, token_type: 'bearer', expires_in: 5400 };
    }
    if (path === '/debug_token') {
      if (q.get('access_token') !== `${app.id}|${app.secret}`)
        throw new OAuthFailure(190, 'Invalid OAuth access token signature.');
      const input = q.get('input_token') ?? '';
      const long = longTokens.get(input);
      const scopes = long?.scopes ?? shortTokens.get(input);
      if (!scopes) return { data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.' } } };
      return {
        data: {
          app_id: app.id,
          type: 'USER',
          application: 'Switchboard',
          data_access_expires_at: Math.floor(Date.now() / 1000) + 90 * 86400,
          expires_at: long ? Math.floor(long.expiresAt / 1000) : Math.floor(Date.now() / 1000) + 5400,
          is_valid: true,
          scopes,
          granular_scopes: scopes.map((scope) => ({
            scope,
            ...(scope.startsWith('whatsapp')
              ? { target_ids: wabas.map((w) => w.id) }
              : scope.startsWith('pages') || scope.startsWith('instagram')
                ? { target_ids: pages.map((p) => p.id) }
                : {}),
          })),
          user_id: user.id,
        },
      };
    }
    if (path === '/me') {
      requireUser(req, url);
      return { id: user.id, name: user.name };
    }
    if (path === '/me/accounts') {
      const scopes = requireUser(req, url);
      if (!scopes.includes('pages_show_list')) return { data: [] };
      return {
        data: pages.map((p) => ({
          id: p.id,
          name: p.name,
          access_token: p.token,
          category: 'Shopping & retail',
          tasks: ['ANALYZE', 'ADVERTISE', 'MESSAGING', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'],
          ...(p.instagram
            ? { instagram_business_account: { id: p.instagram.id, username: p.instagram.username } }
            : {}),
        })),
        paging: { cursors: { before: 'QVFIUm', after: 'QVFIUm' } },
      };
    }
    const phones = /^\/(\d+)\/phone_numbers$/.exec(path);
    const waba = phones ? wabas.find((w) => w.id === phones[1]) : undefined;
    if (waba) {
      const scopes = requireUser(req, url);
      if (!scopes.includes('whatsapp_business_management')) throw new OAuthFailure(200, 'Permissions error', 403);
      return {
        data: waba.phoneNumbers.map((p) => ({
          id: p.id,
          display_phone_number: p.displayPhoneNumber,
          verified_name: p.verifiedName,
          quality_rating: 'GREEN',
        })),
      };
    }
    return undefined;
  }

  /** another simulator owns the first id of the path: the request goes there as it came */
  async function forward(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<boolean> {
    const id = /^\/([^/]+)/.exec(path)?.[1];
    const backend = id ? backends.find((b) => b.ids.includes(id)) : undefined;
    if (!backend) return false;
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req, 100 << 20);
    const headers: Record<string, string> = {};
    for (const k of ['authorization', 'content-type']) {
      const v = req.headers[k];
      if (typeof v === 'string') headers[k] = v;
    }
    const answer = await fetch(`${backend.url}${url.pathname}${url.search}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body ? { body: new Uint8Array(body) } : {}),
    });
    const out: Record<string, string> = {};
    for (const k of ['content-type', 'retry-after', 'www-authenticate']) {
      const v = answer.headers.get(k);
      if (v) out[k] = v;
    }
    respondRaw(res, answer.status, Buffer.from(await answer.arrayBuffer()), out);
    return true;
  }

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://facebook');
    if (url.pathname.startsWith(CONTROL_PREFIX)) return serveControl(req, res, url, controlOps);
    const path = url.pathname.replace(VERSION, '').replace(/\/+$/, '') || '/';
    const record = (status: number) => calls.push({ method: req.method ?? 'GET', path: url.pathname, status });
    if (await serveDialog(req, res, url, path)) return void record(res.statusCode);
    try {
      const result = graph(req, url, path);
      if (result !== undefined) {
        record(200);
        return respondJson(res, 200, result);
      }
      if (await forward(req, res, url, path)) return void record(res.statusCode);
      throw new OAuthFailure(803, `(#803) Some of the aliases you requested do not exist: ${path.slice(1)}`, 404);
    } catch (error) {
      if (!(error instanceof OAuthFailure)) throw error;
      record(error.status);
      respondJson(res, error.status, error.body());
    }
  }, opts);

  const handle: MetaLoginSimulator = {
    url: server.url,
    app,
    user,
    longLivedToken,
    close: () => server.close(),
    addPage: (p) => void pages.push(p),
    addWaba: (w) => void wabas.push(w),
    addBackend: (b) => void backends.push(b),
    calls: () => [...calls],
    codes: () => [...codes.entries()].map(([code, c]) => ({ code, redirectUri: c.redirectUri, used: c.used })),
  };
  const controlOps: Record<string, ControlOperation> = {
    defaults: () => ({ app, user, url: server.url }),
    calls: () => handle.calls(),
    codes: () => handle.codes(),
  };
  return handle;
}
