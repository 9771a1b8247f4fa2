package dev.hnn.ckks;

import java.util.Arrays;

/**
 * Checks that the native library loads from the jar and computes correctly:
 * {@code java -cp hnn.jar:javacpp.jar dev.hnn.ckks.SelfCheck}. Prints the parameters, the result of
 * (x * y + 1) on a few values and "ok", or exits with status 1.
 */
public final class SelfCheck {
  private SelfCheck() {}

  public static void main(String[] args) {
    NativeEngine.load();
    CkksParameters p = CkksParameters.preset(Depth.D2);
    double[] x = {1.5, -2, 0.25};
    double[] y = {2, 0.5, -4};
    try (CkksContext ctx = CkksContext.generate(p);
        CkksVector a = CkksVector.encrypt(ctx, x);
        CkksVector b = CkksVector.encrypt(ctx, y);
        CkksVector r = a.mul(b).add(1)) {
      double[] got = r.decrypt();
      double err = 0;
      for (int i = 0; i < x.length; i++) err = Math.max(err, Math.abs(got[i] - (x[i] * y[i] + 1)));
      System.out.println(p);
      System.out.println("threads: " + NativeEngine.threadCount());
      System.out.println("simd: " + NativeEngine.simdLevel());
      System.out.println("x * y + 1 = " + Arrays.toString(got) + " (max error " + err + ")");
      if (err > 1e-5) {
        System.out.println("FAILED");
        System.exit(1);
      }
      System.out.println("ok");
    }
  }
}
