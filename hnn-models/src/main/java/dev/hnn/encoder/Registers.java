package dev.hnn.encoder;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.refresh.Refresher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The live ciphertexts between two steps of the encrypted encoder, by name (a token matrix, the score diagonals,
 * a LayerNorm's variance...). A refresh point refreshes all of them in one round trip. Owns its ciphertexts:
 * {@link #put} replaces (and closes) an older value of the same name, {@link #drop} closes, {@link #close} closes all.
 */
final class Registers implements AutoCloseable {
  private final Map<String, Ciphertext[]> values = new LinkedHashMap<>();

  /** Stores {@code cts} under {@code name}, taking ownership. */
  void put(String name, Ciphertext... cts) {
    Ciphertext[] old = values.put(name, cts.clone());
    if (old != null) closeAll(old);
  }

  Ciphertext[] get(String name) {
    Ciphertext[] c = values.get(name);
    if (c == null) throw new NoSuchElementException("no live value '" + name + "' (steps out of order?)");
    return c;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  void drop(String... names) {
    for (String n : names) {
      Ciphertext[] c = values.remove(n);
      if (c != null) closeAll(c);
    }
  }

  /** Removes {@code name} without closing: the caller takes ownership. */
  Ciphertext[] take(String name) {
    Ciphertext[] c = get(name);
    values.remove(name);
    return c;
  }

  /** The lowest level of any live ciphertext (Integer.MAX_VALUE when empty). */
  int minLevel() {
    int m = Integer.MAX_VALUE;
    for (Ciphertext[] cs : values.values()) for (Ciphertext c : cs) m = Math.min(m, c.level());
    return m;
  }

  int count() {
    return values.values().stream().mapToInt(a -> a.length).sum();
  }

  /** Mod-switches every live ciphertext above {@code level} down to it (no level is spent; cheaper work after). */
  void dropTo(int level) {
    for (Ciphertext[] cs : values.values())
      for (Ciphertext c : cs) if (c.level() > level) c.context().evaluator().modSwitchToInPlace(c, level);
  }

  /**
   * Refreshes every live ciphertext below {@code top} to it, in as few round trips as hold at most
   * {@code maxBytes} of serialized ciphertexts each (one unless the transport's frames are smaller); returns how
   * many went.
   */
  int refresh(Refresher refresher, int top, double valueBound, long maxBytes) {
    List<Ciphertext> send = new ArrayList<>();
    for (Ciphertext[] cs : values.values()) for (Ciphertext c : cs) if (c.level() < top) send.add(c);
    if (send.isEmpty()) return 0;
    List<Ciphertext> back = new ArrayList<>(send.size());
    try {
      int from = 0;
      while (from < send.size()) {
        int to = from;
        long bytes = 0;
        while (to < send.size() && (to == from || bytes + serializedSize(send.get(to)) <= maxBytes))
          bytes += serializedSize(send.get(to++));
        back.addAll(refresher.refresh(send.subList(from, to), valueBound, top));
        from = to;
      }
    } catch (RuntimeException e) {
      for (Ciphertext c : back) c.close();
      throw e;
    }
    int k = 0;
    for (Ciphertext[] cs : values.values())
      for (int i = 0; i < cs.length; i++)
        if (cs[i].level() < top) {
          cs[i].close();
          cs[i] = back.get(k++);
        }
    return send.size();
  }

  /** An upper estimate of a size-2 ciphertext's serialized bytes: two polynomials of (level + 1) limbs. */
  private static long serializedSize(Ciphertext c) {
    return 2L * (c.level() + 1) * 2L * c.context().slotCount() * 8 + 4096;
  }

  @Override
  public void close() {
    values.values().forEach(Registers::closeAll);
    values.clear();
  }

  private static void closeAll(Ciphertext[] cs) {
    for (Ciphertext c : cs) if (c != null && !c.isClosed()) c.close();
  }
}
