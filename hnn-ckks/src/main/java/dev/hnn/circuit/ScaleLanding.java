package dev.hnn.circuit;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.IncompatibleObjectsException;

/**
 * Brings ciphertexts to an exact (level, scale): the circuits never approximate a scale. Multiplying by a
 * constant c encoded at scale t = target * q_l / s and rescaling by q_l lands c * x exactly on the target scale
 * (up to the rounding of c * t, relative 2^-(log2 t)), at the cost of a level the operand has to spare; mod
 * switching then drops further levels without touching the scale. Why it matters: our primes are NTT-friendly
 * (q = 1 mod 2N), so for small bit sizes they sit up to a percent away from a power of two, and scales that
 * were merely "close" would add that much error to every sum.
 */
public final class ScaleLanding {
  private ScaleLanding() {}

  /** c * x at exactly (level, scale); x unchanged. x must be above {@code level}, or at it with that scale. */
  public static Ciphertext multiplyConstant(CkksContext ctx, Ciphertext x, double c, int level, double scale) {
    Evaluator ev = ctx.evaluator();
    int l = x.level();
    if (l < level) throw new IllegalArgumentException("cannot raise a ciphertext from level " + l + " to " + level);
    if (l == level) {
      if (c == 1.0 && sameScale(x.scale(), scale)) return x.copy();
      throw new IncompatibleObjectsException(
          "cannot land a ciphertext at level " + l + " on another scale without a spare level");
    }
    Ciphertext r = ev.multiplyScalar(x, c, scale * ctx.prime(l) / x.scale());
    try {
      ev.rescaleInPlace(r);
      if (r.level() > level) ev.modSwitchToInPlace(r, level);
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** x at exactly (level, scale); a copy if it is already there. */
  public static Ciphertext land(CkksContext ctx, Ciphertext x, int level, double scale) {
    if (x.level() > level && sameScale(x.scale(), scale)) return ctx.evaluator().modSwitchTo(x, level);
    return multiplyConstant(ctx, x, 1.0, level, scale);
  }

  /** x mod-switched down to {@code level} (scale unchanged); a copy if already there. */
  public static Ciphertext dropTo(CkksContext ctx, Ciphertext x, int level) {
    if (x.level() < level) throw new IllegalArgumentException("cannot raise a ciphertext from level " + x.level());
    return ctx.evaluator().modSwitchTo(x, level);
  }

  static boolean sameScale(double a, double b) {
    return Math.abs(a / b - 1.0) <= 1e-12;
  }
}
