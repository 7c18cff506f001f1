package io.chatsdk.jakarta;

import java.util.Set;

/**
 * The chat API's JAX-RS classes. A Jakarta EE web application exposes the API by listing them in an
 * {@code Application}:
 * <pre>{@code
 * @ApplicationPath("/api/v1")
 * public class ChatApiApplication extends Application {
 *     public Set<Class<?>> getClasses() { return ChatApi.classes(); }
 * }
 * }</pre>
 * and by producing a {@link io.chatsdk.engine.ChatEngine} CDI bean (and optionally a {@link ChatApiSettings}).
 */
public final class ChatApi {
    private ChatApi() {
    }

    public static Set<Class<?>> classes() {
        return Set.of(UsersResource.class, ModerationResource.class, WebhooksResource.class, BeforeSendHookResource.class, PushSettingsResource.class, DevicesResource.class, E2eeResource.class, FilesResource.class, AppSettingsResource.class, ChannelsResource.class, MessagesResource.class, UnreadResource.class, ChannelTypesResource.class, SyncResource.class, SearchResource.class,
                AuthFilter.class, AuditFilter.Chat.class, AuditFilter.Scope.class, ProblemMappers.Engine.class, ProblemMappers.Api.class, ProblemMappers.Web.class, ProblemMappers.Unexpected.class);
    }
}
