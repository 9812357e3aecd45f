// Serialises JSON the way Meta's webhooks do: non-ASCII escaped as \uXXXX and "/" as "\/" — so a hub that
// re-serialises the parsed body instead of verifying the raw bytes computes the wrong signature (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications).

export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
