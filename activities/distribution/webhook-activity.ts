// The completion webhook that replaces the Distribution Service's Kafka event: one POST per settled distribution,
// signed when a secret is configured, with an Idempotency-Key so a retried delivery can be
// recognised by the receiver. Failures are retried by Temporal; the workflow never fails on them.
import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';

export interface WebhookConfig {
  url: string | undefined;
  secret: string | undefined;
  timeoutMs: number;
}

export interface WebhookDelivery {
  delivered: boolean;
  status?: number;
  reason?: string;
}

export function createWebhookActivities(config: WebhookConfig) {
  return {
    async notifyDistributionWebhook(idempotencyKey: string, payload: Record<string, unknown>): Promise<WebhookDelivery> {
      if (!config.url) return { delivered: false, reason: 'no webhook configured' };
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': idempotencyKey };
      if (config.secret) headers['x-switchyard-signature'] = `sha256=${createHmac('sha256', config.secret).update(body).digest('hex')}`;
      let response: Response;
      try {
        response = await fetch(config.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(config.timeoutMs) });
      } catch (error) {
        throw ApplicationFailure.retryable(`Webhook unreachable: ${(error as Error).name}`, 'WebhookUnreachable');
      }
      if (response.status >= 500 || response.status === 429 || response.status === 408) {
        throw ApplicationFailure.retryable(`Webhook answered ${response.status}`, 'WebhookRejected');
      }
      if (!response.ok) return { delivered: false, status: response.status, reason: `receiver refused with ${response.status}` };
      return { delivered: true, status: response.status };
    },
  };
}
