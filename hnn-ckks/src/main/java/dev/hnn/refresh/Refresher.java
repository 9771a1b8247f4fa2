package dev.hnn.refresh;

import dev.hnn.ckks.Ciphertext;
import java.util.List;

/**
 * Brings ciphertexts back to a high level so that computation can go on: by a round trip to the key holder
 * ({@link ClientAidedRefresher}) or by non-interactive bootstrapping ({@link BootstrappingRefresher}).
 */
public interface Refresher {
  /**
   * New ciphertexts encrypting the same slots at the same scales at the refresher's target level, in the order
   * given, in one round trip. The inputs are not modified; the caller closes the results.
   *
   * @param valueBound a bound on the magnitude of every slot value of every ciphertext, as it would decrypt
   *     (noise included): it sizes the mask that hides the values (client-aided), or the division that brings
   *     them into the bootstrapper's range (bootstrapping)
   */
  List<Ciphertext> refresh(List<Ciphertext> ciphertexts, double valueBound);

  /**
   * As {@link #refresh(List, double)}, to {@code targetLevel} instead of the refresher's own target: a circuit
   * that knows how many levels its next steps need asks for just those, since every operation after the refresh
   * costs in proportion to the primes it carries (docs/encrypted-encoder.md). Refreshers that cannot choose the
   * level refuse any other than their own.
   */
  default List<Ciphertext> refresh(List<Ciphertext> ciphertexts, double valueBound, int targetLevel) {
    if (targetLevel != targetLevel())
      throw new UnsupportedOperationException(getClass().getSimpleName() + " refreshes to level " + targetLevel()
          + " only, not " + targetLevel);
    return refresh(ciphertexts, valueBound);
  }

  /** The level {@link #refresh(List, double)} brings ciphertexts to. */
  int targetLevel();

  /** Costs so far. */
  RefreshStats stats();
}
