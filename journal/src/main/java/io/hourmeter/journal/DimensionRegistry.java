package io.hourmeter.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dimension name to id registry of a journal directory, in the file {@value #FILE}: one line per
 * dimension, {@code id TAB name}, with backslash, tab, CR and LF in names escaped. Lines are only ever
 * appended, each synced before its id is handed out, under the directory's lock, so that every process
 * agrees on every id. A line without its newline (a crash mid-write) is ignored and cut off by the next
 * registration.
 *
 * <p>Thread-safety: safe for any number of threads and processes.
 */
final class DimensionRegistry {
  static final String FILE = "dimensions.txt";

  private final Path file;
  private final DirectoryLock lock;
  private final ConcurrentHashMap<String, Integer> known = new ConcurrentHashMap<>();

  DimensionRegistry(Path directory, DirectoryLock lock) {
    this.file = directory.resolve(FILE);
    this.lock = lock;
    known.putAll(invert(load().entries));
  }

  /** The id of {@code name}, registering it if no process has yet. */
  int idOf(String name) {
    Objects.requireNonNull(name, "dimension");
    Integer id = known.get(name);
    if (id != null) {
      return id;
    }
    return lock.run(() -> {
      Loaded loaded = load();
      known.putAll(invert(loaded.entries));
      Integer raced = known.get(name);
      if (raced != null) {
        return raced;
      }
      int next = loaded.entries.isEmpty() ? 1 : loaded.entries.lastKey() + 1;
      append(loaded.validLength, next + "\t" + escape(name) + "\n");
      known.put(name, next);
      return next;
    });
  }

  /** Every registered dimension, by id, as the file says now. */
  Map<Integer, String> all() {
    Loaded loaded = load();
    known.putAll(invert(loaded.entries));
    return Map.copyOf(loaded.entries);
  }

  private void append(long validLength, String line) throws IOException {
    try (FileChannel channel = OwnerOnly.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE))) {
      channel.truncate(validLength);
      ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      long position = validLength;
      while (bytes.hasRemaining()) {
        position += channel.write(bytes, position);
      }
      channel.force(true);
    }
  }

  private record Loaded(TreeMap<Integer, String> entries, long validLength) { }

  private Loaded load() {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Loaded(new TreeMap<>(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dimension registry " + file, e);
    }
    TreeMap<Integer, String> entries = new TreeMap<>();
    int lineStart = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        String line = new String(content, lineStart, i - lineStart, StandardCharsets.UTF_8);
        int tab = line.indexOf('\t');
        if (tab > 0) {
          entries.put(Integer.parseInt(line.substring(0, tab)), unescape(line.substring(tab + 1)));
        }
        lineStart = i + 1;
      }
    }
    return new Loaded(entries, lineStart);
  }

  private static Map<String, Integer> invert(Map<Integer, String> byId) {
    Map<String, Integer> byName = new TreeMap<>();
    byId.forEach((id, name) -> byName.put(name, id));
    return byName;
  }

  static String escape(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String unescape(String escaped) {
    StringBuilder out = new StringBuilder(escaped.length());
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '\\' && i + 1 < escaped.length()) {
        char next = escaped.charAt(++i);
        out.append(switch (next) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case 'r' -> '\r';
          default -> next;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
