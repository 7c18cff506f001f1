package io.chatsdk.appliance;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Which packages may use which, over every module the appliance is built from (docs/architecture.md, "The engine's
 * packages"). The engine is cut by feature, in layers that only look down:
 * <ol>
 *   <li>the facade, {@code io.chatsdk.engine} itself: {@code ChatEngine}, {@code AppHandle}, {@code Maintenance};</li>
 *   <li>the features: {@code apps}, {@code users}, {@code channels}, {@code messaging}, {@code moderation},
 *       {@code compliance}, {@code delivery}, {@code files}, with no cycle among them;</li>
 *   <li>the plumbing: {@code internal} and {@code persistence}, which are not API, and {@code audit};</li>
 *   <li>the contract: {@code model}, {@code spi}, {@code wire}, {@code event}, {@code blocklist}, {@code redact},
 *       {@code export};</li>
 *   <li>the basic types, {@code types}, a leaf.</li>
 * </ol>
 * Everything but {@code internal} and {@code persistence} is API. The engine depends on no container, broker or vendor
 * SDK.
 */
class BoundariesTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        // test jars on the classpath (the engine's, for its test keys) are tests too
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages("io.chatsdk");
        // the rules below would pass vacuously over modules that were not imported
        for (String p : new String[] {"io.chatsdk.engine", "io.chatsdk.engine.internal", "io.chatsdk.engine.persistence", "io.chatsdk.engine.types",
                "io.chatsdk.engine.messaging", "io.chatsdk.engine.delivery", "io.chatsdk.engine.event", "io.chatsdk.jakarta", "io.chatsdk.connectors.artemis",
                "io.chatsdk.connectors.hazelcast", "io.chatsdk.connectors.http", "io.chatsdk.connectors.fcm", "io.chatsdk.connectors.s3", "io.chatsdk.appliance"}) {
            org.assertj.core.api.Assertions.assertThat(classes.containPackage(p)).as(p).isTrue();
        }
    }

    static final String[] FEATURES = {"io.chatsdk.engine.apps..", "io.chatsdk.engine.users..", "io.chatsdk.engine.channels..",
            "io.chatsdk.engine.messaging..", "io.chatsdk.engine.moderation..", "io.chatsdk.engine.compliance..", "io.chatsdk.engine.delivery..", "io.chatsdk.engine.files..", "io.chatsdk.engine.search..",
            "io.chatsdk.engine.ai..", "io.chatsdk.engine.officers..", "io.chatsdk.engine.e2ee.."};
    static final String[] CONTRACT = {"io.chatsdk.engine.model..", "io.chatsdk.engine.spi..", "io.chatsdk.engine.wire..", "io.chatsdk.engine.event..",
            "io.chatsdk.engine.blocklist..", "io.chatsdk.engine.redact..", "io.chatsdk.engine.export.."};

    @Test
    void onlyTheEngineUsesItsInternals() {
        noClasses().that().resideOutsideOfPackage("io.chatsdk.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("io.chatsdk.engine.internal..", "io.chatsdk.engine.persistence..")
                .because("internal and persistence are not API; the Jakarta layer, the connectors and the appliance use the public API")
                .check(classes);
    }

    @Test
    void theEngineIsLayeredByFeature() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("io.chatsdk..")
                .layer("Facade").definedBy("io.chatsdk.engine")
                .layer("Features").definedBy(FEATURES)
                .layer("Plumbing").definedBy("io.chatsdk.engine.internal..", "io.chatsdk.engine.persistence..")
                .layer("Audit").definedBy("io.chatsdk.engine.audit..")
                .layer("Contract").definedBy(CONTRACT)
                .layer("Types").definedBy("io.chatsdk.engine.types..")
                .layer("Adapters").definedBy("io.chatsdk.jakarta..", "io.chatsdk.connectors..", "io.chatsdk.appliance..", "io.chatsdk.console..")
                .whereLayer("Adapters").mayNotBeAccessedByAnyLayer()
                .whereLayer("Facade").mayOnlyBeAccessedByLayers("Adapters")
                .whereLayer("Features").mayOnlyBeAccessedByLayers("Facade", "Adapters")
                .whereLayer("Plumbing").mayOnlyBeAccessedByLayers("Facade", "Features", "Audit")
                .whereLayer("Audit").mayOnlyBeAccessedByLayers("Facade", "Features", "Plumbing", "Adapters")
                .whereLayer("Contract").mayOnlyBeAccessedByLayers("Facade", "Features", "Plumbing", "Audit", "Contract", "Adapters")
                .check(classes);
    }

    @Test
    void theBasicTypesAreALeaf() {
        noClasses().that().resideInAPackage("io.chatsdk.engine.types..")
                .should().dependOnClassesThat(resideInAPackage("io.chatsdk..").and(not(resideInAPackage("io.chatsdk.engine.types.."))))
                .check(classes);
    }

    @Test
    void theFeaturesHaveNoCycles() {
        slices().matching("io.chatsdk.engine.(*)..").should().beFreeOfCycles()
                .check(classes.that(resideInAnyPackage(FEATURES)));
    }

    @Test
    void theEngineDependsOnNoContainerBrokerOrVendorSdk() {
        noClasses().that().resideInAPackage("io.chatsdk.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("io.chatsdk.jakarta..", "io.chatsdk.connectors..", "io.chatsdk.appliance..",
                        "jakarta.ws..", "jakarta.websocket..", "jakarta.servlet..", "jakarta.enterprise..", "com.hazelcast..",
                        "org.apache.activemq..", "com.google.firebase..", "fish.payara..", "software.amazon..")
                .check(classes);
    }

    @Test
    void theContractPackagesStayFreeOfTheServices() {
        noClasses().that().resideInAnyPackage("io.chatsdk.engine.model..", "io.chatsdk.engine.spi..", "io.chatsdk.engine.wire..")
                .should().dependOnClassesThat().resideInAnyPackage("io.chatsdk.engine.event..", "io.chatsdk.engine.audit..",
                        "io.chatsdk.engine.export..", "io.chatsdk.engine.blocklist..", "io.chatsdk.engine.redact..")
                .check(classes);
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        for (String adapter : new String[] {"artemis", "hazelcast", "http", "fcm", "s3"}) {
            noClasses().that().resideInAPackage("io.chatsdk.connectors." + adapter + "..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.chatsdk.jakarta..", "io.chatsdk.appliance..")
                    .check(classes);
        }
    }
}
