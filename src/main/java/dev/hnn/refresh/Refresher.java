package dev.hnn.refresh;

import dev.hnn.ckks.Ciphertext;
import java.util.List;

/**
 * Brings ciphertexts back to a high level so that computation can go on: today by a round trip to the key
 * holder ({@link ClientAidedRefresher}), later by bootstrapping behind the same interface.
 */
public interface Refresher {
  /**
   * New ciphertexts encrypting the same slots at the same scales at the refresher's target level, in the order
   * given, in one round trip. The inputs are not modified; the caller closes the results.
   *
   * @param valueBound a bound on the magnitude of every slot value of every ciphertext, as it would decrypt
   *     (noise included): it sizes the mask that hides the values
   */
  List<Ciphertext> refresh(List<Ciphertext> ciphertexts, double valueBound);

  /** Costs so far. */
  RefreshStats stats();
}
