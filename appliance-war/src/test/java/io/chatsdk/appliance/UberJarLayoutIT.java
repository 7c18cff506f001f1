package io.chatsdk.appliance;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executable jar's layout that its start time depends on (docs/performance.md "Startup"): Payara reads every class
 * of the deployed WAR's {@code WEB-INF/lib}, and every class those name, at each start. Only the jars the container must
 * discover stay there; the engine core, the connectors and the third-party libraries go to {@code MICRO-INF/lib}.
 */
class UberJarLayoutIT {

    @Test
    void theDeployedWarHoldsOnlyTheJarsTheContainerMustScan() throws Exception {
        Path jar = Path.of(System.getProperty("appliance.jar"));
        assertThat(jar).isRegularFile();
        List<String> microLib = new ArrayList<>();
        List<String> warLib = new ArrayList<>();
        try (JarFile uber = new JarFile(jar.toFile())) {
            uber.stream().map(ZipEntry::getName).filter(n -> n.startsWith("MICRO-INF/lib/") && n.endsWith(".jar"))
                    .forEach(n -> microLib.add(n.substring("MICRO-INF/lib/".length())));
            ZipEntry war = uber.getEntry("MICRO-INF/deploy/ROOT.war");
            assertThat(war).as("the deployed WAR").isNotNull();
            try (InputStream in = uber.getInputStream(war); ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (e.getName().startsWith("WEB-INF/lib/") && e.getName().endsWith(".jar")) {
                        warLib.add(e.getName().substring("WEB-INF/lib/".length()));
                    }
                }
            }
        }
        assertThat(warLib).hasSize(2).anyMatch(n -> n.startsWith("chat-engine-jakarta-"))
                .anyMatch(n -> n.startsWith("chatsdk-admin-console-"));
        assertThat(microLib).anyMatch(n -> n.startsWith("chat-engine-core-"))
                .anyMatch(n -> n.startsWith("chatsdk-connector-artemis-"))
                .anyMatch(n -> n.startsWith("postgresql-"))
                .noneMatch(n -> n.startsWith("chat-engine-jakarta-") || n.startsWith("chatsdk-admin-console-"));
    }
}
