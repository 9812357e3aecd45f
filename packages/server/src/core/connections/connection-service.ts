/**
 * @module core/connections/connection-service
 * Connection CRUD and lifecycle: STOPPED → STARTING → RUNNING | ERROR(reason); STOPPING → STOPPED. Every
 * transition is a compare-and-set in the store, a connection log line and a `connection.status` event.
 */
import {
  configJsonSchema,
  credentialFieldNames,
  isChannelError,
  providerEndpointFieldNames,
  type AddressKind,
  type AnyConnector,
  type BaseContext,
  type ConnectionCheck,
  type ConnectorLogger,
} from '../../channel-kit/index.js';
import { newId } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import { eventRow, outboundKey, TOPIC_OUTBOUND } from '../events.js';
import type { ConnectionRecord, ConnectionStatus, Page, PageQuery, ConnectionLogRecord, Role } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import { ConfigCodec } from './config-codec.js';
import { guardHttpClient } from '../security/address-guard.js';
import { checkAdminUrls } from '../security/admin-endpoints.js';

export interface ConnectionView {
  id: string;
  type: string;
  name: string;
  description: string;
  status: ConnectionStatus;
  statusReason: string | null;
  deprecated: boolean;
  webhookUrl: string;
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface CreateConnectionInput {
  type: string;
  name: string;
  description?: string | undefined;
  config: Record<string, unknown>;
  deprecated?: boolean | undefined;
}
export interface UpdateConnectionInput {
  name?: string | undefined;
  description?: string | undefined;
  config?: Record<string, unknown> | undefined;
  deprecated?: boolean | undefined;
}

/** A connection ready for use: record, connector and decrypted config. */
export interface LiveConnection {
  record: ConnectionRecord;
  connector: AnyConnector;
  config: Record<string, unknown>;
}

const CACHE_TTL_MS = 2000;

/**
 * A connection's `apiBaseUrl` is the provider endpoint itself (a simulator, an on-premise gateway), so its origin
 * may be private without the workspace's opt-in — but never link-local or metadata, and http(s) only: refused at
 * save (400) as the guard would refuse every call to it
 */
function checkApiBaseUrl(connector: AnyConnector, config: Record<string, unknown>): void {
  const urls = endpointsOf(connector, config);
  if (urls.length > 0) checkAdminUrls(urls, true);
}

/** the connection's provider endpoints: `apiBaseUrl` and the fields its connector marks (providerEndpoint) */
function endpointsOf(connector: AnyConnector, config: Record<string, unknown>): Array<{ field: string; url: string }> {
  return providerEndpointFieldNames(connector.configSchema).flatMap((field) => {
    const url = config[field];
    return typeof url === 'string' ? [{ field, url }] : [];
  });
}

export class ConnectionService {
  readonly codec: ConfigCodec;
  private readonly cache = new Map<string, { at: number; live: LiveConnection }>();
  private readonly running = new Map<string, AbortController>();
  private readonly runningListeners: Array<(record: ConnectionRecord) => Promise<void>> = [];
  private readonly statusListeners: Array<(connectionId: string) => void> = [];
  private readonly changeListeners: Array<(connectionId: string, change: 'config' | 'removed') => Promise<void>> = [];

  constructor(private readonly deps: CoreDeps) {
    this.codec = new ConfigCodec(deps.secrets, deps.redactor);
  }

  catalog(): Array<{
    type: string;
    displayName: string;
    description: string;
    addressKind: AddressKind;
    needsCredentials: boolean;
    capabilities: Record<string, unknown>;
    features: string[];
    configSchema: Record<string, unknown>;
    canCheck: boolean;
  }> {
    return this.deps.registry.list().map((c) => ({
      type: c.type,
      displayName: c.displayName,
      description: c.description,
      addressKind: c.addressKind,
      needsCredentials: credentialFieldNames(c.configSchema).length > 0,
      capabilities: { ...c.capabilities },
      features: Object.entries(c.features)
        .filter(([, v]) => v !== undefined)
        .map(([name]) => name)
        .sort(),
      configSchema: configJsonSchema(c.configSchema, c.configHelp),
      canCheck: c.features.check !== undefined,
    }));
  }

  /** "Test connection": each of the provider's servers' answers to the stored config; the status does not change */
  async check(workspaceId: string, id: string): Promise<ConnectionCheck[]> {
    const record = await this.get(workspaceId, id);
    const live = await this.openRecord(record);
    const check = live.connector.features.check;
    if (!check) throw new AppError('VALIDATION', `${live.connector.displayName} connections have no connection test`);
    const checks = await this.withTimeout(check(this.context(live, new AbortController().signal)));
    const scrubbed = checks.map((c) => ({ ...c, answer: this.deps.redactor.scrub(c.answer) }));
    await this.log(
      id,
      scrubbed.every((c) => c.ok) ? 'info' : 'warn',
      'checked',
      scrubbed.map((c) => `${c.name}: ${c.ok ? 'ok' : 'failed'}: ${c.answer}`).join('; '),
    );
    return scrubbed;
  }

