package io.hourmeter.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** hourmeter-bom lists every published module of the build, at the build's version. */
class BomTest {
  /** Modules that are not published: tests, test support (the Kafka broker and its kit), benchmarks, samples. */
  private static final List<String> UNPUBLISHED = List.of("integration-tests", "benchmarks", "samples",
      "samples/spring-boot", "bom", "kafka-broker", "kafka-testkit");

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  private static String artifactIdOf(Path pom) throws IOException {
    String text = Files.readString(pom).replaceAll("(?s)<parent>.*?</parent>", "");
    return all(Pattern.compile("<artifactId>([^<]+)</artifactId>"), text).get(0);
  }

  @Test
  void theBomManagesEveryPublishedModuleAtTheBuildsVersion() throws IOException {
    String root = Files.readString(ROOT.resolve("pom.xml"));
    String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
    TreeSet<String> published = new TreeSet<>();
    for (String module : all(Pattern.compile("<module>([^<]+)</module>"), root)) {
      if (!UNPUBLISHED.contains(module)) {
        published.add(artifactIdOf(ROOT.resolve(module).resolve("pom.xml")));
      }
    }
    String managed = bom.substring(bom.indexOf("<dependencyManagement>"));
    assertThat(new TreeSet<>(all(Pattern.compile("<artifactId>([^<]+)</artifactId>"), managed)))
        .isEqualTo(published);
    String rootVersion = all(Pattern.compile("<version>([^<]+)</version>"), root).get(0);
    assertThat(all(Pattern.compile("<version>([^<]+)</version>"), bom).get(0)).isEqualTo(rootVersion);
  }
}
