export { SlackListener } from './slack-listener.js';
export { SlackDeliveryError } from './slack-delivery-error.js';
export { escapeMrkdwn } from './escape-mrkdwn.js';
export type {
  SlackListenerOptions,
  SlackTokenOptions,
  SlackWebhookOptions,
  SlackCommonOptions,
  SlackErrorHandler,
} from './slack-listener-options.js';
export type { SlackDeliveryFailure, SlackDeliveryErrorInit } from './slack-delivery-error.js';
export type { SlackMessage, SlackAttachment, SlackAttachmentField } from './slack-message.js';
export type {
  SlackTemplate,
  SlackTemplates,
  SlackTemplateContext,
  SlackTransitionKey,
} from './slack-template.js';
export type { SlackFetch, SlackRequest, SlackResponse } from './slack-fetch.js';
