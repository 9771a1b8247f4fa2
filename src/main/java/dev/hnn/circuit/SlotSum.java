package dev.hnn.circuit;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.Evaluator;

import java.util.ArrayList;
import java.util.List;

/**
 * Rotate-and-sum: x + rot(x, s) + rot(x, 2s) + ... over {@code count} strides, in log2(count) rotations. On a
 * slot vector of period {@code stride * count}, every slot then holds the sum of its residue class modulo
 * {@code stride}, so the result has period {@code stride}.
 */
public final class SlotSum {
  private SlotSum() {}

  /** Rotation steps {@link #sumInPlace} needs. */
  public static int[] rotationSteps(int stride, int count) {
    check(stride, count);
    List<Integer> s = new ArrayList<>();
    for (int k = stride; k < stride * count; k <<= 1) s.add(k);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Sums x over {@code count} (a power of two) shifts by multiples of {@code stride}, in place. */
  public static void sumInPlace(Evaluator ev, Ciphertext x, int stride, int count) {
    check(stride, count);
    for (int k = stride; k < stride * count; k <<= 1) {
      try (Ciphertext r = ev.rotate(x, k)) {
        ev.addInPlace(x, r);
      }
    }
  }

  private static void check(int stride, int count) {
    if (stride < 1 || count < 1 || Integer.bitCount(count) != 1)
      throw new IllegalArgumentException("stride must be positive and count a power of two");
  }
}
