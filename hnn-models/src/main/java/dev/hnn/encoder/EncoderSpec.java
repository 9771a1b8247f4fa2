package dev.hnn.encoder;

import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CkksParameters;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a client of an encrypted-encoder server must match, and nothing secret: the session spec id, the model's
 * protocol id, the length buckets served, the hidden width (the input layout), the CKKS parameters and the rotation
 * steps its keys must cover. A server publishes it (the gRPC service's {@code GetServiceSpec}); a client makes its
 * keys with {@link #generateKeys()}.
 */
public record EncoderSpec(String specId, String modelId, int[] buckets, int hidden, CkksParameters parameters,
    int[] rotationSteps) {
  public EncoderSpec {
    Objects.requireNonNull(specId, "spec id");
    Objects.requireNonNull(modelId, "model id");
    Objects.requireNonNull(parameters, "parameters");
    buckets = buckets.clone();
    rotationSteps = rotationSteps.clone();
    if (buckets.length == 0) throw new IllegalArgumentException("need at least one length bucket");
    for (int b : buckets)
      if (b < 1 || Integer.bitCount(b) != 1) throw new IllegalArgumentException("bucket " + b + " is not a power of two");
    if (hidden < 1) throw new IllegalArgumentException("hidden width must be positive");
  }

  @Override
  public int[] buckets() {
    return buckets.clone();
  }

  @Override
  public int[] rotationSteps() {
    return rotationSteps.clone();
  }

  /** The smallest bucket holding n tokens. */
  public int bucketFor(int n) {
    if (n < 1) throw new IllegalArgumentException("a sentence needs at least one token");
    int best = Integer.MAX_VALUE;
    for (int b : buckets) if (b >= n) best = Math.min(best, b);
    if (best == Integer.MAX_VALUE)
      throw new IllegalArgumentException(n + " tokens exceed the largest bucket " + maxBucket());
    return best;
  }

  public int maxBucket() {
    return Arrays.stream(buckets).max().orElseThrow();
  }

  public boolean serves(int bucket) {
    return Arrays.stream(buckets).anyMatch(b -> b == bucket);
  }

  /** A fresh key set for this spec (secret key, relinearization and the rotation keys): seconds and hundreds of MB. */
  public CkksContext generateKeys() {
    return CkksContext.builder(parameters).rotations(rotationSteps).build();
  }

  /**
   * Whether {@code keys} can serve this spec: its parameters are the spec's and its rotation keys cover every step
   * (a server checks registered keys with this before storing them).
   */
  public void checkKeys(CkksContext keys) {
    if (!keys.parameters().equals(parameters))
      throw new IllegalArgumentException("the keys are for other CKKS parameters than this encoder's");
    for (int s : rotationSteps)
      if (!keys.hasRotationKey(s))
        throw new IllegalArgumentException("the keys lack the rotation key for step " + s + " that the encoder needs");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncoderSpec s && specId.equals(s.specId) && modelId.equals(s.modelId)
        && Arrays.equals(buckets, s.buckets) && hidden == s.hidden && parameters.equals(s.parameters)
        && Arrays.equals(rotationSteps, s.rotationSteps);
  }

  @Override
  public int hashCode() {
    return Objects.hash(specId, modelId, Arrays.hashCode(buckets), hidden, parameters, Arrays.hashCode(rotationSteps));
  }

  @Override
  public String toString() {
    return "EncoderSpec[" + specId + ", model " + modelId + ", buckets " + Arrays.toString(buckets) + ", hidden "
        + hidden + ", " + rotationSteps.length + " rotation steps]";
  }
}
