// POST /{phone-number-id}/messages: validation, template check, throughput and pair limits, the 24 h window,
// acceptance with a wamid, link media fetch and receipt scheduling; also mark-as-read (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages, https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput, https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates).
import { sendOutbound } from '../http/outbound-request.js';
import { GraphError, graphErrors } from './graph-errors.js';
import type { GraphContext } from './graph-context.js';
import { validateMessageBody } from './message-body.js';
import { digitsOf, newWamid, type OutboundRecord, type PhoneRecord } from './state.js';
import { validateTemplateSend, type RenderedTemplate } from './templates.js';

export interface SendResponse {
  messaging_product: 'whatsapp';
  contacts: Array<{ input: string; wa_id: string }>;
  messages: Array<{ id: string; message_status?: string }>;
}

export async function sendMessage(ctx: GraphContext, phone: PhoneRecord): Promise<SendResponse | { success: true }> {
  const { rt } = ctx;
  const body = ctx.body.fields;
  if (!ctx.token.scopes.includes('whatsapp_business_messaging')) throw graphErrors.noPermission();
  if (body.messaging_product === undefined) throw graphErrors.required('messaging_product');
  if (body.messaging_product !== 'whatsapp')
    throw graphErrors.paramMessage(
      `Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`,
    );
  if (body.status !== undefined) return markRead(ctx, phone);

  if (body.to === undefined || body.to === '') throw graphErrors.required('to');
  const to = String(body.to);
  const validated = validateMessageBody(rt.state, phone, body);
  const digits = digitsOf(to);
  if (digits === '') throw graphErrors.invalid(`Invalid 'to' parameter: ${to}`);
  if (digits === phone.displayPhoneNumber) throw new GraphError({ code: 131021 });
  const customer = rt.state.customer({ waId: digits });
  if (phone.allowedRecipients && !phone.allowedRecipients.has(customer.waId))
    throw new GraphError({ code: 131030, subcode: 2494010 });

  let template: RenderedTemplate | undefined;
  if (validated.type === 'template') template = validateTemplateSend(rt.state, phone.wabaId, phone.id, body.template);

  rt.limiter.charge(phone, customer.waId, rt.clock.now());

  const windowOpen = rt.state.windowOpen(customer, phone.id);
  let failure: OutboundRecord['failure'];
  if (ctx.asyncFailure) failure = { ...ctx.asyncFailure };
  else if (!template && !windowOpen) {
    if (rt.settings.windowErrorMode === 'sync') throw new GraphError({ code: 131047 });
    failure = { code: 131047 };
  } else if (customer.undeliverable || digits.length < 8) failure = { code: 131026 };

  const category = template ? template.template.category.toLowerCase() : 'service';
  const free = windowOpen && (category === 'service' || category === 'utility');
  const rec: OutboundRecord = {
    wamid: newWamid(customer.waId),
    phoneNumberId: phone.id,
    to,
    waId: customer.waId,
    type: validated.type,
    request: body,
    createdAt: rt.clock.now(),
    apiVersion: ctx.version,
    category,
    pricing: { billable: !free, type: free ? 'free_customer_service' : 'regular' },
    statuses: [],
  };
  if (template) rec.rendered = template.rendered;
  if (failure) rec.failure = failure;
  rt.state.outbound.set(rec.wamid, rec);

  if (validated.mediaLink && !failure && rt.settings.fetchMediaLinks)
    void fetchLinkThenSchedule(ctx, rec, validated.mediaLink);
  else rt.receipts.schedule(rec);

  const message: SendResponse['messages'][number] = { id: rec.wamid };
  if (template) message.message_status = 'accepted';
  return { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: customer.waId }], messages: [message] };
}

/** Meta downloads `link` media before delivering; a failed download becomes a `failed` status (131053). */
async function fetchLinkThenSchedule(ctx: GraphContext, rec: OutboundRecord, link: string): Promise<void> {
  const { rt } = ctx;
  rt.receipts.pending++;
  try {
    const res = await sendOutbound({
      url: link,
      method: 'GET',
      timeoutMs: 20_000,
      maxResponseBytes: 100 << 20,
      signal: rt.signal,
    });
    rec.fetchedMedia = { url: link, status: res.status, size: res.body.length };
    if (res.status < 200 || res.status > 299) {
      rec.failure = {
        code: 131053,
        details: `Downloading media from weblink failed with http code ${res.status}, status message ${res.statusText}`,
      };
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    rec.fetchedMedia = { url: link, error: message };
    rec.failure = { code: 131053, details: `Downloading media from weblink failed: ${message}` };
  } finally {
    rt.receipts.pending--;
  }
  if (!rt.timers.isClosed) rt.receipts.schedule(rec);
}

function markRead(ctx: GraphContext, phone: PhoneRecord): { success: true } {
  const body = ctx.body.fields;
  if (body.status !== 'read')
    throw graphErrors.paramMessage(`Param status must be one of {READ} - got "${String(body.status)}".`);
  if (typeof body.message_id !== 'string' || body.message_id === '') throw graphErrors.required('message_id');
  const inbound = ctx.rt.state.inbound.get(body.message_id);
  if (!inbound || inbound.phoneNumberId !== phone.id)
    throw graphErrors.invalid(`Invalid message_id: ${body.message_id}`);
  const now = ctx.rt.clock.now();
  inbound.readByBusinessAt = now;
  if (body.typing_indicator !== undefined) inbound.typingIndicatorAt = now;
  return { success: true };
}
