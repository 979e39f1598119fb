package io.hourmeter.journal;

/**
 * Where each live key of the ledger has its latest record: segment number, file offset and record
 * size. It is an open-addressing hash table (linear probing, deletion by backward shift) whose slots
 * are two longs each in one array, {@code hash << 32 | segment} and {@code offset << 30 | size}, beside
 * an array of the key strings. A million keys so cost no object beyond the key string itself (20 bytes
 * a slot, about 33 a key at the table's load, against some 80 for a {@code HashMap} with boxed
 * values), a probe reads one cache line of longs and touches a key string only when the hashes match,
 * and the writer never holds the values, which stay on disk. An empty slot has size 0 (a record has at
 * least 8 bytes).
 *
 * <p>Thread-safety: none; the ledger's writer guards it.
 */
final class LedgerIndex {
  private static final double MAX_LOAD = 0.6;
  /** Bits of a file offset in a packed location (segments are far below a terabyte). */
  private static final int OFFSET_BITS = 40;
  /** Bits of a record's size in a slot's second long; records are under the frame limit of 1 GiB. */
  private static final int SIZE_BITS = 30;
  private static final long SIZE_MASK = (1L << SIZE_BITS) - 1;

  private String[] keys;
  private long[] slots;
  private int shift;
  private int size;

  LedgerIndex() {
    allocate(10);
  }

  private void allocate(int bits) {
    keys = new String[1 << bits];
    slots = new long[2 << bits];
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
      long first = slots[2 * slot];
      if ((slots[2 * slot + 1] & SIZE_MASK) == 0) {
        return -1;
      }
      if ((int) (first >>> 32) == hash && keys[slot].equals(key)) {
        return slot;
      }
    }
  }

  String keyAt(int slot) {
    return keys[slot];
  }

  int segmentAt(int slot) {
    return (int) slots[2 * slot];
  }

  long offsetAt(int slot) {
    return slots[2 * slot + 1] >>> SIZE_BITS;
  }

  int sizeAt(int slot) {
    return (int) (slots[2 * slot + 1] & SIZE_MASK);
  }

  /** Points an existing slot at a newer record. */
  void set(int slot, int segment, long offset, int recordSize) {
    slots[2 * slot] = (slots[2 * slot] & 0xFFFF_FFFF_0000_0000L) | (segment & 0xFFFF_FFFFL);
    slots[2 * slot + 1] = offset << SIZE_BITS | recordSize;
  }

  /** Adds a key that has no slot. */
  void insert(String key, int segment, long offset, int recordSize) {
    if (recordSize <= 0 || recordSize > SIZE_MASK || offset < 0 || offset >= 1L << (64 - SIZE_BITS)) {
      throw new IllegalArgumentException("record of " + recordSize + " bytes at " + offset);
    }
    if (size + 1 > MAX_LOAD * keys.length) {
      grow();
    }
    int hash = mix(key);
    int slot = emptySlotFrom(hash >>> shift);
    keys[slot] = key;
    slots[2 * slot] = (long) hash << 32 | (segment & 0xFFFF_FFFFL);
    slots[2 * slot + 1] = offset << SIZE_BITS | recordSize;
    size++;
  }

  private int emptySlotFrom(int slot) {
    int mask = keys.length - 1;
    int at = slot;
    while ((slots[2 * at + 1] & SIZE_MASK) != 0) {
      at = (at + 1) & mask;
    }
    return at;
  }

  /** Removes the key in {@code slot}, shifting back the keys after it that probed past it. */
  void removeAt(int slot) {
    int mask = keys.length - 1;
    int hole = slot;
    for (int next = (hole + 1) & mask; (slots[2 * next + 1] & SIZE_MASK) != 0; next = (next + 1) & mask) {
      int home = (int) (slots[2 * next] >>> 32) >>> shift;
      boolean staysPut = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (!staysPut) {
        keys[hole] = keys[next];
        slots[2 * hole] = slots[2 * next];
        slots[2 * hole + 1] = slots[2 * next + 1];
        hole = next;
      }
    }
    keys[hole] = null;
    slots[2 * hole] = 0;
    slots[2 * hole + 1] = 0;
    size--;
  }

  private void grow() {
    String[] oldKeys = keys;
    long[] oldSlots = slots;
    allocate(33 - shift);
    for (int i = 0; i < oldKeys.length; i++) {
      if ((oldSlots[2 * i + 1] & SIZE_MASK) != 0) {
        int slot = emptySlotFrom((int) (oldSlots[2 * i] >>> 32) >>> shift);
        keys[slot] = oldKeys[i];
        slots[2 * slot] = oldSlots[2 * i];
        slots[2 * slot + 1] = oldSlots[2 * i + 1];
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
      if (sizeAt(slot) != 0) {
        locations[n++] = (long) segmentAt(slot) << OFFSET_BITS | offsetAt(slot);
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
