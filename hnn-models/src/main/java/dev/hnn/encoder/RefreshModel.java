package dev.hnn.encoder;

import dev.hnn.ckks.Bootstrapper;
import dev.hnn.ckks.CkksContext;
import dev.hnn.refresh.RefreshBound;

/**
 * What the circuit plans its refreshes against: the highest level a refresh brings ciphertexts to ({@code top}),
 * the lowest level a refresh can start from ({@code reserve}; the levels below it serve only the last steps), and
 * what a refresh costs.
 */
record RefreshModel(int top, int reserve, RefreshPlacement.RefreshCost cost) {
  /**
   * Key holder's work per ciphertext and prime of a client-aided refresh, in the steps' cost units (about
   * seconds): decryption, encryption and (de)serialization at N = 16384 take about 2-3 ms per ciphertext and prime.
   */
  static final double CLIENT_COST_PER_CIPHERTEXT_PRIME = 0.003;

  RefreshModel {
    if (reserve < 0 || reserve >= top)
      throw new IllegalArgumentException("a refresh from level " + reserve + " to " + top
          + " leaves no level to compute on");
  }

  /**
   * Client-aided refreshes ({@link dev.hnn.refresh.ClientAidedRefresher}) to the context's top level, from the
   * lowest level whose modulus holds the mask for values up to {@code valueBound}; {@code roundTripCost} per round
   * trip.
   */
  static RefreshModel clientAided(CkksContext ctx, double valueBound, double roundTripCost) {
    int bits = RefreshBound.maskBits(valueBound, 2 * ctx.scale(), 2 * ctx.slotCount());
    int reserve = RefreshBound.lowestLevel(ctx, bits);
    if (reserve < 0 || reserve >= ctx.maxLevel())
      throw new IllegalArgumentException("a " + bits + "-bit refresh mask (values up to " + valueBound
          + ") leaves no level to compute on with these parameters");
    return new RefreshModel(ctx.maxLevel(), reserve,
        new RefreshPlacement.RefreshCost(roundTripCost, 0, CLIENT_COST_PER_CIPHERTEXT_PRIME));
  }

  /**
   * Bootstrapping ({@link dev.hnn.refresh.BootstrappingRefresher}) to the bootstrapper's output level, from level
   * 1 when values up to {@code valueBound} at scale {@code scale} exceed its message range (the division that
   * brings them into it takes a level), else from level 0; {@code perCiphertext} per bootstrap.
   */
  static RefreshModel bootstrapping(Bootstrapper b, double valueBound, double scale, double perCiphertext) {
    int reserve = valueBound * scale > b.messageScale() ? 1 : 0;
    return new RefreshModel(b.outputLevel(), reserve, new RefreshPlacement.RefreshCost(0, perCiphertext, 0));
  }
}
