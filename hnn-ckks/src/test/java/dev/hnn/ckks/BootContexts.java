package dev.hnn.ckks;

import java.util.Random;

/**
 * Bootstrappable contexts for the tests (key generation once per JVM) and the precision measure of
 * native/tests/test_boot.cpp. Toy sizes, insecure: N = 256 (N = 1024 where a context is serialized: the engine
 * loads parameters from N = 1024 up), q_0 of 50 bits and message scale 2^40 (q_0 / scale = 2^10, what toy N
 * needs, docs/bootstrapping.md), two 45-bit levels left after bootstrapping, transforms of 2 + 2 levels.
 */
public final class BootContexts {
  private BootContexts() {}

  public static final BootstrapOptions OPTIONS =
      BootstrapOptions.builder().ctsLevels(2).stcLevels(2).messageScale(0x1p40).build();
  public static final int LEVELS_LEFT = 2;

  private static CkksContext toy;
  private static CkksContext serializable;

  public static CkksParameters parameters(int n) {
    return OPTIONS.chain(n, 50, LEVELS_LEFT, 45, 1).insecureForTesting().build();
  }

  /** N = 256, client context with bootstrapping keys. */
  public static synchronized CkksContext toy() {
    if (toy == null) toy = CkksContext.builder(parameters(256)).bootstrapping(OPTIONS).build();
    return toy;
  }

  /** N = 1024, client context with bootstrapping keys (for serialization). */
  public static synchronized CkksContext serializable() {
    if (serializable == null) serializable = CkksContext.builder(parameters(1024)).bootstrapping(OPTIONS).build();
    return serializable;
  }

  public static double[] uniform(Random rnd, int n, double bound) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = bound * (2 * rnd.nextDouble() - 1);
    return v;
  }

  public static Ciphertext encrypt(CkksContext ctx, double[] values, int level) {
    try (Plaintext p = ctx.encoder().encode(values, OPTIONS.messageScale(), level)) {
      return ctx.encryptor().encrypt(p);
    }
  }

  /** -log2 of the mean and of the largest absolute error, relative to {@code unit}. */
  public record Precision(double meanBits, double worstBits) {
    @Override
    public String toString() {
      return String.format("mean %.1f bits, worst %.1f bits", meanBits, worstBits);
    }
  }

  public static Precision precision(double[] got, double[] want, double unit) {
    double sum = 0, worst = 0;
    for (int i = 0; i < want.length; i++) {
      double e = Math.abs(got[i] - want[i]) / unit;
      sum += e;
      worst = Math.max(worst, e);
    }
    return new Precision(-Math.log(sum / want.length) / Math.log(2), -Math.log(worst) / Math.log(2));
  }
}
