package dev.hnn.refresh;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.ckks.Depth;
import dev.hnn.ckks.Plaintext;
import java.util.Random;

/** Contexts shared by the refresh tests (keys generated once per JVM). */
final class RefreshContexts {
  private RefreshContexts() {}

  private static CkksContext secure;
  private static CkksContext deep;

  /** Preset D2 (N = 8192, 60 + 40 + 40 bits, 128-bit secure): a 94-bit mask fits at levels 1 and 2. */
  static synchronized CkksContext secure() {
    if (secure == null) secure = CkksContext.builder(CkksParameters.preset(Depth.D2)).build();
    return secure;
  }

  /** N = 4096 with four 40-bit levels: insecure, through the tests' flag; a 93-bit mask fits at levels 1 to 4. */
  static synchronized CkksContext deep() {
    if (deep == null) {
      CkksParameters p =
          CkksParameters.builder()
              .polyDegree(4096)
              .coeffModulusBits(60, 40, 40, 40, 40, 60)
              .specialPrimes(1)
              .scaleBits(40)
              .insecureForTesting()
              .build();
      deep = CkksContext.builder(p).build();
    }
    return deep;
  }

  static double[] random(Random rnd, int n, double bound) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = bound * (2 * rnd.nextDouble() - 1);
    return v;
  }

  /** Public-key encryption at the top level, then down to {@code level} (scale kept). */
  static Ciphertext encryptAt(CkksContext ctx, double[] values, int level) {
    try (Plaintext p = ctx.encoder().encode(values, ctx.scale(), ctx.maxLevel())) {
      Ciphertext c = ctx.encryptor().encrypt(p);
      ctx.evaluator().modSwitchToInPlace(c, level);
      return c;
    }
  }

  static double maxError(double[] expected, double[] actual) {
    double e = 0;
    for (int i = 0; i < expected.length; i++) e = Math.max(e, Math.abs(expected[i] - actual[i]));
    return e;
  }
}
