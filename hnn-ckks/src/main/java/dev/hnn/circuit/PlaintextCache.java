package dev.hnn.circuit;

import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.Plaintext;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Encoded plaintexts of a circuit's fixed values (matrix diagonals, polynomial coefficient vectors, biases),
 * keyed by what they encode and the level and scale they were encoded at. A circuit applied to inputs of one
 * level and scale asks for the same keys every time, so after the first evaluation nothing is encoded again.
 * Thread-safe; closing it frees every plaintext.
 */
public final class PlaintextCache implements AutoCloseable {
  private record Key(String id, int level, long scaleBits) {}

  private final CkksContext ctx;
  private final ConcurrentHashMap<Key, Plaintext> entries = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public PlaintextCache(CkksContext ctx) {
    this.ctx = Objects.requireNonNull(ctx, "context");
  }

  /** The slot vector {@code values} (tiled over all slots) encoded at (level, scale), computed once per key. */
  public Plaintext get(String id, int level, double scale, Supplier<double[]> values) {
    if (closed) throw new IllegalStateException("plaintext cache is closed");
    return entries.computeIfAbsent(
        new Key(id, level, Double.doubleToLongBits(scale)),
        k -> ctx.encoder().encode(Slots.tile(values.get(), ctx.slotCount()), scale, level));
  }

  public int size() {
    return entries.size();
  }

  @Override
  public void close() {
    closed = true;
    entries.values().forEach(Plaintext::close);
    entries.clear();
  }
}
