package dev.hnn.transformer;

import dev.hnn.circuit.SlotSum;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.Evaluator;

import java.util.Objects;

/**
 * Per-token reductions over the features, for LayerNorm: sum_f x[t, f] and sum_f x[t, f]^2, each token's value
 * broadcast to every feature position of that token. The ciphertexts of the layout are added first, then one
 * rotate-and-sum over the F ring positions (stride L, log2 F rotations in radix-4 rounds) leaves in slot f L + t the sum over all
 * positions of token t: the ring is cyclic, so every position receives the full sum with no mask and no second
 * pass. The result is one ciphertext that fits every ciphertext of the layout (all rings hold the same values).
 *
 * <p>Padding positions must hold zero in the input (true after encryption and after {@link TokenLinear}, whose
 * padding outputs are zero); after a broadcast they hold the token's value too, which {@link TokenLinear} ignores
 * (its diagonals are zero there) and a LayerNorm gain zero-padded by the caller clears.
 */
public final class TokenSums {
  private final Evaluator ev;

  public TokenSums(CkksContext ctx) {
    this.ev = Objects.requireNonNull(ctx, "context").evaluator();
  }

  /** Rotation steps for a layout's reductions. */
  public static int[] rotationSteps(TokenLayout layout) {
    return SlotSum.rotationSteps(layout.tokens(), layout.ring());
  }

  /** sum_f x[t, f] in every slot of token t; same level and scale as x. */
  public Ciphertext sum(EncryptedTokens x) {
    Ciphertext acc = x.get(0).copy();
    try {
      for (int c = 1; c < x.size(); c++) ev.addInPlace(acc, x.get(c));
      SlotSum.sumInPlace(ev, acc, x.layout().tokens(), x.layout().ring());
      Ciphertext r = acc;
      acc = null;
      return r;
    } finally {
      if (acc != null) acc.close();
    }
  }

  /**
   * sum_f x[t, f]^2 in every slot of token t, one level lower (scale x.scale()^2 / q_l): the squares of all
   * ciphertexts are added before a single relinearization.
   */
  public Ciphertext sumOfSquares(EncryptedTokens x) {
    Ciphertext acc = ev.square(x.get(0));
    try {
      for (int c = 1; c < x.size(); c++)
        try (Ciphertext sq = ev.square(x.get(c))) {
          ev.addInPlace(acc, sq);
        }
      ev.relinearizeInPlace(acc);
      ev.rescaleInPlace(acc);
      SlotSum.sumInPlace(ev, acc, x.layout().tokens(), x.layout().ring());
      Ciphertext r = acc;
      acc = null;
      return r;
    } finally {
      if (acc != null) acc.close();
    }
  }
}
