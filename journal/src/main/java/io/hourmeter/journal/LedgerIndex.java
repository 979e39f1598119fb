package io.hourmeter.journal;

import java.util.Arrays;

/**
 * Where each live key of the ledger has its latest record: segment number, file offset and record
 * size. It is an open-addressing hash table (linear probing, deletion by backward shift) over parallel
 * arrays, so that a million keys cost no object beyond the key string itself (24 bytes a slot, some 40
 * a key at the table's load, against some 80 for a {@code HashMap} with boxed values), and the writer
 * never holds the values, which stay on disk. Each slot keeps its key's hash, so that a probe compares
 * ints and touches a key string only when the hashes match.
 *
 * <p>Thread-safety: none; the ledger's writer guards it.
 */
final class LedgerIndex {
  private static final double MAX_LOAD = 0.6;
  /** Bits of a file offset in a packed location (segments are far below a terabyte). */
  private static final int OFFSET_BITS = 40;

  private String[] keys;
  /** Each slot's key's mixed hash, compared before the key itself is touched. */
  private int[] hashes;
  private int[] segments;
  private long[] offsets;
  private int[] sizes;
  private int shift;
  private int size;

  LedgerIndex() {
    allocate(10);
  }

  private void allocate(int bits) {
    int capacity = 1 << bits;
    keys = new String[capacity];
    hashes = new int[capacity];
    segments = new int[capacity];
    offsets = new long[capacity];
    sizes = new int[capacity];
    shift = 32 - bits;
  }

  int size() {
    return size;
  }

  /** The slot of {@code key}, or -1 if it has none. */
  int find(String key) {
    int hash = mix(key);
    int mask = keys.length - 1;
    for (int slot = hash >>> shift; ; slot = (slot + 1) & mask) {
      String there = keys[slot];
      if (there == null) {
        return -1;
      }
      if (hashes[slot] == hash && there.equals(key)) {
        return slot;
      }
    }
  }

  String keyAt(int slot) {
    return keys[slot];
  }

  int segmentAt(int slot) {
    return segments[slot];
  }

  long offsetAt(int slot) {
    return offsets[slot];
  }

  int sizeAt(int slot) {
    return sizes[slot];
  }

  /** Points an existing slot at a newer record. */
  void set(int slot, int segment, long offset, int recordSize) {
    segments[slot] = segment;
    offsets[slot] = offset;
    sizes[slot] = recordSize;
  }

  /** Adds a key that has no slot. */
  void insert(String key, int segment, long offset, int recordSize) {
    if (size + 1 > MAX_LOAD * keys.length) {
      grow();
    }
    int hash = mix(key);
    int mask = keys.length - 1;
    int slot = hash >>> shift;
    while (keys[slot] != null) {
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    hashes[slot] = hash;
    set(slot, segment, offset, recordSize);
    size++;
  }

  /** Removes the key in {@code slot}, shifting back the keys after it that probed past it. */
  void removeAt(int slot) {
    int mask = keys.length - 1;
    int hole = slot;
    for (int next = (hole + 1) & mask; keys[next] != null; next = (next + 1) & mask) {
      int home = hashes[next] >>> shift;
      boolean staysPut = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (!staysPut) {
        keys[hole] = keys[next];
        hashes[hole] = hashes[next];
        set(hole, segments[next], offsets[next], sizes[next]);
        hole = next;
      }
    }
    keys[hole] = null;
    size--;
  }

  private void grow() {
    String[] oldKeys = keys;
    int[] oldHashes = hashes;
    int[] oldSegments = segments;
    long[] oldOffsets = offsets;
    int[] oldSizes = sizes;
    allocate(33 - shift);
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        int slot = oldHashes[i] >>> shift;
        while (keys[slot] != null) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        hashes[slot] = oldHashes[i];
        set(slot, oldSegments[i], oldOffsets[i], oldSizes[i]);
      }
    }
  }

  /**
   * A key's hash code through MurmurHash3's finalizer; its top bits are the slot its probe starts at.
   * Report keys differ in a few digits, whose string hash codes form a lattice that a bare
   * multiplicative hash maps into long runs of neighbouring slots, which linear probing cannot afford.
   */
  private static int mix(String key) {
    int h = key.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /** Every live key's record as {@code segment << 40 | offset}, in no order. */
  long[] locations() {
    long[] locations = new long[size];
    int n = 0;
    for (int slot = 0; slot < keys.length; slot++) {
      if (keys[slot] != null) {
        locations[n++] = (long) segments[slot] << OFFSET_BITS | offsets[slot];
      }
    }
    return locations;
  }

  static int segmentOf(long location) {
    return (int) (location >>> OFFSET_BITS);
  }

  static long offsetOf(long location) {
    return location & ((1L << OFFSET_BITS) - 1);
  }
}
