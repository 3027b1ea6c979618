export { notificationService, type NotificationServiceOptions } from './notification-service.js';
export { LogNotifier, type Notifier } from './notifier.js';
export { HttpWebhookNotifier, WEBHOOK_TIMEOUT_MS, type HttpWebhookNotifierOptions } from './webhook-notifier.js';
export { PgDeliveryLog, MemoryDeliveryLog, MEMORY_DELIVERY_LOG_CAPACITY, DELIVERED_TABLE, type DeliveryLog } from './delivery-log.js';
export {
  loadNotificationSettings,
  readNotificationSettings,
  NOTIFICATION_ENV,
  NOTIFIER_KINDS,
  type NotificationSettings,
  type NotifierKind,
} from './notification-config.js';
