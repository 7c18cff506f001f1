package io.chatsdk.appliance;

import io.chatsdk.jakarta.ChatApi;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Set;

/** The chat API at {@code /api/v1}. */
@ApplicationPath("/api/v1")
public class ChatApiApplication extends Application {
    @Override
    public Set<Class<?>> getClasses() {
        return ChatApi.classes();
    }
}
