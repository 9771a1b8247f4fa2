package dev.hnn.refresh;

import dev.hnn.ckks.Bootstrapper;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.Plaintext;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p><b>Two ciphertexts a bootstrap.</b> Bootstrapping refreshes complex slots at the cost of real ones, and the
 * circuits' values are real; so by default two ciphertexts of close scales, both at level 1 or above, share a
 * bootstrap of z = (Re a + i Re b) / 2B, and come back as a = B (z + conj z), b = -i B (z - conj z). Before it,
 * A = a / 4B and iB = i b / 4B are one rescale away from level 0 (the division's level, taken even when B is 1),
 * and z = (A + iB) + conj(A - iB); after it, a conjugation, a multiplication by the monomial X^(N/2) (which is i
 * in every slot, exactly) and integer multiplications. That halves the bootstraps of a refresh of many ciphertexts
 * for two conjugations a pair (one at level 0). A paired refresh returns the real parts only: imaginary parts,
 * noise for real values, are dropped; {@link #BootstrappingRefresher(Bootstrapper, boolean)} turns pairing off
 * for complex slots.
 *
 * <p>Holds no native memory of its own (the bootstrapper is the caller's to close). Thread-safe.
 */
public final class BootstrappingRefresher implements Refresher {
  /** Largest division before bootstrapping: beyond it the values were not bounded sensibly. */
  private static final double MAX_DIVISOR = 0x1p30;
  /** Ciphertexts whose scales differ by this much (relative) or less can share a bootstrap. */
  private static final double PAIR_SCALE_TOLERANCE = 0x1p-10;

  private final Bootstrapper bootstrapper;
  private final boolean pairs;
  private final AtomicReference<RefreshStats> stats = new AtomicReference<>(RefreshStats.NONE);

  /** Pairs real ciphertexts (two a bootstrap). */
  public BootstrappingRefresher(Bootstrapper bootstrapper) {
    this(bootstrapper, true);
  }

  /** {@code pairs}: let two real ciphertexts share a bootstrap; false keeps imaginary parts (one each). */
  public BootstrappingRefresher(Bootstrapper bootstrapper, boolean pairs) {
    this.bootstrapper = Objects.requireNonNull(bootstrapper, "bootstrapper");
    this.pairs = pairs;
  }

  /** A refresher of the same bootstrapper and pairing, with statistics of its own (e.g. one per session). */
  public BootstrappingRefresher withNewStats() {
    return new BootstrappingRefresher(bootstrapper, pairs);
  }

  public Bootstrapper bootstrapper() {
    return bootstrapper;
  }

  /** How many ciphertexts one bootstrap refreshes when they can share it: 2 when pairing, else 1. */
  public int ciphertextsPerBootstrap() {
    return pairs ? 2 : 1;
  }

  /** The bootstrapper's output level. */
  @Override
  public int targetLevel() {
    return bootstrapper.outputLevel();
  }

  /** Round trips stay 0; ciphertexts counts the ciphertexts refreshed, bootstraps the bootstraps run. */
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
    int boots = 0;
    try {
      for (int i = 0; i < ciphertexts.size(); ) {
        boots++;
        Ciphertext a = ciphertexts.get(i);
        if (i + 1 < ciphertexts.size() && canPair(a, ciphertexts.get(i + 1))) {
          out.addAll(refreshPair(a, ciphertexts.get(i + 1), i, valueBound, targetLevel));
          i += 2;
        } else {
          out.add(refreshOne(a, i, valueBound, targetLevel));
          i++;
        }
      }
    } catch (RuntimeException | Error e) {
      for (Ciphertext c : out) c.close();
      throw e;
    }
    long elapsed = System.nanoTime() - start;
    int bootCount = boots;
    stats.getAndUpdate(s -> s.plus(0, out.size(), 0, 0, elapsed, bootCount));
    return out;
  }

  private void check(Ciphertext ct, int i) {
    Objects.requireNonNull(ct, "ciphertext " + i);
    if (ct.isClosed()) throw new IllegalStateException("ciphertext " + i + " is closed");
    if (ct.size() != 2)
      throw new IllegalArgumentException(
          "ciphertext " + i + " has size " + ct.size() + ": relinearize it before refreshing");
  }

  /**
   * The paired division takes a level from each. Scales may differ (by the rescaling primes' distance from the
   * scale, ~1e-5 at 40 bits): b's coefficients go into the sum as they are, re-read at a's scale, and come back
   * at b's own, exactly; the tolerance only keeps the range estimate honest.
   */
  private boolean canPair(Ciphertext a, Ciphertext b) {
    return pairs && a.level() >= 1 && b.level() >= 1 && Math.abs(a.scale() / b.scale() - 1) <= PAIR_SCALE_TOLERANCE
        && bootstrapper.context().hasConjugationKey();
  }

  /** Ciphertexts i and i + 1 through one bootstrap of (Re a + i Re b) / 2B (see the class comment). */
  private List<Ciphertext> refreshPair(Ciphertext a, Ciphertext b, int i, double valueBound, int targetLevel) {
    CkksContext context = bootstrapper.context();
    Evaluator ev = context.evaluator();
    double ratio = valueBound * Math.max(a.scale(), b.scale()) / bootstrapper.messageScale();
    // |Re a + i Re b| <= sqrt(2) x bound, so after the division by 2B the slots are within 0.71 of the range.
    double half = divisor(ratio, a, i, valueBound);
    Ciphertext fresh;
    try (Ciphertext z = realParts(context, a, b, 4 * half)) {
      fresh = bootstrapper.bootstrap(z);
    }
    Ciphertext realPart = null;
    Ciphertext imagPart = null;
    try (Ciphertext conj = ev.conjugate(fresh);
        Plaintext minusI = imaginaryUnit(context, -1, 1, fresh.level())) {
      realPart = ev.add(fresh, conj);
      imagPart = ev.sub(fresh, conj);
      ev.multiplyPlainInPlace(imagPart, minusI);
      finish(ev, realPart, (long) half, a.scale(), targetLevel);
      finish(ev, imagPart, (long) half, b.scale(), targetLevel);
      return List.of(realPart, imagPart);
    } catch (RuntimeException | Error e) {
      if (realPart != null) realPart.close();
      if (imagPart != null) imagPart.close();
      throw e;
    } finally {
      fresh.close();
    }
  }

  /**
   * 2 (Re a + i Re b) / d at level 0, at a's scale: with A = a / d and iB = i b / d, (A + iB) + conj(A - iB).
   * b's part is re-read at a's scale (no coefficient changes), so its coefficients come back at b's own.
   */
  private static Ciphertext realParts(CkksContext context, Ciphertext a, Ciphertext b, double d) {
    Evaluator ev = context.evaluator();
    Ciphertext sum = divide(context, a, d, false, a.scale());
    try (Ciphertext ib = divide(context, b, d, true, a.scale());
        Ciphertext diff = ev.sub(sum, ib)) {
      ev.addInPlace(sum, ib);
      try (Ciphertext conj = ev.conjugate(diff)) {
        ev.addInPlace(sum, conj);
      }
      return sum;
    } catch (RuntimeException | Error e) {
      sum.close();
      throw e;
    }
  }

  /**
   * c / d (i c / d if {@code timesI}) at level 0, recorded at {@code scale}: at level 1, times 1/d (i/d) encoded
   * at q_1, re-read at scale x q_1 (no coefficient changes), rescaled by q_1, on primes ModRaise would drop anyway.
   */
  private static Ciphertext divide(CkksContext context, Ciphertext c, double d, boolean timesI, double scale) {
    Evaluator ev = context.evaluator();
    double q1 = (double) context.prime(1);
    Ciphertext r = ev.modSwitchTo(c, 1);
    try {
      if (timesI) {
        try (Plaintext iOverD = imaginaryUnit(context, 1 / d, q1, 1)) {
          ev.multiplyPlainInPlace(r, iOverD);
        }
      } else {
        ev.multiplyScalarInPlace(r, 1 / d, q1);
      }
      if (r.scale() != scale * q1) ev.setScale(r, scale * q1);
      ev.rescaleInPlace(r);
      return r;
    } catch (RuntimeException | Error e) {
      r.close();
      throw e;
    }
  }

  /** {@code value} i in every slot; at scale 1, +-i is the monomial +-X^(N/2), so multiplying by it is exact. */
  private static Plaintext imaginaryUnit(CkksContext context, double value, double scale, int level) {
    double[] re = new double[context.slotCount()];
    double[] im = new double[context.slotCount()];
    Arrays.fill(im, value);
    return context.encoder().encodeComplex(re, im, scale, level);
  }

  /** Times the integer divisor, at the input's exact scale, at the target level. */
  private static void finish(Evaluator ev, Ciphertext c, long divisor, double scale, int targetLevel) {
    if (divisor != 1) ev.multiplyIntegerInPlace(c, divisor);
    // The division's rescale may leave the scale an ulp away from the input's: record the input's exactly.
    if (c.scale() != scale) ev.setScale(c, scale);
    if (targetLevel < c.level()) ev.modSwitchToInPlace(c, targetLevel);
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
      try (Ciphertext small = divide(context, ct, divisor, false, scale)) {
        fresh = bootstrapper.bootstrap(small);
      }
    }
    try {
      finish(ev, fresh, (long) divisor, scale, targetLevel);
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

  private static String log2(double x) {
    return String.format(java.util.Locale.ROOT, "%.1f", Math.log(x) / Math.log(2));
  }
}
