import type { components } from './generated/openapi.js';
import type { ServerEventMap } from './generated/events.js';

/** Every schema of the appliance's OpenAPI document, by name. */
export type Schemas = components['schemas'];

export type MessageResponse = Schemas['Message'];
export type ChannelResponse = Schemas['Channel'];
export type MemberResponse = Schemas['Member'];
export type UserResponse = Schemas['User'];
export type OwnUserResponse = Schemas['OwnUser'];
export type ReactionResponse = Schemas['Reaction'];
export type AttachmentResponse = Schemas['Attachment'];
export type Attachment = Schemas['AttachmentInput'];
export type MessageInput = Schemas['MessageInput'];
export type UploadResponse = Schemas['UploadResponse'];
export type ChannelStateResponse = Schemas['ChannelStateResponse'];
export type QueryChannelsResponse = Schemas['QueryChannelsResponse'];
export type UnreadResponse = Schemas['UnreadResponse'];
export type SyncBySeqResponse = Schemas['SyncBySeqResponse'];
export type Problem = Schemas['Problem'];
export type SearchRequest = Schemas['SearchRequest'];
export type SearchResponse = Schemas['SearchResponse'];
export type SmartRepliesResponse = Schemas['SmartRepliesResponse'];
export type CatchUpSummary = Schemas['CatchUpSummary'];
export type DeviceResponse = Schemas['Device'];

/** What the server sends on the WebSocket, by event type. */
export type { ServerEventMap };
export type ServerEvent = ServerEventMap[keyof ServerEventMap];

/** The state of the connection to the server. */
export type ConnectionState = 'disconnected' | 'connecting' | 'online' | 'offline';

/** Events the client itself raises beside the server's. */
export interface ClientEventMap {
  'connection.changed': { type: 'connection.changed'; online: boolean; state: ConnectionState; error?: { code: string; detail: string } };
  'connection.recovered': { type: 'connection.recovered' };
  /** A frame from the server that was not a JSON object with a type: skipped. */
  'transport.malformed_frame': { type: 'transport.malformed_frame'; length: number };
  /** Local state was caught up after a reconnect or a gap. */
  'sync.completed': { type: 'sync.completed'; cids: string[]; reloaded: string[] };
  /** A queued send failed for good (the server refused it); retry or discard it. */
  'message.send_failed': { type: 'message.send_failed'; cid: string; id: string; error: { code: string; detail: string } };
  /** An event the client did not know (a custom event type, for instance). */
  [custom: `custom.${string}`]: { type: string; [key: string]: unknown };
}

export type EventMap = ServerEventMap & ClientEventMap;

/** Where a message is in its journey to the server. */
export type MessageStatus = 'pending' | 'sent' | 'failed';

/**
 * A message as the client holds it: the server's shape, with `status`. A message not yet accepted by the server has
 * `seq` 0 and sorts after every sent one, in the order it was written.
 */
export type LocalMessage = MessageResponse & {
  status: MessageStatus;
  /** Why a send failed (only when `status` is `failed`). */
  error?: { code: string; detail: string };
};

/** A user as the app names it when connecting; only `id` is used by the server (user data is set server side). */
export interface UserInput {
  id: string;
  name?: string;
  image?: string;
  [custom: string]: unknown;
}

/** A token, or a function that fetches a fresh one (called again when the server says the token expired). */
export type TokenOrProvider = string | (() => Promise<string>);

/** A send waiting for the server, kept in the offline store so that it survives a reload. */
export interface PendingSend {
  /** The message's client-generated id: the server keeps one message per id, so a resend never doubles it. */
  id: string;
  cid: string;
  message: MessageInput & { id: string };
  /** When it was written (ms since the epoch), for the optimistic message. */
  createdAt: number;
  /** The order sends go out in: increases with every send of this client, even within one millisecond. */
  order: number;
  /** How many times the server answered with an error worth retrying (an internal error, a conflict). */
  attempts?: number;
  /** `failed` sends wait for the app to retry or discard them. */
  failed?: { code: string; detail: string };
}
