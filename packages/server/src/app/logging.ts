/**
 * @module app/logging
 * Structured JSON logs (pino) written through a scrubber that removes every secret value the process has
 * decrypted, wherever it appears (an error message quoting a provider URL with a bot token, say).
 */
import { pino, type Logger as PinoLogger } from 'pino';
import type { Redactor } from '../core/deps.js';

/** Holds decrypted secret values; scrubs them from any text. Values shorter than 6 characters are not tracked. */
export class SecretRedactor implements Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  add(secret: string): void {
    if (secret.length < 6 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    // also catch the JSON-escaped and URL-encoded forms a secret takes inside log lines
    const forms = new Set<string>();
    for (const s of this.secrets) {
      forms.add(s);
      forms.add(encodeURIComponent(s));
      forms.add(JSON.stringify(s).slice(1, -1));
    }
    this.pattern = new RegExp(
      [...forms]
        .sort((a, b) => b.length - a.length)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
  }

  scrub(text: string): string {
    return this.pattern ? text.replace(this.pattern, '[REDACTED]') : text;
  }
}

export function createLogger(
  level: string,
  redactor: SecretRedactor,
  write: (line: string) => void = (l) => process.stdout.write(l),
): PinoLogger {
  return pino(
    {
      level,
      base: { service: 'switchboard' },
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.accessToken',
          '*.botToken',
          '*.appSecret',
          '*.password',
          '*.apiKey',
        ],
        censor: '[REDACTED]',
      },
    },
    { write: (line: string) => write(redactor.scrub(line)) },
  );
}
