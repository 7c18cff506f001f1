package io.chatsdk.appliance;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.Set;
import java.util.stream.Collectors;

/** Deploys the chat endpoint always, and the benchmark's broadcast endpoint only when {@code CHATSDK_BENCH_ENDPOINTS=true}. */
public class WebSocketConfig implements ServerApplicationConfig {
    @Override
    public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> endpointClasses) {
        return Set.of();
    }

    @Override
    public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
        boolean bench = "true".equalsIgnoreCase(System.getenv("CHATSDK_BENCH_ENDPOINTS"));
        return scanned.stream().filter(c -> bench || c != BenchBroadcastSocket.class).collect(Collectors.toSet());
    }
}
