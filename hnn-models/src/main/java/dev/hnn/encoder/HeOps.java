package dev.hnn.encoder;

import dev.hnn.circuit.PlaintextCache;
import dev.hnn.circuit.ScaleLanding;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.Evaluator;
import dev.hnn.ckks.Plaintext;

import java.util.function.Supplier;

/** Ciphertext operations with exact scales that the layer steps share (nothing here approximates a scale). */
final class HeOps {
  private final CkksContext ctx;
  private final Evaluator ev;
  private final PlaintextCache cache;

  HeOps(CkksContext ctx, PlaintextCache cache) {
    this.ctx = ctx;
    this.ev = ctx.evaluator();
    this.cache = cache;
  }

  CkksContext context() {
    return ctx;
  }

  /** a * b, relinearized and rescaled, one level below the lower operand (the higher one is mod-switched). */
  Ciphertext multiply(Ciphertext a, Ciphertext b) {
    int level = Math.min(a.level(), b.level());
    try (Ciphertext a2 = a.level() > level ? ev.modSwitchTo(a, level) : null;
        Ciphertext b2 = b.level() > level ? ev.modSwitchTo(b, level) : null) {
      return ev.multiplyRelinRescale(a2 == null ? a : a2, b2 == null ? b : b2);
    }
  }

  /**
   * x * v (v a slot vector, cached under id) one level lower at exactly {@code targetScale}: v is encoded at
   * targetScale * q_l / scale(x).
   */
  Ciphertext multiplyVector(Ciphertext x, String id, double targetScale, Supplier<double[]> v) {
    int l = x.level();
    Plaintext p = cache.get(id, l, targetScale * ctx.prime(l) / x.scale(), v);
    Ciphertext r = ev.multiplyPlain(x, p);
    try {
      ev.rescaleInPlace(r);
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** x + v in place (v a slot vector encoded at x's level and scale). */
  void addVector(Ciphertext x, String id, Supplier<double[]> v) {
    ev.addPlainInPlace(x, cache.get(id, x.level(), x.scale(), v));
  }

  /** c * x landed exactly on (level, scale): x must be above level. */
  Ciphertext constant(Ciphertext x, double c, int level, double scale) {
    return ScaleLanding.multiplyConstant(ctx, x, c, level, scale);
  }

  /** f(0) .. f(n - 1); if one throws, those already made are closed before the exception propagates. */
  static Ciphertext[] each(int n, java.util.function.IntFunction<Ciphertext> f) {
    Ciphertext[] out = new Ciphertext[n];
    try {
      for (int i = 0; i < n; i++) out[i] = f.apply(i);
      return out;
    } catch (RuntimeException e) {
      for (Ciphertext c : out) if (c != null) c.close();
      throw e;
    }
  }

  Evaluator evaluator() {
    return ev;
  }
}
