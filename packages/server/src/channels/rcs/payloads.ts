/**
 * @module channels/rcs/payloads — RBM user messages and events as the webhook's decoded data carries them
 * (https://developers.google.com/business-communications/rcs-business-messaging/reference/rest/v1/UserMessage,
 * …/UserEvent; suggestion, location and file shapes per those pages), and Google's error envelope.
 */
import { z } from 'zod';

export const userMessageSchema = z.object({
  senderPhoneNumber: z.string().min(1),
  messageId: z.string().min(1).optional(),
  eventId: z.string().min(1).optional(),
  eventType: z.string().optional(),
  sendTime: z.string().optional(),
  agentId: z.string().optional(),
  text: z.string().optional(),
  suggestionResponse: z
    .object({ postbackData: z.string().optional(), text: z.string().optional(), type: z.string().optional() })
    .optional(),
  // coordinates outside the globe are not a place (the hub's location content refuses them)
  location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  userFile: z
    .object({
      payload: z.object({
        mimeType: z.string().optional(),
        fileSizeBytes: z.number().optional(),
        fileUri: z.string(),
        fileName: z.string().optional(),
      }),
    })
    .optional(),
});
export type RbmUserMessage = z.infer<typeof userMessageSchema>;

/** `{"error": {"code": 404, "message": "…", "status": "NOT_FOUND"}}` (https://cloud.google.com/apis/design/errors) */
export const googleErrorSchema = z.object({
  error: z.object({ code: z.number().optional(), message: z.string().optional(), status: z.string().optional() }),
});

export const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });

/** a ServiceAccountKey (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys#ServiceAccountKey) */
export const serviceAccountKeySchema = z.object({
  name: z.string().optional(),
  validAfterTime: z.string().optional(),
  validBeforeTime: z.string().optional(),
  disabled: z.boolean().optional(),
});
