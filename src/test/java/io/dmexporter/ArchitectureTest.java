package io.dmexporter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package flow of the house style, enforced on the product's classes: DM wire → {@code dm}
 * (client and mapper) → {@code model} → {@code status} → {@code poll} → readers ({@code metrics},
 * {@code web}); {@code sim} serves the same wire; {@code cli} and {@link Exporter} wire it together.
 */
class ArchitectureTest {
  private static JavaClasses product;

  @BeforeAll
  static void importProduct() {
    product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.dmexporter");
  }

  @Test
  void generatedWireClassesStayInDmAndSim() {
    noClasses().that().resideOutsideOfPackages("io.dmexporter.dm..", "io.dmexporter.sim..")
        .should().dependOnClassesThat().resideInAPackage("io.dmexporter.dm.pb..")
        .check(product);
  }

  @Test
  void grpcStaysInDmAndSim() {
    noClasses().that().resideOutsideOfPackages("io.dmexporter.dm..", "io.dmexporter.sim..")
        .should().dependOnClassesThat().resideInAPackage("io.grpc..")
        .check(product);
  }

  @Test
  void modelDependsOnNothing() {
    classes().that().resideInAPackage("io.dmexporter.model..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("io.dmexporter.model..", "java..")
        .check(product);
  }

  @Test
  void statusDependsOnModelOnly() {
    classes().that().resideInAPackage("io.dmexporter.status..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("io.dmexporter.status..", "io.dmexporter.model..", "java..")
        .check(product);
  }

  @Test
  void dmKnowsNothingDownstream() {
    noClasses().that().resideInAPackage("io.dmexporter.dm..")
        .should().dependOnClassesThat().resideInAnyPackage("io.dmexporter.poll..", "io.dmexporter.metrics..",
            "io.dmexporter.web..", "io.dmexporter.sim..", "io.dmexporter.cli..")
        .check(product);
  }

  @Test
  void pollerNeverTouchesPrometheusHttpOrTheWire() {
    noClasses().that().resideInAPackage("io.dmexporter.poll..")
        .should().dependOnClassesThat().resideInAnyPackage("io.dmexporter.metrics..", "io.dmexporter.web..",
            "io.dmexporter.sim..", "io.dmexporter.cli..", "io.prometheus..", "org.eclipse.jetty..")
        .check(product);
  }

  @Test
  void readersSeeOnlyTheDomainSnapshot() {
    noClasses().that().resideInAnyPackage("io.dmexporter.metrics..", "io.dmexporter.web..")
        .should().dependOnClassesThat().resideInAnyPackage("io.dmexporter.dm..", "io.dmexporter.poll..",
            "io.dmexporter.sim..", "io.dmexporter.cli..")
        .check(product);
  }

  @Test
  void simulatorIsTheServerSideOnly() {
    noClasses().that().resideInAPackage("io.dmexporter.sim..")
        .should().dependOnClassesThat().resideInAnyPackage("io.dmexporter.poll..", "io.dmexporter.metrics..",
            "io.dmexporter.web..", "io.dmexporter.cli..", "io.dmexporter.status..")
        .check(product);
  }

  @Test
  void configStandsAlone() {
    noClasses().that().resideInAPackage("io.dmexporter.config..")
        .should().dependOnClassesThat().resideInAnyPackage("io.dmexporter.dm..", "io.dmexporter.model..",
            "io.dmexporter.status..", "io.dmexporter.poll..", "io.dmexporter.metrics..", "io.dmexporter.web..",
            "io.dmexporter.sim..", "io.dmexporter.cli..")
        .check(product);
  }
}
