package io.hourmeter.internal.drain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Derives AgentCore ClientTokens: {@code hm1-} and the base32 of a SHA-256 over the journal's random
 * id, the journal range, the dimension and the report id; 56 characters, inside MeterUsage's 64. The
 * journal id makes tokens unique per installation, the range and report id unique per submission.
 * Stateless and thread-safe.
 */
public final class ClientTokens {
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private ClientTokens() { }

  public static String derive(String journalId, long rangeStart, long rangeEnd, String dimension, long reportId) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
    String input = journalId + '\n' + rangeStart + '\n' + rangeEnd + '\n' + dimension + '\n' + reportId;
    return "hm1-" + base32(sha.digest(input.getBytes(StandardCharsets.UTF_8)));
  }

  private static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }
}
