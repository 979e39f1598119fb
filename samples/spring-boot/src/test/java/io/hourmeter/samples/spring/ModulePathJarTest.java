package io.hourmeter.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Every Hourmeter jar this application links works on the module path: its manifest names an
 * Automatic-Module-Name, and the JDK's module finder takes the jar as that module. Runs after packaging
 * (the reactor hands the modules' jars to the class path then), like the samples' other jar tests.
 */
class ModulePathJarTest {

  private static final Map<String, String> EXPECTED = Map.of(
      "hourmeter-core", "io.hourmeter.core",
      "hourmeter-journal", "io.hourmeter.journal",
      "hourmeter-aws", "io.hourmeter.aws",
      "hourmeter-micrometer", "io.hourmeter.micrometer",
      "hourmeter-spring-boot-starter", "io.hourmeter.spring.boot",
      "hourmeter-local-endpoint", "io.hourmeter.local");

  @Test
  void everyHourmeterJarIsAnAutomaticModuleOfItsName() throws IOException {
    List<Path> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of).filter(p -> p.getFileName().toString().matches("hourmeter-[a-z-]+-\\d.*(?<!-tests)\\.jar"))
        .toList();
    Map<String, String> found = new TreeMap<>();
    for (Path jar : jars) {
      String artifact = jar.getFileName().toString().replaceAll("-\\d.*$", "");
      try (JarFile file = new JarFile(jar.toFile())) {
        String declared = file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
        ModuleDescriptor module = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
        assertThat(module.name()).as(jar.toString()).isEqualTo(declared);
        assertThat(module.isAutomatic()).isTrue();
        found.put(artifact, declared);
      }
    }
    assertThat(found).isEqualTo(new TreeMap<>(EXPECTED));
  }
}
