/**
 * @module core/agents/agent-config
 * The three agent kinds as data: one zod config schema each (secrets marked with the kit's `secret()`, also inside
 * nested objects such as `speechToText`), their JSON Schemas for the UI form, and the codec that validates (400
 * listing fields), seals secrets at rest, opens them for use and masks them in responses — the same rules as
 * connection configs.
 */
import { z } from 'zod';
import { configJsonSchema, schemaChain, secret, type ObjectConfigSchema } from '../../channel-kit/index.js';
import { AppError } from '../errors.js';
import type { AgentKind, SecretBox } from '../ports/index.js';
import type { Redactor } from '../deps.js';
import { SECRET_MASK } from '../connections/config-codec.js';
import { generateSecret } from '../security/api-tokens.js';
import { flowGraphIssues } from './flow-engine.js';

const httpUrl = () => z.url({ protocol: /^https?$/ }).max(2000);

export const SpeechToTextSchema = z
  .object({
    baseUrl: httpUrl().describe('OpenAI-compatible API base; audio is POSTed to {baseUrl}/audio/transcriptions'),
    apiKey: secret(z.string().min(1).max(2000), {
      description: 'Bearer key for the transcription endpoint',
    }).optional(),
    model: z.string().min(1).max(200).default('whisper-1'),
    language: z.string().min(2).max(20).optional().describe('ISO-639-1 hint, e.g. "en"'),
    waitMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(15_000)
      .describe('how long to wait for the voice message to finish downloading'),
  })
  .describe('Transcribe voice messages before the agent reads them');

const common = {
  handoffMessage: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe('Sent to the customer when the agent hands the conversation to a person'),
  speechToText: SpeechToTextSchema.optional(),
};

const fallbackReply = z
  .string()
  .min(1)
  .max(4096)
  .default('Sorry, I cannot answer right now. A colleague will take over shortly.')
  .describe('Sent when the provider fails or times out; the conversation is then handed to a person');

export const LlmConfigSchema = z.object({
  baseUrl: httpUrl().describe(
    'OpenAI-compatible API base, e.g. https://api.openai.com/v1 (chat completions at {baseUrl}/chat/completions)',
  ),
  model: z.string().min(1).max(200),
  apiKey: secret(z.string().min(1).max(2000), { description: 'Bearer key of the provider' }).optional(),
  systemPrompt: z
    .string()
    .max(20_000)
    .default(
      'You are a helpful customer support assistant. Answer briefly. If you cannot help, call handoff_to_human.',
    ),
  knowledge: z
    .array(z.string().min(1).max(20_000))
    .max(100)
    .default([])
    .describe('Snippets the model may rely on (FAQ, policies)'),
  temperature: z.number().min(0).max(2).default(0.3),
  maxTokens: z.number().int().min(1).max(32_000).default(512),
  maxTurns: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(20)
    .describe('After this many turns in one conversation the agent hands off'),
  historyLimit: z.number().int().min(1).max(200).default(30).describe('How many recent messages the model sees'),
  timeoutMs: z.number().int().min(1000).max(120_000).default(20_000),
  fallbackReply,
  ...common,
});
export type LlmConfig = z.infer<typeof LlmConfigSchema>;

export const WebhookAgentConfigSchema = z.object({
  url: httpUrl().describe('Your bot: Switchboard POSTs each customer message here, signed like outgoing webhooks'),
  // left empty on create, the server generates it (shown once in the answer), so a bot is always signed
  secret: secret(z.string().min(16).max(500), {
    generated: true,
    description:
      'Signs the requests (Switchboard-Signature: v1=HMAC-SHA256(secret, "<timestamp>.<body>")). Leave empty to have one generated: it is shown once, in the answer that creates the agent',
  }).optional(),
  timeoutMs: z.number().int().min(500).max(60_000).default(10_000),
  fallbackReply,
  ...common,
});
/** the secret is always set once validated: generated at create when left empty, required afterwards */
export type WebhookAgentConfig = z.infer<typeof WebhookAgentConfigSchema> & { secret: string };

const nodeId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only');
const next = nodeId.optional().describe('the node that follows; none ends the flow');

export const FlowNodeSchema = z.discriminatedUnion('type', [
  z.object({ id: nodeId, type: z.literal('message'), text: z.string().min(1).max(4096), next }),
  z.object({
    id: nodeId,
    type: z.literal('buttons'),
    text: z.string().min(1).max(4096),
    buttons: z
      .array(z.object({ id: z.string().min(1).max(100).optional(), title: z.string().min(1).max(100), next }))
      .min(1)
      .max(10),
  }),
  z.object({
    id: nodeId,
    type: z.literal('ask'),
    text: z.string().min(1).max(4096),
    field: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/)
      .describe('contact attribute the answer is stored in'),
    validate: z.enum(['text', 'email', 'phone', 'number']).default('text'),
    invalidText: z.string().min(1).max(4096).optional(),
    next,
  }),
  z.object({
    id: nodeId,
    type: z.literal('handoff'),
    text: z.string().min(1).max(4096).optional(),
    reason: z.string().min(1).max(500).default('the flow asked for a person'),
  }),
]);
export type FlowNode = z.infer<typeof FlowNodeSchema>;

