package io.hourmeter.spi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Measures the usable bytes of the file system that holds a directory. */
@FunctionalInterface
public interface FreeSpaceProbe {

  long usableBytes(Path directory);

  /** The file system's own figure, from {@link java.nio.file.FileStore#getUsableSpace()}. */
  static FreeSpaceProbe fileSystem() {
    return directory -> {
      try {
        return Files.getFileStore(directory).getUsableSpace();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
