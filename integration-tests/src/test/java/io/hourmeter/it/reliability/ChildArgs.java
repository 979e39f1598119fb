package io.hourmeter.it.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code key=value} arguments for {@link RecorderMain}, built by the test and parsed by the child. */
final class ChildArgs {
  private ChildArgs() { }

  static String[] toArray(Map<String, String> args) {
    List<String> out = new ArrayList<>();
    args.forEach((k, v) -> out.add(k + "=" + v));
    return out.toArray(String[]::new);
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("expected key=value but got " + arg);
      }
      out.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return out;
  }
}
