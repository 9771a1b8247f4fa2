package dev.hnn.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/** Contexts shared by the CKKS tests (key generation once per JVM) and comparison helpers. */
final class TestContexts {
  private TestContexts() {}

  private static CkksContext small;
  private static CkksContext smallSeal;
  private static CkksContext deep;

  /** N = 8192, preset D2 (128-bit secure): depth 2, a few rotations, power-of-two rotations, conjugation. */
  static synchronized CkksContext small() {
    if (small == null) small = smallOn(Backend.HNN);
    return small;
  }

  /** The same parameters and keys' shape as {@link #small()} on Microsoft SEAL (D2 has one special prime). */
  static synchronized CkksContext smallSeal() {
    if (smallSeal == null) smallSeal = smallOn(Backend.SEAL);
    return smallSeal;
  }

  private static CkksContext smallOn(Backend backend) {
    return CkksContext.builder(CkksParameters.preset(Depth.D2))
        .backend(backend)
        .rotations(1, 2, 3, 5, -1, -3, 100, -100)
        .powerOfTwoRotations()
        .conjugation()
        .build();
  }

  /** N = 8192 with six 40-bit levels: insecure (260 bits), for deeper circuits in tests only. */
  static synchronized CkksContext deep() {
    if (deep == null) {
      CkksParameters p =
          CkksParameters.builder()
              .polyDegree(8192)
              .coeffModulusBits(60, 40, 40, 40, 40, 40, 40, 60)
              .specialPrimes(1)
              .scaleBits(40)
              .insecureForTesting()
              .build();
      deep = CkksContext.builder(p).powerOfTwoRotations().rotations(-1, -2, -3, 3, 5, 6, 7).build();
    }
    return deep;
  }

  static double[] random(Random rnd, int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rnd.nextDouble();
    return v;
  }

  /** max |expected[i] - actual[i]| over expected's length; actual must be at least that long. */
  static double maxError(double[] expected, double[] actual) {
    if (actual.length < expected.length) fail("actual has " + actual.length + " values, expected " + expected.length);
    double e = 0;
    for (int i = 0; i < expected.length; i++) e = Math.max(e, Math.abs(expected[i] - actual[i]));
    return e;
  }

  static void assertClose(double[] expected, double[] actual, double tol) {
    double e = maxError(expected, actual);
    if (!(e <= tol)) fail("max error " + e + " exceeds " + tol);
  }

  static void assertLength(int n, double[] v) {
    assertEquals(n, v.length);
  }
}
