package dev.hnn.inference;

import dev.hnn.circuit.ReplicatedLinearTransform;
import dev.hnn.circuit.Slots;
import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.Decryptor;
import dev.hnn.ckks.Encoder;
import dev.hnn.ckks.Encryptor;
import dev.hnn.ckks.IncompatibleObjectsException;
import dev.hnn.ckks.Plaintext;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The client side: holds the secret key, turns feature vectors into encrypted requests and responses into
 * probabilities. Requests use secret-key encryption: its noise is ~100x below public-key encryption's (which
 * lets the service use 28-bit levels) and its ciphertexts are seed-compressed to half their size.
 */
public final class HeadClient {
  /** |gain x_i| above this could overflow the modulus in later layers: refused rather than silently wrong. */
  private static final double MAX_SCALED_INPUT = 128;

  private final ServiceSpec spec;
  private final CkksContext ctx;

  public HeadClient(ServiceSpec spec, CkksContext clientContext) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.ctx = Objects.requireNonNull(clientContext, "client context");
    if (!ctx.hasSecretKey()) throw new IllegalArgumentException("a client needs the context with the secret key");
    if (!ctx.parameters().equals(spec.parameters()))
      throw new IncompatibleObjectsException("the keys were made for other parameters than this service's");
  }

  public ServiceSpec spec() {
    return spec;
  }

  /** One sentence in the service's single-sentence layout (see {@link ServiceSpec}): the latency path. */
  public EncryptedMessage encrypt(float[] feature) {
    checkFeature(feature, 0);
    double gain = spec.inputGain();
    double[] x = new double[feature.length];
    for (int i = 0; i < x.length; i++) x[i] = gain * feature[i];
    List<byte[]> cts = new ArrayList<>();
    if (spec.featuresPerCiphertext() == 0) {
      double[] period = java.util.Arrays.copyOf(x, spec.inputPeriod());
      cts.add(encryptSlots(Slots.tile(period, ctx.slotCount())));
    } else {
      for (int c = 0; c < spec.singleCiphertexts(); c++)
        cts.add(encryptSlots(ReplicatedLinearTransform.inputSlots(x, c, spec.featuresPerCiphertext(),
            spec.hiddenUnits(), ctx.slotCount())));
    }
    return new EncryptedMessage(EncryptedMessage.Direction.REQUEST, spec.id(), ctx.keyId(),
        EncryptedMessage.Layout.SINGLE, 1, cts);
  }

  /** Up to {@link ServiceSpec#batchCapacity()} sentences, one per slot: ciphertext i holds feature i of each. */
  public EncryptedMessage encryptBatch(List<float[]> features) {
    Objects.requireNonNull(features, "features");
    if (features.isEmpty() || features.size() > spec.batchCapacity())
      throw new IllegalArgumentException("a batch holds 1 to " + spec.batchCapacity() + " sentences, got " + features.size());
    for (int s = 0; s < features.size(); s++) checkFeature(features.get(s), s);
    List<byte[]> cts = new ArrayList<>(spec.inputDim());
    double[] column = new double[features.size()];
    double gain = spec.inputGain();
    for (int i = 0; i < spec.inputDim(); i++) {
      for (int s = 0; s < column.length; s++) column[s] = gain * features.get(s)[i];
      cts.add(encryptSlots(column));
    }
    return new EncryptedMessage(EncryptedMessage.Direction.REQUEST, spec.id(), ctx.keyId(),
        EncryptedMessage.Layout.BATCH, features.size(), cts);
  }

  private byte[] encryptSlots(double[] values) {
    Encoder enc = ctx.encoder();
    Encryptor encryptor = ctx.encryptor();
    try (Plaintext p = enc.encode(values, ctx.scale(), ctx.maxLevel());
        Ciphertext c = encryptor.encryptSymmetric(p)) {
      return c.serialize();
    }
  }

  private void checkFeature(float[] f, int index) {
    Objects.requireNonNull(f, "feature " + index);
    if (f.length != spec.inputDim())
      throw new IllegalArgumentException("feature vector " + index + " has " + f.length + " values, the service takes "
          + spec.inputDim());
    double limit = MAX_SCALED_INPUT / spec.inputGain();
    for (float v : f) {
      if (!Float.isFinite(v)) throw new IllegalArgumentException("feature vector " + index + " holds NaN or infinity");
      if (Math.abs(v) > limit)
        throw new IllegalArgumentException("feature vector " + index + " holds " + v + ", beyond the service's input bound "
            + limit);
    }
  }

  /** The probabilities in a serialized response, one per sentence of the request. */
  public double[] decrypt(byte[] response) {
    return decrypt(EncryptedMessage.fromBytes(
        response, EncryptedMessage.Direction.RESPONSE, 1, Sizes.maxCiphertextBytes(spec.parameters())));
  }

  public double[] decrypt(EncryptedMessage response) {
    if (response.direction() != EncryptedMessage.Direction.RESPONSE) throw new IllegalArgumentException("not a response");
    if (!response.specId().equals(spec.id()))
      throw new IncompatibleObjectsException("the response comes from another service (spec " + response.specId() + ")");
    if (!response.keyId().equals(ctx.keyId()))
      throw new IncompatibleObjectsException("the response was computed under other keys than this client's");
    if (response.ciphertexts().size() != 1) throw new IllegalArgumentException("a response holds one ciphertext");
    int count = response.count();
    if (response.layout() == EncryptedMessage.Layout.SINGLE ? count != 1 : count > spec.batchCapacity())
      throw new IllegalArgumentException("response claims " + count + " sentences");
    Decryptor dec = ctx.decryptor();
    try (Ciphertext c = Ciphertext.load(ctx, response.ciphertexts().get(0))) {
      double[] slots = dec.decryptValues(c, count);
      double[] p = new double[count];
      for (int s = 0; s < count; s++) {
        // polynomial and CKKS error can step slightly outside [0, 1]; the probability is clamped, not hidden
        p[s] = Math.min(1.0, Math.max(0.0, slots[s]));
      }
      return p;
    }
  }
}
