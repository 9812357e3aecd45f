// Bot API errors: the exact descriptions the official server answers with (https://core.telegram.org/bots/api#making-requests; tdlib Client.cpp).

export interface TgErrorParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

/** An error answered as `{"ok":false,"error_code","description","parameters"?}` with HTTP status = error_code. */
export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: TgErrorParameters,
  ) {
    super(description);
  }

  toBody(): { ok: false; error_code: number; description: string; parameters?: TgErrorParameters } {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

const bad = (what: string) => new BotApiError(400, `Bad Request: ${what}`);

/** Every error the simulator answers with, by name. */
export const tgErrors = {
  unauthorized: () => new BotApiError(401, 'Unauthorized'),
  notFound: () => new BotApiError(404, 'Not Found'),
  methodNotFound: () => new BotApiError(404, 'Not Found: method not found'),
  tooManyRequests: (retryAfterSeconds: number) =>
    new BotApiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, { retry_after: retryAfterSeconds }),
  blockedByUser: () => new BotApiError(403, 'Forbidden: bot was blocked by the user'),
  userDeactivated: () => new BotApiError(403, 'Forbidden: user is deactivated'),
  cantInitiate: () => new BotApiError(403, "Forbidden: bot can't initiate conversation with a user"),
  notGroupMember: (type: 'group' | 'supergroup' | 'channel') =>
    new BotApiError(
      403,
      type === 'channel'
        ? 'Forbidden: bot is not a member of the channel chat'
        : `Forbidden: bot is not a member of the ${type} chat`,
    ),
  chatNotFound: () => bad('chat not found'),
  chatIdEmpty: () => bad('chat_id is empty'),
  textEmpty: () => bad('message text is empty'),
  textTooLong: () => bad('message is too long'),
  captionTooLong: () => bad('message caption is too long'),
  notModified: () =>
    bad(
      'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    ),
  callbackQueryTooOld: () => bad('query is too old and response timeout expired or query ID is invalid'),
  webhookActive: () =>
    new BotApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    ),
  otherGetUpdates: () =>
    new BotApiError(
      409,
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    ),
  terminatedBySetWebhook: () => new BotApiError(409, 'Conflict: terminated by setWebhook request'),
  wrongChatAction: () => bad('wrong parameter action in request'),
  noFileInRequest: (field: string) => bad(`there is no ${field} in the request`),
  wrongFileId: () => bad('wrong file identifier/HTTP URL specified'),
  failedToGetUrl: () => bad('failed to get HTTP URL content'),
  invalidFileId: () => bad('invalid file_id'),
  fileTooBig: () => bad('file is too big'),
  messageToEditNotFound: () => bad('message to edit not found'),
  messageCantBeEdited: () => bad("message can't be edited"),
  noTextToEdit: () => bad('there is no text in the message to edit'),
  messageToDeleteNotFound: () => bad('message to delete not found'),
  messageCantBeDeleted: () => bad("message can't be deleted for everyone"),
  replyNotFound: () => bad('message to be replied not found'),
  replyMarkupUnparseable: () => bad("can't parse reply keyboard markup JSON object"),
  buttonDataInvalid: () => bad('BUTTON_DATA_INVALID'),
  inlineButtonWithoutAction: () =>
    bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"),
  allowedUpdatesUnparseable: () => bad("can't parse allowed updates JSON object"),
  secretTokenInvalid: () => bad('secret token contains unallowed characters'),
  secretTokenTooLong: () => bad('secret token is too long'),
  badWebhookHttps: () => bad('bad webhook: An HTTPS URL must be provided for webhook'),
  badWebhookPort: () => bad('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443'),
  invalidWebhookUrl: () => bad('invalid webhook URL specified'),
  cantParseEntities: (why: string) => bad(`can't parse entities: ${why}`),
  parameterMissing: (name: string) => bad(`parameter "${name}" is required`),
  invalidParameter: (what: string) => bad(what),
} as const;
