package io.hourmeter.it.drain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link DrainChild} logged: units whose {@code record()} returned true (recorded), units whose
 * call was cut short by a kill (ambiguous: in the journal or not), and whether it last held the
 * drainer role. Immutable.
 */
record ChildLog(Map<String, Long> recorded, Map<String, Long> ambiguous, boolean lastSaidDrainer,
    boolean everDrainer) {

  static ChildLog read(Path log) throws IOException {
    if (!Files.exists(log)) {
      return new ChildLog(Map.of(), Map.of(), false, false);
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.US_ASCII);
    Map<Long, String[]> begun = new HashMap<>();
    Map<String, Long> recorded = new HashMap<>();
    boolean drainer = false;
    boolean ever = false;
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).split(" ");
      boolean last = i == lines.size() - 1;
      if (f[0].equals("B") && f.length == 4) {
        begun.put(Long.parseLong(f[1]), f);
      } else if (f[0].equals("A") && f.length == 3) {
        String[] b = begun.remove(Long.parseLong(f[1]));
        if (Boolean.parseBoolean(f[2])) {
          recorded.merge(b[2], Long.parseLong(b[3]), Long::sum);
        }
      } else if (f[0].equals("D") && f.length == 2) {
        drainer = Boolean.parseBoolean(f[1]);
        ever |= drainer;
      } else if (!last) {
        throw new IllegalStateException("malformed line " + (i + 1) + " of " + log + ": " + lines.get(i));
      }
    }
    Map<String, Long> ambiguous = new HashMap<>();
    begun.values().forEach(b -> ambiguous.merge(b[2], Long.parseLong(b[3]), Long::sum));
    return new ChildLog(recorded, ambiguous, drainer, ever);
  }
}