  webhookUrl(id: string): string {
    return `${this.deps.settings.publicUrl}/webhooks/${id}`;
  }

  /**
   * The connection as the API shows it to a user of `role`: secrets always masked; values only admins need
   * (the WhatsApp verify token to paste at Meta) masked for operators as well.
   */
  view(record: ConnectionRecord, role: Role): ConnectionView {
    const connector = this.deps.registry.get(record.type);
    return {
      id: record.id,
      type: record.type,
      name: record.name,
      description: record.description,
      status: record.status,
      statusReason: record.statusReason,
      deprecated: record.deprecated,
      webhookUrl: this.webhookUrl(record.id),
      config: connector ? this.codec.mask(connector, record.config, role === 'operator' ? 'operator' : 'admin') : {},
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  connectorFor(type: string): AnyConnector {
    const connector = this.deps.registry.get(type);
    if (!connector)
      throw new AppError('VALIDATION', `unknown connection type '${type}'`, {
        fields: [
          {
            field: 'type',
            message: `one of: ${this.deps.registry
              .list()
              .map((c) => c.type)
              .join(', ')}`,
          },
        ],
      });
    return connector;
  }

  async create(workspaceId: string, input: CreateConnectionInput): Promise<ConnectionView> {
    const connector = this.connectorFor(input.type);
    const plain = this.codec.validate(connector, input.config);
    checkApiBaseUrl(connector, plain);
    const now = this.deps.clock.now().toISOString();
    const record: ConnectionRecord = {
      id: newId('conn'),
      workspaceId,
      type: connector.type,
      name: input.name,
      description: input.description ?? '',
      config: this.codec.seal(connector, plain),
      status: 'STOPPED',
      statusReason: null,
      deprecated: input.deprecated ?? false,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.insertConnection(record);
    await this.log(record.id, 'info', 'created', `connection created (${connector.type})`);
    return this.view(record, 'admin');
  }

  async get(workspaceId: string, id: string): Promise<ConnectionRecord> {
    const record = await this.deps.store.getConnection(workspaceId, id);
    if (!record) throw notFound('connection');
    return record;
  }

  list(workspaceId: string, page: PageQuery): Promise<Page<ConnectionRecord>> {
    return this.deps.store.listConnections(workspaceId, page);
  }

  async update(workspaceId: string, id: string, input: UpdateConnectionInput): Promise<ConnectionView> {
    const record = await this.get(workspaceId, id);
    const connector = this.connectorFor(record.type);
    const now = this.deps.clock.now().toISOString();
    let config: Record<string, unknown> | undefined;
    if (input.config) {
      const merged = this.codec.merge(connector, record.config, input.config);
      const plain = this.codec.validate(connector, merged);
      checkApiBaseUrl(connector, plain);
      config = this.codec.seal(connector, plain);
    }
    await this.deps.store.updateConnection(workspaceId, id, {
      name: input.name,
      description: input.description,
      config,
      deprecated: input.deprecated,
      updatedAt: now,
    });
    this.cache.delete(id);
    if (config) await this.log(id, 'info', 'config_updated', 'configuration updated');
    if (config && record.status === 'RUNNING') {
      // a rotated secret must reach the provider registration (setWebhook with the new token, …)
      await this.stop(workspaceId, id);
      await this.start(workspaceId, id);
    } else if (config) await this.changed(id, 'config');
    return this.view(await this.get(workspaceId, id), 'admin');
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    const record = await this.get(workspaceId, id);
    if (record.status !== 'STOPPED' && record.status !== 'ERROR') await this.stop(workspaceId, id);
    await this.deps.store.deleteConnection(workspaceId, id);
    this.cache.delete(id);
    await this.changed(id, 'removed');
  }

  /**
   * called after a connection that is not running got a new config, or was removed: what runs for it while it is
   * stopped (a phone line's closed line) follows
   */
  onChange(listener: (connectionId: string, change: 'config' | 'removed') => Promise<void>): void {
    this.changeListeners.push(listener);
  }

  private async changed(id: string, change: 'config' | 'removed'): Promise<void> {
    for (const listener of this.changeListeners)
      await listener(id, change).catch((error: unknown) =>
        this.deps.log.warn({ connectionId: id }, `after a ${change} change: ${errorText(error)}`),
      );
  }

  logs(connectionId: string, page: PageQuery): Promise<Page<ConnectionLogRecord>> {
    return this.deps.store.listConnectionLogs(connectionId, page);
  }

  /** the connection as the pipelines use it; cached briefly because every webhook needs it */
  async live(id: string): Promise<LiveConnection | undefined> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.live;
    const record = await this.deps.store.getConnectionUnscoped(id);
    if (!record) {
      this.cache.delete(id);
      return undefined;
    }
    const connector = this.deps.registry.get(record.type);
    if (!connector) return undefined;
    const live = { record, connector, config: this.codec.open(connector, record.config) };
    this.cache.set(id, { at: Date.now(), live });
    return live;
  }

  async log(connectionId: string, level: 'info' | 'warn' | 'error', event: string, message: string): Promise<void> {
    const text = this.deps.redactor.scrub(message);
    this.deps.log[level]({ connectionId, event }, text);
    await this.deps.store.insertConnectionLog({
      id: newId('log'),
      connectionId,
      level,
      event,
      message: text,
      at: this.deps.clock.now().toISOString(),
    });
  }

  async start(workspaceId: string, id: string): Promise<ConnectionView> {
    const record = await this.get(workspaceId, id);
    if (record.status === 'RUNNING' || record.status === 'STARTING') return this.view(record, 'admin');
    if (!(await this.transition(record, 'STARTING', null, ['STOPPED', 'ERROR']))) {
      throw new AppError('CONFLICT', `connection is ${record.status}; try again when it has settled`);
    }
    await this.runStart(record);
    return this.view(await this.get(workspaceId, id), 'admin');
  }

  async stop(workspaceId: string, id: string): Promise<ConnectionView> {
    const record = await this.get(workspaceId, id);
    if (record.status === 'STOPPED') return this.view(record, 'admin');
    if (!(await this.transition(record, 'STOPPING', null, ['RUNNING', 'ERROR', 'STARTING']))) {
      throw new AppError('CONFLICT', `connection is ${record.status}; try again when it has settled`);
    }
    this.running.get(id)?.abort();
    this.running.delete(id);
    const live = await this.openRecord(record);
    if (live.connector.stop) {
      try {
        await this.withTimeout(live.connector.stop(this.context(live, new AbortController().signal)));
      } catch (error) {
        await this.log(id, 'warn', 'stop_error', `provider clean-up failed: ${errorText(error)}`);
      }
    }
    await this.transition(record, 'STOPPED', null, ['STOPPING']);
    await this.log(id, 'info', 'stopped', 'connection stopped');
    return this.view(await this.get(workspaceId, id), 'admin');
  }

  /** aborts when the connection stops (or its start fails): what runs for a running connection stops with it */
  signalOf(id: string): AbortSignal | undefined {
    return this.running.get(id)?.signal;
  }

  /**
   * called, synchronously, as soon as a connection's status changed here — before anything is published for it (a
   * started connection's waiting messages): another thread of the process drops its cached copy (app/processing-
   * supervisor), so a send it is handed next sees the new status
   */
  onStatusChange(listener: (connectionId: string) => void): void {
    this.statusListeners.push(listener);
  }

  /** drops the cached copy of a connection another thread changed */
  forget(connectionId: string): void {
    this.cache.delete(connectionId);
  }

  /**
   * the process is stopping: every running connection's signal aborts, so its listener lets go of what it holds
   * (a socket, a port, a mailbox); the stored statuses stay, so the next start of the process resumes them
   */
  releaseAll(): void {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
  }

  /** called after a connection reached RUNNING (template sync, …); a listener's failure is logged, not fatal */
  onRunning(listener: (record: ConnectionRecord) => Promise<void>): void {
    this.runningListeners.push(listener);
  }

  /** turns a connection to ERROR (e.g. the provider rejected our credentials while sending) */
  async markError(id: string, reason: string): Promise<void> {
    const record = await this.deps.store.getConnectionUnscoped(id);
    if (!record || record.status === 'ERROR' || record.status === 'STOPPED') return;
    await this.transition(record, 'ERROR', this.deps.redactor.scrub(reason), ['RUNNING', 'STARTING']);
    await this.log(id, 'error', 'error', reason);
  }

  /** at boot: start what was running before the process stopped */
  async resumeAll(): Promise<void> {
    const records = await this.deps.store.listConnectionsByStatus(['RUNNING', 'STARTING', 'STOPPING']);
    for (const record of records) {
      const target = record.status === 'STOPPING' ? 'STOPPED' : 'STARTING';
      await this.deps.store.setConnectionStatus(record.id, target, null, this.deps.clock.now().toISOString());
      if (target === 'STARTING') await this.runStart({ ...record, status: 'STARTING' });
    }
  }

  context(live: LiveConnection, signal: AbortSignal): BaseContext<Record<string, unknown>> {
    // URLs from provider payloads (media links) must not reach private addresses; the connection's own
    // apiBaseUrl (a simulator or gateway on 127.0.0.1) stays reachable
    const apiBaseUrl = typeof live.config.apiBaseUrl === 'string' ? live.config.apiBaseUrl : undefined;
    const endpoints = endpointsOf(live.connector, live.config).map((e) => e.url);
    return {
      connectionId: live.record.id,
      config: live.config,
      webhookUrl: this.webhookUrl(live.record.id),
      http: guardHttpClient(this.deps.http, {
        apiBaseUrl,
        endpoints,
        ...(this.deps.resolve ? { resolve: this.deps.resolve } : {}),
      }),
      log: this.connectorLogger(live.record.id),
      signal,
    };
  }

  connectorLogger(connectionId: string): ConnectorLogger {
    const log = this.deps.log.child({ connectionId });
    const scrub = (fields?: Record<string, unknown>): Record<string, unknown> => fields ?? {};
    return {
      debug: (m, f) => log.debug(scrub(f), this.deps.redactor.scrub(m)),
      info: (m, f) => log.info(scrub(f), this.deps.redactor.scrub(m)),
      warn: (m, f) => log.warn(scrub(f), this.deps.redactor.scrub(m)),
      error: (m, f) => log.error(scrub(f), this.deps.redactor.scrub(m)),
    };
  }

  private async runStart(record: ConnectionRecord): Promise<void> {
    await this.log(record.id, 'info', 'starting', 'connection starting');
    const controller = new AbortController();
    this.running.set(record.id, controller);
    try {
      const live = await this.openRecord(record);
      const result = live.connector.start
        ? await this.withTimeout(live.connector.start(this.context(live, controller.signal)))
        : undefined;
      if (result && result.configUpdates && Object.keys(result.configUpdates).length > 0) {
        const merged = { ...live.config, ...result.configUpdates };
        await this.deps.store.updateConnection(record.workspaceId, record.id, {
          config: this.codec.seal(live.connector, merged),
          updatedAt: this.deps.clock.now().toISOString(),
        });
      }
      if (await this.transition(record, 'RUNNING', null, ['STARTING'])) {
        await this.log(record.id, 'info', 'started', 'connection running');
        await this.requeueWaiting(record.id);
        for (const listener of this.runningListeners) {
          await listener(record).catch((error: unknown) =>
            this.log(record.id, 'warn', 'after_start_failed', errorText(error)),
          );
        }
      }
    } catch (error) {
      this.running.delete(record.id);
      const reason = errorText(error);
      await this.transition(record, 'ERROR', this.deps.redactor.scrub(reason), ['STARTING']);
      await this.log(record.id, 'error', 'start_failed', `start failed: ${reason}`);
    }
  }

  /** messages queued while the connection was not running go out now */
  private async requeueWaiting(connectionId: string): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const batch = await this.deps.store.listQueuedMessageIds(connectionId, 500, after);
      for (const m of batch)
        await this.deps.bus.publish(TOPIC_OUTBOUND, {
          key: outboundKey(m.connectionId, m.from),
          payload: { messageId: m.id },
        });
      if (batch.length < 500) return;
      after = batch[batch.length - 1]?.id;
    }
  }

  private async openRecord(record: ConnectionRecord): Promise<LiveConnection> {
    const fresh = (await this.deps.store.getConnectionUnscoped(record.id)) ?? record;
    const connector = this.connectorFor(fresh.type);
    return { record: fresh, connector, config: this.codec.open(connector, fresh.config) };
  }

  private async transition(
    record: ConnectionRecord,
    status: ConnectionStatus,
    reason: string | null,
    from: ConnectionStatus[],
  ): Promise<boolean> {
    const now = this.deps.clock.now().toISOString();
    const changed = await this.deps.store.transaction(async (tx) => {
      const ok = await tx.setConnectionStatus(record.id, status, reason, now, from);
      if (ok) {
        await tx.insertOutbox(
          [
            eventRow('connection.status', record.workspaceId, {
              connectionId: record.id,
              status,
              statusReason: reason,
            }),
          ],
          now,
        );
      }
      return ok;
    });
    this.cache.delete(record.id);
    if (changed) {
      for (const listener of this.statusListeners) listener(record.id);
      this.deps.afterCommit();
    }
    return changed;
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    const ms = this.deps.settings.connectorTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`provider did not answer within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

export function errorText(error: unknown): string {
  if (isChannelError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
