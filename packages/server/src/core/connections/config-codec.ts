/**
 * @module core/connections/config-codec
 * Validates a connection's config with its connector's schema, seals secret fields for storage, opens them for
 * use, and masks them for every API response.
 */
import { adminOnlyFieldNames, secretFieldNames, type AnyConnector } from '../../channel-kit/index.js';
import { AppError } from '../errors.js';
import type { SecretBox } from '../ports/index.js';
import type { Redactor } from '../deps.js';
import { generateSecret } from '../security/api-tokens.js';

/** What a secret looks like in API responses; sending it back in a PATCH keeps the stored value. */
export const SECRET_MASK = '********';

export class ConfigCodec {
  constructor(
    private readonly secrets: SecretBox,
    private readonly redactor: Redactor,
  ) {}

  /** validates plain config (defaults applied) or answers 400 listing every bad field */
  validate(connector: AnyConnector, plain: Record<string, unknown>): Record<string, unknown> {
    const result = connector.configSchema.safeParse(plain);
    if (!result.success) {
      const fields = result.error.issues.map((i) => ({ field: i.path.join('.') || '(config)', message: i.message }));
      throw new AppError('VALIDATION', `invalid config: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, {
        fields,
      });
    }
    const value = result.data as Record<string, unknown>;
    return connector.prepareConfig
      ? (connector.prepareConfig(value, generateSecret) as Record<string, unknown>)
      : value;
  }

  seal(connector: AnyConnector, plain: Record<string, unknown>): Record<string, unknown> {
    const out = { ...plain };
    for (const name of secretFieldNames(connector.configSchema)) {
      const v = out[name];
      if (typeof v === 'string' && v.length > 0) out[name] = this.secrets.seal(v);
    }
    return out;
  }

  open(connector: AnyConnector, stored: Record<string, unknown>): Record<string, unknown> {
    const out = { ...stored };
    for (const name of secretFieldNames(connector.configSchema)) {
      const v = out[name];
      if (this.secrets.isSealed(v)) {
        const plain = this.secrets.open(v);
        this.redactor.add(plain);
        out[name] = plain;
      }
    }
    return out;
  }

  /** secrets are masked for everyone; admin-only values (a verify token to paste at the provider) for operators */
  mask(
    connector: AnyConnector,
    stored: Record<string, unknown>,
    audience: 'admin' | 'operator',
  ): Record<string, unknown> {
    const out = { ...stored };
    const hidden = secretFieldNames(connector.configSchema);
    if (audience === 'operator') hidden.push(...adminOnlyFieldNames(connector.configSchema));
    for (const name of hidden) {
      if (out[name] !== undefined && out[name] !== null && out[name] !== '') out[name] = SECRET_MASK;
    }
    return out;
  }

  /**
   * Merges a config patch into the stored config: secret fields that are absent or equal to the mask keep
   * their stored value (rotation = sending a new value); `null` clears an optional field.
   */
  merge(
    connector: AnyConnector,
    stored: Record<string, unknown>,
    patch: Record<string, unknown>,
  ): Record<string, unknown> {
    const secretNames = new Set(secretFieldNames(connector.configSchema));
    const plain = this.open(connector, stored);
    for (const [k, v] of Object.entries(patch)) {
      if (secretNames.has(k) && (v === SECRET_MASK || v === undefined)) continue;
      if (v === null) delete plain[k];
      else plain[k] = v;
    }
    return plain;
  }
}
