package io.hourmeter.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed for missing Chronicle JVM flags: the flags (the message of
 * {@code build()}), and where a Spring Boot application sets them.
 */
final class MissingJvmFlagsFailureAnalyzer extends AbstractFailureAnalyzer<MissingJvmFlagsException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MissingJvmFlagsException cause) {
    return new FailureAnalysis(cause.getMessage(), "Add the flags to the JVM that runs the application: "
        + "for mvn spring-boot:run, in the spring-boot-maven-plugin's <jvmArguments>; for java -jar, as the "
        + "executable jar's manifest entries 'Add-Exports: java.base/jdk.internal.ref java.base/sun.nio.ch' "
        + "and 'Add-Opens: java.base/java.lang.reflect'; in a container image, in JAVA_TOOL_OPTIONS or the "
        + "java command of the entry point. See the README's 'JVM flags you must add'.", cause);
  }
}
