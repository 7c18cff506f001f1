package io.chatsdk.jakarta;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SendContext}: during a send the context providers' service file is not found; everything else is, and the loader comes back. */
class SendContextTest {

    @Test
    void hidesTheContextProvidersDuringTheSendOnlyAndRestoresTheLoader() throws Exception {
        Path dir = Files.createTempDirectory("send-context");
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve("jakarta.enterprise.concurrent.spi.ThreadContextProvider"), "example.Provider\n");
        Files.writeString(services.resolve("example.Other"), "example.OtherImpl\n");
        ClassLoader app = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(app);
        try {
            assertThat(Collections.list(app.getResources(SendContext.CONTEXT_PROVIDERS))).as("the application has a provider").hasSize(1);
            AtomicReference<List<URL>> hidden = new AtomicReference<>();
            AtomicReference<List<URL>> other = new AtomicReference<>();
            AtomicReference<Class<?>> loaded = new AtomicReference<>();
            SendContext.run(() -> {
                try {
                    ClassLoader during = Thread.currentThread().getContextClassLoader();
                    hidden.set(Collections.list(during.getResources(SendContext.CONTEXT_PROVIDERS)));
                    other.set(Collections.list(during.getResources("META-INF/services/example.Other")));
                    loaded.set(during.loadClass(SendContextTest.class.getName()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(hidden.get()).as("no context providers during the send").isEmpty();
            assertThat(other.get()).as("other resources are still found").hasSize(1);
            assertThat(loaded.get()).as("classes load as before").isSameAs(SendContextTest.class);
            assertThat(t.getContextClassLoader()).isSameAs(app);
            assertThatThrownBy(() -> SendContext.run(() -> {
                throw new IllegalStateException("send failed");
            })).hasMessage("send failed");
            assertThat(t.getContextClassLoader()).as("restored after a failure too").isSameAs(app);
            // a send that completes at once runs its completion inside the send: with the application's loader again
            AtomicReference<ClassLoader> inCompletion = new AtomicReference<>();
            SendContext.run(() -> SendContext.restoring(app, () -> inCompletion.set(Thread.currentThread().getContextClassLoader())));
            assertThat(inCompletion.get()).isSameAs(app);
            assertThat(t.getContextClassLoader()).isSameAs(app);
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
