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
  private final boolean retains;
  private final ConcurrentHashMap<Key, Plaintext> entries = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public PlaintextCache(CkksContext ctx) {
    this(ctx, true);
  }

  private PlaintextCache(CkksContext ctx, boolean retains) {
    this.ctx = Objects.requireNonNull(ctx, "context");
    this.retains = retains;
  }

  /**
   * A cache for one evaluation whose users free each plaintext as soon as they have used it ({@link #release}):
   * the memory of a matrix's diagonals is then that of one baby-step group, not of the whole matrix (at N = 2^16 a
   * 384 x 384 matrix has ~770 diagonals of 6 MB each).
   */
  public static PlaintextCache singleUse(CkksContext ctx) {
    return new PlaintextCache(ctx, false);
  }

  /** Whether plaintexts stay until {@link #close} (else {@link #release} frees them after their use). */
  public boolean retains() {
    return retains;
  }

  /**
   * Marks the plaintext of this key as used: a {@link #singleUse} cache frees it now (a later {@link #get} encodes
   * it again); a retaining cache keeps it.
   */
  public void release(String id, int level, double scale) {
    if (retains) return;
    Plaintext p = entries.remove(new Key(id, level, Double.doubleToLongBits(scale)));
    if (p != null) p.close();
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
