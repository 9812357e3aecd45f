/**
 * @module channel-kit/opt-out
 * A channel's consent keywords: an inbound message whose whole text is an opt-out keyword ("STOP") records that
 * the customer opted out of the channel, an opt-in keyword ("START") records that they opted back in, and the hub
 * answers the confirmation text where one is set (core/consent/consent-service.ts). A help keyword ("HELP") changes
 * nothing and is answered with the connection's help text (who is writing, how to opt out), which carrier rules ask of
 * every SMS sender (CTIA Messaging Principles and Best Practices, https://www.ctia.org/the-wireless-industry/industry-commitments/messaging-interoperability-sms-mms). A connector holds the
 * `optOut` feature (`features.optOut`, with the channel's `defaults` where it recognises keywords unasked) and the
 * `optOut` config field, optOutField(), through which every connection may override them; the two go together
 * (defineConnector refuses one without the other) and the connector contract checks the pair.
 */
import { z } from 'zod';

/**
 * Twilio's default opt-out and opt-in keywords for messaging, the de facto standard customers expect from business
 * numbers (https://help.twilio.com/articles/223134027). СТОП is added for Russian-speaking customers.
 */
export const DEFAULT_OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'СТОП'] as const;
export const DEFAULT_OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'] as const;
/** Twilio's default help keywords (https://help.twilio.com/articles/223134027) */
export const DEFAULT_HELP_KEYWORDS = ['HELP', 'INFO'] as const;

/** a channel's (or a connection's) keywords and the texts that confirm them */
export interface OptOutRules {
  keywords: readonly string[];
  optInKeywords: readonly string[];
  /** sent after an opt-out, the last message the customer receives on the channel */
  confirmation?: string | undefined;
  /** sent after an opt-in */
  optInConfirmation?: string | undefined;
  /** whole-message keywords answered with `helpText` (no consent change); none when absent */
  helpKeywords?: readonly string[] | undefined;
  /** the answer to a help keyword: who the sender is and how to opt out; a help keyword without it is a message */
  helpText?: string | undefined;
}

/** the common keywords, without confirmations: the defaults of channels that recognise STOP unasked */
export const DEFAULT_OPT_OUT_RULES: OptOutRules = {
  keywords: DEFAULT_OPT_OUT_KEYWORDS,
  optInKeywords: DEFAULT_OPT_IN_KEYWORDS,
};

const keyword = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((k) => !/\s/.test(k), 'one word, without spaces');

export const OptOutConfigSchema = z.object({
  enabled: z.boolean().optional().describe('Recognise opt-out and opt-in keywords on this connection'),
  keywords: z
    .array(keyword)
    .max(30)
    .optional()
    .describe('Whole-message keywords that opt the customer out (case-insensitive); default STOP, UNSUBSCRIBE, …'),
  optInKeywords: z
    .array(keyword)
    .max(30)
    .optional()
    .describe('Whole-message keywords that opt the customer back in; default START, UNSTOP, YES'),
  confirmation: z.string().trim().min(1).max(500).optional().describe('Answer sent after an opt-out'),
  optInConfirmation: z.string().trim().min(1).max(500).optional().describe('Answer sent after an opt-in'),
  helpKeywords: z
    .array(keyword)
    .max(30)
    .optional()
    .describe('Whole-message keywords answered with the help text; default HELP, INFO'),
  helpText: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .describe(
      'Answer to a help keyword: who is writing and how to opt out (e.g. "Acme support. Reply STOP to opt out.")',
    ),
});
export type OptOutConfig = z.infer<typeof OptOutConfigSchema>;

/** the optional `optOut` config field; the hub reads it from the connection's config by this name */
export function optOutField() {
  return OptOutConfigSchema.optional().describe(
    'Opt-out keywords (STOP/START), help keywords (HELP) and their answers; unset fields keep the channel defaults',
  );
}

/**
 * The rules in force on one connection: the connector's defaults with the connection's `optOut` config laid over
 * them. undefined when the channel has no keywords (no defaults and no config) or the connection turned them off.
 */
export function optOutRulesFor(
  connector: { features: { optOut?: { defaults?: OptOutRules } | undefined } },
  config: Record<string, unknown>,
): OptOutRules | undefined {
  const feature = connector.features.optOut;
  if (!feature) return undefined;
  const parsed = OptOutConfigSchema.safeParse(config.optOut ?? {});
  const own: OptOutConfig = parsed.success ? parsed.data : {};
  const base = feature.defaults;
  if (own.enabled === false || (!base && own.enabled !== true && own.keywords === undefined)) return undefined;
  return {
    keywords: own.keywords ?? base?.keywords ?? DEFAULT_OPT_OUT_KEYWORDS,
    optInKeywords: own.optInKeywords ?? base?.optInKeywords ?? DEFAULT_OPT_IN_KEYWORDS,
    confirmation: own.confirmation ?? base?.confirmation,
    optInConfirmation: own.optInConfirmation ?? base?.optInConfirmation,
    helpKeywords: own.helpKeywords ?? base?.helpKeywords ?? DEFAULT_HELP_KEYWORDS,
    helpText: own.helpText ?? base?.helpText,
  };
}

/** trimmed and case-folded in every script (СТОП and стоп meet); nothing else: "stop it" is a message, not a keyword */
const fold = (text: string) => text.trim().toUpperCase();

export type ConsentKeywordKind = 'opt_out' | 'opt_in' | 'help';

/** whether a message's whole text is an opt-out, an opt-in or a help keyword of the rules */
export function matchConsentKeyword(
  rules: OptOutRules,
  text: string,
): { kind: ConsentKeywordKind; keyword: string } | undefined {
  if (text.length > 64) return undefined;
  const said = fold(text);
  if (said === '') return undefined;
  const out = rules.keywords.find((k) => fold(k) === said);
  if (out) return { kind: 'opt_out', keyword: fold(out) };
  const back = rules.optInKeywords.find((k) => fold(k) === said);
  if (back) return { kind: 'opt_in', keyword: fold(back) };
  const help = (rules.helpKeywords ?? []).find((k) => fold(k) === said);
  if (help) return { kind: 'help', keyword: fold(help) };
  return undefined;
}
