import type { EventRepository } from '../events/ports.js';
import { type StreamChange, webhookHappenings } from '../notify/decide.js';
import { type DeliveryJob, messageIdOf, type WebhookSubscription } from './model.js';
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

/**
 * How long an organiser's subscriptions are kept in memory: every registration change reads
 * them, and a rush has hundreds a second. A new or deleted webhook counts within this delay.
 */
export const SUBSCRIPTIONS_CACHE_MS = 10_000;
const CACHE_ENTRIES = 1_000;

/** The publisher of one container (a Lambda instance, the local runtime), with its caches. */
export const createWebhookPublisher = (deps: PublishDeps) => {
  // An event's organiser never changes: read once per event.
  const organisers = new Map<string, string>();
  const subscriptions = new Map<string, { at: number; list: WebhookSubscription[] }>();

  const organiserOf = async (change: StreamChange, eventId: string) => {
    const image = change.newImage as { organiserId?: string } | undefined;
    if (change.keys.sk === 'EVENT' && image?.organiserId) return image.organiserId;
    const known = organisers.get(eventId);
    if (known) return known;
    const found = (await deps.events.get(eventId))?.event.organiserId;
    if (organisers.size >= CACHE_ENTRIES) organisers.clear();
    if (found) organisers.set(eventId, found);
    return found;
  };

  const subscriptionsOf = async (organiserId: string) => {
    const cached = subscriptions.get(organiserId);
    if (cached && performance.now() - cached.at < SUBSCRIPTIONS_CACHE_MS) return cached.list;
    const list = await deps.store.list(organiserId);
    if (subscriptions.size >= CACHE_ENTRIES) subscriptions.clear();
    subscriptions.set(organiserId, { at: performance.now(), list });
    return list;
  };

  return async (change: StreamChange): Promise<void> => {
    const happenings = webhookHappenings(change);
    const [first] = happenings;
    if (!first) return;
    const organiserId = await organiserOf(change, first.eventId);
    if (!organiserId) return;
    const list = await subscriptionsOf(organiserId);
    for (const happening of happenings) {
      for (const subscription of list) {
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
};
