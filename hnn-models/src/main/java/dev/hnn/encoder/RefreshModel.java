package dev.hnn.encoder;

import dev.hnn.ckks.Bootstrapper;
import dev.hnn.ckks.CkksContext;
import dev.hnn.refresh.BootstrappingRefresher;
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
   * Bootstrapping ({@code refresher}) to its bootstrapper's output level, from level 1 when values up to
   * {@code valueBound} at scale {@code scale} exceed the bootstrapper's message range or the refresher pairs
   * ciphertexts (either division takes a level), else from level 0; {@code perBootstrap} per bootstrap, which
   * refreshes {@link BootstrappingRefresher#ciphertextsPerBootstrap()} ciphertexts.
   */
  static RefreshModel bootstrapping(BootstrappingRefresher refresher, double valueBound, double scale,
      double perBootstrap) {
    Bootstrapper b = refresher.bootstrapper();
    int perUnit = refresher.ciphertextsPerBootstrap();
    int reserve = valueBound * scale > b.messageScale() || perUnit > 1 ? 1 : 0;
    return new RefreshModel(b.outputLevel(), reserve, new RefreshPlacement.RefreshCost(0, perBootstrap, 0, perUnit));
  }
}
