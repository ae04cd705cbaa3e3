import { sendWebhook, type WebhookParams } from '../webhooks.js';
import { TwimlFailure } from './interpreter.js';
import { parseTwiml, type Verb } from './verbs.js';

/**
 * Requests TwiML the way Twilio does and maps every failure to the Debugger code Twilio would log: 11205
 * (connection), 11200 (non-2xx), 12300 (no Content-Type), 12100 (parse) or 12200 (schema).
 */
export async function requestTwiml(
  authToken: string,
  url: string,
  method: 'GET' | 'POST',
  params: WebhookParams,
): Promise<Verb[]> {
  let response;
  try {
    response = await sendWebhook(authToken, url, params, method);
  } catch (error) {
    throw new TwimlFailure(11205, `HTTP connection failure: ${(error as Error).message}`);
  }
  if (response.status < 200 || response.status >= 300) {
    throw new TwimlFailure(11200, `HTTP retrieval failure: status ${response.status}`);
  }
  if (!response.contentType) throw new TwimlFailure(12300, 'Invalid Content-Type');
  try {
    return parseTwiml(response.body);
  } catch (error) {
    throw new TwimlFailure((error as { code?: number }).code ?? 12100, (error as Error).message);
  }
}
