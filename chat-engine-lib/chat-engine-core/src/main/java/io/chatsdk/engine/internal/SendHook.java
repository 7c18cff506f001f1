package io.chatsdk.engine.internal;

import io.chatsdk.engine.types.AppId;

/**
 * The before-send hook as the send path sees it: {@code messaging.BeforeSendHook} implements it, and the engine
 * context carries it, so that the plumbing does not depend on the messaging feature.
 */
public interface SendHook {
    /** Whether the app has a hook. */
    boolean configured(AppId app);

    /** Runs the app's hook on a user's message, if the app has one; returns the content to store. */
    MessageContent apply(AppId app, String cid, String userId, String messageId, MessageContent content);
}