export const FaqEntrySchema = z.object({
  keywords: z
    .array(z.string().min(1).max(200))
    .max(50)
    .default([])
    .describe('any of these words or phrases (case and accents ignored)'),
  pattern: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe('a regular expression in RE2 syntax (no lookaround or backreferences), case-insensitive'),
  answer: z.string().min(1).max(4096),
  next: next.describe('a node to continue with after answering'),
});
export type FaqEntry = z.infer<typeof FaqEntrySchema>;

export const FlowConfigSchema = z
  .object({
    greeting: z.string().min(1).max(4096).optional().describe('Sent on the first message of a conversation'),
    start: nodeId.optional().describe('first node (default: the first in the list)'),
    nodes: z.array(FlowNodeSchema).max(200).default([]),
    faq: z.array(FaqEntrySchema).max(500).default([]),
    fallback: z.string().min(1).max(4096).default('Sorry, I did not understand that.'),
    maxMisses: z.number().int().min(1).max(20).default(3).describe('Unrecognised answers in a row before handing off'),
    ...common,
  })
  .superRefine((config, ctx) => {
    for (const issue of flowGraphIssues(config))
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type FlowConfig = z.infer<typeof FlowConfigSchema>;

export interface AgentKindInfo {
  kind: AgentKind;
  displayName: string;
  description: string;
  schema: ObjectConfigSchema;
}

export const AGENT_KINDS: Record<AgentKind, AgentKindInfo> = {
  flow: {
    kind: 'flow',
    displayName: 'Flow bot',
    description:
      'Built in, no external service: greeting, FAQ answers, buttons with branches, collecting fields into the contact, handoff.',
    schema: FlowConfigSchema,
  },
  llm: {
    kind: 'llm',
    displayName: 'LLM agent',
    description: 'Any OpenAI-compatible chat-completions endpoint; can hand off with the handoff_to_human tool.',
    schema: LlmConfigSchema,
  },
  webhook: {
    kind: 'webhook',
    displayName: 'External bot (webhook)',
    description:
      'Switchboard POSTs each customer message, signed; the bot answers in the response or later through the API.',
    schema: WebhookAgentConfigSchema,
  },
};

export function isAgentKind(kind: string): kind is AgentKind {
  return Object.prototype.hasOwnProperty.call(AGENT_KINDS, kind);
}

export function agentCatalog(): Array<{
  kind: AgentKind;
  displayName: string;
  description: string;
  configSchema: Record<string, unknown>;
}> {
  return Object.values(AGENT_KINDS).map((k) => ({
    kind: k.kind,
    displayName: k.displayName,
    description: k.description,
    configSchema: configJsonSchema(k.schema),
  }));
}

// --- secrets, also one level down (speechToText.apiKey) ---------------------------------------------------------

/** dotted paths of every field marked secret, in the object or in its nested objects */
export function secretPaths(schema: ObjectConfigSchema, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [name, field] of Object.entries(schema.shape)) {
    const chain = schemaChain(field as z.ZodType);
    if (chain.some((s) => Boolean(z.globalRegistry.get(s)?.['x-secret']))) out.push([...prefix, name]);
    const object = chain.find((s): s is ObjectConfigSchema => s instanceof z.ZodObject);
    if (object && prefix.length < 2) out.push(...secretPaths(object, [...prefix, name]));
  }
  return out;
}

/** top-level secret fields the server generates when the admin leaves them empty (`secret(…, { generated: true })`) */
export function generatedSecretFields(schema: ObjectConfigSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) =>
      schemaChain(field as z.ZodType).some((s) => Boolean(z.globalRegistry.get(s)?.['x-generated'])),
    )
    .map(([name]) => name);
}

