package dev.hnn.refresh;

import dev.hnn.ckks.Bootstrapper;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.ckks.Evaluator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Refreshes by non-interactive bootstrapping ({@link Bootstrapper}): no round trip, no key holder; each
 * ciphertext comes back at the bootstrapper's output level with the same slots at the same scale.
 *
 * <p><b>Value range.</b> Bootstrapping reduces the ciphertext's coefficients modulo q_0 with a sine, which is
 * accurate only while the coefficients are small against q_0: it is tuned for |value| x scale up to the message
 * scale ({@link Bootstrapper#messageScale()}). What counts is that product, not the recorded scale: re-reading a
 * ciphertext at scale Δ as one at scale Δ·B changes no coefficient, so it cannot bring values into range. When
 * {@code valueBound} x scale exceeds the message scale, the values are divided by the power of two B just above
 * the ratio before bootstrapping (one rescale, on primes ModRaise would drop anyway: the input must be at level 1
 * or above) and multiplied back by the integer B afterwards (exact, no level). The error, about 2^-24 of the
 * message scale, is then multiplied by B as well: a fixed relative precision against {@code valueBound}.
 *
 * <p>Holds no native memory of its own (the bootstrapper is the caller's to close). Thread-safe.
 */
public final class BootstrappingRefresher implements Refresher {
  /** Largest division before bootstrapping: beyond it the values were not bounded sensibly. */
  private static final double MAX_DIVISOR = 0x1p30;

  private final Bootstrapper bootstrapper;
  private final AtomicReference<RefreshStats> stats = new AtomicReference<>(RefreshStats.NONE);

  public BootstrappingRefresher(Bootstrapper bootstrapper) {
    this.bootstrapper = Objects.requireNonNull(bootstrapper, "bootstrapper");
  }

  /** The bootstrapper's output level. */
  @Override
  public int targetLevel() {
    return bootstrapper.outputLevel();
  }

  /** Round trips stay 0; ciphertexts counts the bootstraps; nanos their wall time. */
  @Override
  public RefreshStats stats() {
    return stats.get();
  }

  @Override
  public List<Ciphertext> refresh(List<Ciphertext> ciphertexts, double valueBound) {
    return refresh(ciphertexts, valueBound, targetLevel());
  }

  /**
   * To a level at or below the bootstrapper's output level (dropping the primes above it, which makes the next
   * operations cheaper); a higher level is refused: bootstrapping cannot produce it.
   */
  @Override
  public List<Ciphertext> refresh(List<Ciphertext> ciphertexts, double valueBound, int targetLevel) {
    Objects.requireNonNull(ciphertexts, "ciphertexts");
    if (targetLevel > bootstrapper.outputLevel())
      throw new UnsupportedOperationException(
          "bootstrapping outputs level " + bootstrapper.outputLevel() + " (the top level " + bootstrapper.context().maxLevel()
              + " minus its depth " + bootstrapper.depth() + "); it cannot refresh to level " + targetLevel
              + ": use parameters with more levels left after bootstrapping");
    if (targetLevel < 0) throw new IllegalArgumentException("target level must be >= 0, got " + targetLevel);
    if (!(valueBound > 0) || !Double.isFinite(valueBound))
      throw new IllegalArgumentException("value bound must be finite and positive, got " + valueBound);
    for (int i = 0; i < ciphertexts.size(); i++) check(ciphertexts.get(i), i);
    long start = System.nanoTime();
    List<Ciphertext> out = new ArrayList<>(ciphertexts.size());
    try {
      for (int i = 0; i < ciphertexts.size(); i++) out.add(refreshOne(ciphertexts.get(i), i, valueBound, targetLevel));
    } catch (RuntimeException | Error e) {
      for (Ciphertext c : out) c.close();
      throw e;
    }
    long elapsed = System.nanoTime() - start;
    stats.getAndUpdate(s -> s.plus(0, out.size(), 0, 0, elapsed));
    return out;
  }

  private void check(Ciphertext ct, int i) {
    Objects.requireNonNull(ct, "ciphertext " + i);
    if (ct.isClosed()) throw new IllegalStateException("ciphertext " + i + " is closed");
    if (ct.size() != 2)
      throw new IllegalArgumentException(
          "ciphertext " + i + " has size " + ct.size() + ": relinearize it before refreshing");
  }

  private Ciphertext refreshOne(Ciphertext ct, int i, double valueBound, int targetLevel) {
    CkksContext context = bootstrapper.context();
    Evaluator ev = context.evaluator();
    double scale = ct.scale();
    double divisor = divisor(valueBound * scale / bootstrapper.messageScale(), ct, i, valueBound);
    Ciphertext fresh;
    if (divisor == 1) {
      fresh = bootstrapper.bootstrap(ct);
    } else {
      try (Ciphertext small = divide(ev, ct, divisor)) {
        fresh = bootstrapper.bootstrap(small);
      }
    }
    try {
      if (divisor != 1) ev.multiplyIntegerInPlace(fresh, (long) divisor);
      // The division's rescale may leave the scale an ulp away from the input's: record the input's exactly.
      if (fresh.scale() != scale) ev.setScale(fresh, scale);
      if (targetLevel < fresh.level()) ev.modSwitchToInPlace(fresh, targetLevel);
      return fresh;
    } catch (RuntimeException | Error e) {
      fresh.close();
      throw e;
    }
  }

  /** 1 when the values are in range, else the power of two just above {@code ratio}. */
  private static double divisor(double ratio, Ciphertext ct, int i, double valueBound) {
    if (ratio <= 1) return 1;
    double b = 2;
    while (b < ratio && b <= MAX_DIVISOR) b *= 2;
    if (b > MAX_DIVISOR)
      throw new IllegalArgumentException(
          "ciphertext " + i + ": values up to " + valueBound + " at scale 2^" + log2(ct.scale())
              + " are 2^" + log2(ratio) + " times the bootstrapper's range: lower the scale or the bound");
    if (ct.level() < 1)
      throw new DepthExhaustedException(
          "ciphertext " + i + " is at level 0: bringing values up to " + valueBound + " into the bootstrapper's"
              + " range (a division by " + (long) b + ") takes one level; refresh it at level 1 or above");
    return b;
  }

  /** ct / b at ct's scale, at level 0: at level 1, times 1/b encoded at q_1, rescaled by q_1. */
  private static Ciphertext divide(Evaluator ev, Ciphertext ct, double b) {
    Ciphertext small = ev.modSwitchTo(ct, 1);
    try {
      ev.multiplyScalarInPlace(small, 1.0 / b, (double) ev.context().prime(1));
      ev.rescaleInPlace(small);
      return small;
    } catch (RuntimeException | Error e) {
      small.close();
      throw e;
    }
  }

  private static String log2(double x) {
    return String.format(java.util.Locale.ROOT, "%.1f", Math.log(x) / Math.log(2));
  }
}
