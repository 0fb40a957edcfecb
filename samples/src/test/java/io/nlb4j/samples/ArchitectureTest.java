package io.nlb4j.samples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package rules of ARCHITECTURE.md, checked on the compiled classes of every module (this module
 * depends on all of them): dependencies point one way, the model depends on nothing of nlb4j's, the per-connection
 * path never reaches into the runtime, and implementation packages stay hidden.
 */
class ArchitectureTest {

    private static JavaClasses nlb4j;

    @BeforeAll
    static void importClasses() {
        nlb4j = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.nlb4j");
    }

    @Test
    void modulesDependOneWaySamplesBalancerHealthcheckCore() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("core").definedBy("io.nlb4j.model..", "io.nlb4j.config..", "io.nlb4j.control..",
                        "io.nlb4j.membership..", "io.nlb4j.group..", "io.nlb4j.cluster..")
                .layer("healthcheck").definedBy("io.nlb4j.healthcheck..")
                .layer("balancer").definedBy("io.nlb4j.balancer..")
                .layer("samples").definedBy("io.nlb4j.samples..")
                .whereLayer("samples").mayNotBeAccessedByAnyLayer()
                .whereLayer("balancer").mayOnlyBeAccessedByLayers("samples")
                .whereLayer("healthcheck").mayOnlyBeAccessedByLayers("balancer", "samples");
        rule.check(nlb4j);
    }

    @Test
    void theModelDependsOnNoOtherNlb4jPackage() {
        noClasses().that().resideInAPackage("io.nlb4j.model..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.nlb4j..")
                        .and(JavaClass.Predicates.resideOutsideOfPackage("io.nlb4j.model..")))
                .check(nlb4j);
    }

    @Test
    void theModelUsesOnlyTheJdk() {
        classes().that().resideInAPackage("io.nlb4j.model..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.nlb4j.model..", "java..")
                .check(nlb4j);
    }

    @Test
    void theForwardingPathNeverImportsTheRuntimeNorReactor() {
        noClasses().that().resideInAPackage("io.nlb4j.balancer.internal.forwarding..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nlb4j.balancer.internal.runtime..",
                        "reactor..", "io.nlb4j.control..", "io.nlb4j.group..", "io.nlb4j.healthcheck..")
                .check(nlb4j);
    }

    @Test
    void nothingOutsideAModuleReachesItsInternalPackages() {
        noClasses().that().resideOutsideOfPackage("io.nlb4j.balancer..")
                .should().dependOnClassesThat().resideInAPackage("io.nlb4j.balancer.internal..")
                .check(nlb4j);
    }

    @Test
    void internalPackagesHaveNoPublicClass() {
        classes().that().resideInAPackage("..internal..").and().areNotInterfaces()
                .and().areTopLevelClasses()
                .should().notBePublic()
                .check(nlb4j);
    }

    @Test
    void noTypeIsNamedLikeReactorsSchedulers() {
        noClasses().that().resideInAPackage("io.nlb4j..")
                .should().haveSimpleName("Scheduler").orShould().haveSimpleName("Schedulers")
                .check(nlb4j);
    }
}