function getPath(obj: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** copy of obj with path set (parents copied, never mutated) */
function setPath(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  if (rest.length === 0) return { ...obj, [head]: value };
  const child = obj[head];
  if (!child || typeof child !== 'object') return obj;
  return { ...obj, [head]: setPath(child as Record<string, unknown>, rest, value) };
}

export class AgentConfigCodec {
  constructor(
    private readonly secrets: SecretBox,
    private readonly redactor: Redactor,
  ) {}

  schemaOf(kind: AgentKind): ObjectConfigSchema {
    return AGENT_KINDS[kind].schema;
  }

  /**
   * validates plain config (defaults applied) or answers 400 listing every bad field. Generated secrets are optional
   * in the schema only so that create can leave them empty (`fillGenerated`); a config without one is refused here.
   */
  validate(kind: AgentKind, plain: Record<string, unknown>): Record<string, unknown> {
    const result = this.schemaOf(kind).safeParse(plain);
    const fields = result.success
      ? []
      : result.error.issues.map((i) => ({ field: i.path.join('.') || '(config)', message: i.message }));
    for (const name of generatedSecretFields(this.schemaOf(kind))) {
      if ((plain[name] === undefined || plain[name] === null) && !fields.some((f) => f.field === name)) {
        fields.push({
          field: name,
          message: 'required: keep the stored one (leave it out or send the mask) or send a new value to rotate it',
        });
      }
    }
    if (fields.length > 0)
      throw new AppError('VALIDATION', `invalid config: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, {
        fields,
      });
    return (result as { data: Record<string, unknown> }).data;
  }

  /**
   * on create: fills the generated secrets the admin left out or empty (like outgoing webhook subscriptions); answers
   * the names it filled, so the created agent can show them once
   */
  fillGenerated(
    kind: AgentKind,
    plain: Record<string, unknown>,
  ): { config: Record<string, unknown>; generated: string[] } {
    const config = { ...plain };
    const generated: string[] = [];
    for (const name of generatedSecretFields(this.schemaOf(kind))) {
      if (config[name] === undefined || config[name] === null || config[name] === '') {
        config[name] = `whsec_${generateSecret()}`;
        generated.push(name);
      }
    }
    return { config, generated };
  }

  private map(
    kind: AgentKind,
    config: Record<string, unknown>,
    fn: (value: unknown) => unknown,
  ): Record<string, unknown> {
    let out = { ...config };
    for (const path of secretPaths(this.schemaOf(kind))) {
      const v = getPath(out, path);
      if (v !== undefined && v !== null && v !== '') out = setPath(out, path, fn(v));
    }
    return out;
  }

  seal(kind: AgentKind, plain: Record<string, unknown>): Record<string, unknown> {
    return this.map(kind, plain, (v) =>
      typeof v === 'string' && !this.secrets.isSealed(v) ? this.secrets.seal(v) : v,
    );
  }

  open(kind: AgentKind, stored: Record<string, unknown>): Record<string, unknown> {
    return this.map(kind, stored, (v) => {
      if (!this.secrets.isSealed(v)) return v;
      const plain = this.secrets.open(v);
      this.redactor.add(plain);
      return plain;
    });
  }

  mask(kind: AgentKind, stored: Record<string, unknown>): Record<string, unknown> {
    return this.map(kind, stored, () => SECRET_MASK);
  }

  /**
   * Merges a patch into the stored config (top-level keys; `null` removes one). Secret fields that the patch
   * leaves out or sends back masked keep their stored value; a new value rotates them.
   */
  merge(kind: AgentKind, stored: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
    const plain = this.open(kind, stored);
    let merged: Record<string, unknown> = { ...plain };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete merged[k];
      else if (v !== undefined) merged[k] = v;
    }
    for (const path of secretPaths(this.schemaOf(kind))) {
      const top = path[0] as string;
      if (!(top in patch) || patch[top] === null) continue;
      const sent = getPath(merged, path);
      const before = getPath(plain, path);
      if ((sent === SECRET_MASK || sent === undefined) && before !== undefined) merged = setPath(merged, path, before);
    }
    // a stored key is sent as a bearer credential to its endpoint: pointing the endpoint elsewhere without entering
    // the key again would hand the key to the new address (an admin could read a masked secret that way)
    const moved: Array<{ field: string; message: string }> = [];
    for (const path of secretPaths(this.schemaOf(kind))) {
      if (path[path.length - 1] !== 'apiKey') continue;
      const before = getPath(plain, path);
      if (before === undefined || getPath(merged, path) !== before) continue;
      const parent = path.slice(0, -1);
      for (const sibling of ['baseUrl', 'url']) {
        const was = originOf(getPath(plain, [...parent, sibling]));
        const now = originOf(getPath(merged, [...parent, sibling]));
        if (was !== undefined && now !== undefined && was !== now) {
          moved.push({
            field: path.join('.'),
            message: `the endpoint moved from ${was} to ${now}: enter the key again (a stored key is never sent to a new address)`,
          });
        }
      }
    }
    if (moved.length > 0)
      throw new AppError('VALIDATION', `invalid config: ${moved.map((f) => `${f.field}: ${f.message}`).join('; ')}`, {
        fields: moved,
      });
    return merged;
  }
}

function originOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
