package dev.hnn.circuit;

/** Slot-vector helpers shared by the circuits. */
public final class Slots {
  private Slots() {}

  /** {@code period} repeated over {@code slots} values; its length must divide the slot count. */
  public static double[] tile(double[] period, int slots) {
    if (period.length == 0 || slots % period.length != 0)
      throw new IllegalArgumentException(
          "a tiled vector's length must divide the slot count " + slots + ", got " + period.length);
    if (period.length == slots) return period;
    double[] out = new double[slots];
    for (int i = 0; i < slots; i += period.length) System.arraycopy(period, 0, out, i, period.length);
    return out;
  }

  /** The smallest power of two at least n (n >= 1). */
  public static int ceilPow2(int n) {
    if (n < 1) throw new IllegalArgumentException("need n >= 1");
    int p = Integer.highestOneBit(n);
    return p == n ? n : p << 1;
  }

  /** ceil(log2 n) for n >= 1. */
  public static int ceilLog2(int n) {
    return Integer.numberOfTrailingZeros(ceilPow2(n));
  }
}
