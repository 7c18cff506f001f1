package io.chatsdk.appliance;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which settings make the appliance one node that keeps its events in its JVM, and deliver its messages early. */
class ApplianceConfigTest {

    static ApplianceConfig with(Map<String, String> values) {
        ApplianceConfig c = new ApplianceConfig();
        c.config = new MapConfig(values);
        return c;
    }

    @Test
    void nothingSetIsOneNodeWithEarlyDelivery() {
        ApplianceConfig c = with(Map.of());
        assertThat(c.singleNode()).isTrue();
        assertThat(c.localDelivery()).isTrue();
    }

    @Test
    void aClusterAnExternalBrokerOrAnAcceptorForOtherNodesIsNotOneNode() {
        for (Map<String, String> cluster : java.util.List.of(
                Map.of("chatsdk.cluster.members", "10.0.0.5:5710,10.0.0.6:5710"),
                Map.of("chatsdk.artemis.url", "tcp://broker:61616"),
                Map.of("chatsdk.artemis.acceptor", "tcp://10.0.0.5:61616"))) {
            ApplianceConfig c = with(cluster);
            assertThat(c.singleNode()).as(cluster.toString()).isFalse();
            assertThat(c.localDelivery()).as(cluster.toString()).isFalse();
        }
    }

    @Test
    void blankValuesCountAsUnset() {
        ApplianceConfig c = with(Map.of("chatsdk.cluster.members", " ", "chatsdk.artemis.url", "", "chatsdk.artemis.acceptor", "  "));
        assertThat(c.singleNode()).isTrue();
    }

    @Test
    void earlyDeliverySwitchedOnInAClusterLeavesTheEventsOnTheBroker() {
        ApplianceConfig c = with(Map.of("chatsdk.local-delivery", "true", "chatsdk.cluster.members", "10.0.0.5:5710"));
        assertThat(c.localDelivery()).isTrue();
        assertThat(c.singleNode()).isFalse();
    }

    @Test
    void earlyDeliveryCanBeSwitchedOffOnOneNodeWhichStaysOneNode() {
        ApplianceConfig c = with(Map.of("chatsdk.local-delivery", "false"));
        assertThat(c.localDelivery()).isFalse();
        assertThat(c.singleNode()).isTrue();
    }

    /** A MicroProfile Config over a map, as Payara's would read the environment. */
    record MapConfig(Map<String, String> values) implements Config {
        @Override
        public <T> T getValue(String name, Class<T> type) {
            return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
        }

        @Override
        public ConfigValue getConfigValue(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
            String v = values.get(name);
            if (v == null) {
                return Optional.empty();
            }
            if (type == String.class) {
                return Optional.of(type.cast(v));
            }
            if (type == Long.class) {
                return Optional.of(type.cast(Long.valueOf(v.strip())));
            }
            if (type == Integer.class) {
                return Optional.of(type.cast(Integer.valueOf(v.strip())));
            }
            if (type == Boolean.class) {
                return Optional.of(type.cast(Boolean.valueOf(v.strip())));
            }
            throw new UnsupportedOperationException(type.getName());
        }

        @Override
        public Iterable<String> getPropertyNames() {
            return values.keySet();
        }

        @Override
        public Iterable<ConfigSource> getConfigSources() {
            return java.util.List.of();
        }

        @Override
        public <T> Optional<Converter<T>> getConverter(Class<T> forType) {
            return Optional.empty();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }
    }
}
