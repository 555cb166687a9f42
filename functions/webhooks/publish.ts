import type { EventRepository } from '../events/ports.js';
import { type StreamChange, webhookHappenings } from '../notify/decide.js';
import { type DeliveryJob, messageIdOf } from './model.js';
import type { DeliveryQueue } from './queue.js';
import type { WebhookStore } from './store.js';

/**
 * From a table change to queued deliveries: the happenings decide.ts finds, for each of the
 * organiser's subscriptions that asked for that type, one log line and one queued job. A stream
 * record read again finds its log lines there and queues only what never left (attempts 0).
 */

export interface PublishDeps {
  store: Pick<WebhookStore, 'list' | 'logDelivery' | 'delivery'>;
  events: Pick<EventRepository, 'get'>;
  queue: DeliveryQueue;
  clock: () => Date;
}

const organiserOf = async (change: StreamChange, eventId: string, deps: PublishDeps) => {
  const image = change.newImage as { organiserId?: string } | undefined;
  if (change.keys.sk === 'EVENT' && image?.organiserId) return image.organiserId;
  return (await deps.events.get(eventId))?.event.organiserId;
};

export const publishWebhooks = async (change: StreamChange, deps: PublishDeps): Promise<void> => {
  const happenings = webhookHappenings(change);
  const [first] = happenings;
  if (!first) return;
  const organiserId = await organiserOf(change, first.eventId, deps);
  if (!organiserId) return;
  const subscriptions = await deps.store.list(organiserId);
  for (const happening of happenings) {
    for (const subscription of subscriptions) {
      if (!subscription.events.includes(happening.type)) continue;
      const job: DeliveryJob = {
        organiserId,
        webhookId: subscription.id,
        messageId: messageIdOf(subscription.id, happening.changeKey),
        type: happening.type,
        occurredAt: happening.occurredAt,
        eventId: happening.eventId,
        ...(happening.registrationId ? { registrationId: happening.registrationId } : {}),
      };
      const logged = await deps.store.logDelivery({ ...job, status: 'pending', attempts: 0 }, deps.clock());
      if (!logged) {
        // Logged by an earlier read of this record: queued already unless it failed right after logging.
        const line = await deps.store.delivery(job.webhookId, job.occurredAt, job.messageId);
        if (line && (line.attempts > 0 || line.status !== 'pending')) continue;
      }
      await deps.queue.enqueue(job);
    }
  }
};
