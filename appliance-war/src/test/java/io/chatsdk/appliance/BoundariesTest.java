package io.chatsdk.appliance;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Which packages may use which, over every module the appliance is built from. The engine's {@code internal} package
 * is not API: only the engine itself may use it. The engine depends on no container, broker or vendor SDK, and its
 * public contract packages ({@code model}, {@code spi}, {@code event}, {@code wire}) never reach into the adapters.
 */
class BoundariesTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.chatsdk");
        // the rules below would pass vacuously over modules that were not imported
        for (String p : new String[] {"io.chatsdk.engine.internal", "io.chatsdk.engine.event", "io.chatsdk.jakarta", "io.chatsdk.connectors.artemis",
                "io.chatsdk.connectors.hazelcast", "io.chatsdk.connectors.http", "io.chatsdk.connectors.fcm", "io.chatsdk.appliance"}) {
            org.assertj.core.api.Assertions.assertThat(classes.containPackage(p)).as(p).isTrue();
        }
    }

    @Test
    void onlyTheEngineUsesItsInternals() {
        noClasses().that().resideOutsideOfPackage("io.chatsdk.engine..")
                .should().dependOnClassesThat().resideInAPackage("io.chatsdk.engine.internal..")
                .because("io.chatsdk.engine.internal is not API; the Jakarta layer, the connectors and the appliance use the public API")
                .check(classes);
    }

    @Test
    void theEngineDependsOnNoContainerBrokerOrVendorSdk() {
        noClasses().that().resideInAPackage("io.chatsdk.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("io.chatsdk.jakarta..", "io.chatsdk.connectors..", "io.chatsdk.appliance..",
                        "jakarta.ws..", "jakarta.websocket..", "jakarta.servlet..", "jakarta.enterprise..", "com.hazelcast..",
                        "org.apache.activemq..", "com.google.firebase..", "fish.payara..")
                .check(classes);
    }

    @Test
    void theContractPackagesStayFreeOfTheServices() {
        noClasses().that().resideInAnyPackage("io.chatsdk.engine.model..", "io.chatsdk.engine.spi..", "io.chatsdk.engine.wire..")
                .should().dependOnClassesThat().resideInAnyPackage("io.chatsdk.engine.event..", "io.chatsdk.engine.audit..",
                        "io.chatsdk.engine.export..", "io.chatsdk.engine.moderation..", "io.chatsdk.engine.redact..")
                .check(classes);
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        for (String adapter : new String[] {"artemis", "hazelcast", "http", "fcm"}) {
            noClasses().that().resideInAPackage("io.chatsdk.connectors." + adapter + "..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.chatsdk.jakarta..", "io.chatsdk.appliance..")
                    .check(classes);
        }
    }
}
