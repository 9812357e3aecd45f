/**
 * @module core/templates/template-service
 * Provider templates (pain point #4): synced from the provider with their structure, listed through the API,
 * and every send checked against the stored template before it leaves: approved, all variables present, none
 * unknown. Variable values may reference the contact ({{contact.name}}, {{contact.address}},
 * {{contact.attributes.key}}) so a UI can pre-fill them.
 */
import type { ProviderTemplate } from '../../channel-kit/index.js';
import { newId } from '../../model/index.js';
import { AppError } from '../errors.js';
import type { ConnectionRecord, ContactRecord, TemplateRecord } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';

const CONTACT_REF = /^\{\{\s*contact\.(name|address|attributes\.([A-Za-z0-9_.-]+))\s*\}\}$/;

export function renderTemplate(body: string, values: Record<string, string>): string {
  return body.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (m, name: string) => values[name] ?? m);
}

export class TemplateService {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
  ) {}

  async sync(workspaceId: string, connectionId: string): Promise<TemplateRecord[]> {
    const record = await this.connections.get(workspaceId, connectionId);
    const live = await this.connections.live(record.id);
    if (!live?.connector.features.templates)
      throw new AppError('UNSUPPORTED_CONTENT', `${live?.connector.displayName ?? record.type} has no templates`);
    const templates: ProviderTemplate[] = await live.connector.features.templates.sync(
      this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
    );
    const at = this.deps.clock.now().toISOString();
    const rows: TemplateRecord[] = templates.map((t) => ({
      id: newId('tpl'),
      workspaceId,
      connectionId,
      providerTemplateId: t.id,
      name: t.name,
      language: t.language,
      status: t.status,
      category: t.category,
      components: t.components,
      variables: t.variables,
      body: t.body,
      syncedAt: at,
    }));
    await this.deps.store.transaction((tx) => tx.replaceTemplates(connectionId, rows));
    await this.connections.log(
      connectionId,
      'info',
      'templates_synced',
      `${rows.length} templates synced (${rows.filter((r) => r.status === 'APPROVED').length} approved)`,
    );
    return rows;
  }

  async list(workspaceId: string, connectionId: string): Promise<TemplateRecord[]> {
    await this.connections.get(workspaceId, connectionId);
    return this.deps.store.listTemplates(workspaceId, connectionId);
  }

  /** validates a template send and resolves contact references; answers the stored template and final values */
  async prepare(
    connection: ConnectionRecord,
    contact: ContactRecord | undefined,
    address: string,
    name: string,
    language: string,
    variables: Record<string, string>,
  ): Promise<{ template: TemplateRecord; values: Record<string, string>; text: string }> {
    const template = await this.deps.store.findTemplate(connection.id, name, language);
    if (!template)
      throw new AppError('VALIDATION', `no template '${name}' (${language}) on this connection; sync templates first`, {
        fields: [{ field: 'template.name', message: 'unknown template' }],
      });
    if (template.status !== 'APPROVED')
      throw new AppError(
        'TEMPLATE_NOT_APPROVED',
        `template '${name}' (${language}) is ${template.status}, not APPROVED`,
      );
    const values: Record<string, string> = {};
    for (const [k, raw] of Object.entries(variables)) {
      const ref = CONTACT_REF.exec(raw);
      if (!ref) {
        values[k] = raw;
        continue;
      }
      const resolved =
        ref[1] === 'name'
          ? contact?.name
          : ref[1] === 'address'
            ? address
            : stringAttr(contact?.attributes, ref[2] as string);
      if (resolved === undefined || resolved === null || resolved === '')
        throw new AppError('VALIDATION', `variable ${k}: the contact has no ${ref[1]}`, {
          fields: [{ field: `template.variables.${k}`, message: `contact has no ${ref[1]}` }],
        });
      values[k] = resolved;
    }
    const missing = template.variables.filter((v) => !values[v]?.trim());
    const unknown = Object.keys(values).filter((v) => !template.variables.includes(v));
    if (missing.length > 0 || unknown.length > 0) {
      const fields = [
        ...missing.map((v) => ({ field: `template.variables.${v}`, message: 'required' })),
        ...unknown.map((v) => ({ field: `template.variables.${v}`, message: 'not a variable of this template' })),
      ];
      throw new AppError(
        'VALIDATION',
        `template '${name}' needs variables ${template.variables.join(', ') || '(none)'}: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`,
        { fields },
      );
    }
    return { template, values, text: renderTemplate(template.body, values) };
  }
}

function stringAttr(attributes: Record<string, unknown> | undefined, path: string): string | undefined {
  let v: unknown = attributes;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}
