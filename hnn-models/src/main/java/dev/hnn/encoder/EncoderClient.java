package dev.hnn.encoder;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.protocol.ClientSession;
import dev.hnn.protocol.ErrorCode;
import dev.hnn.protocol.OpenHeader;
import dev.hnn.protocol.ProtocolException;
import dev.hnn.protocol.ProtocolLimits;
import dev.hnn.protocol.SessionStats;
import dev.hnn.protocol.Transport;
import dev.hnn.refresh.RefreshResponder;
import dev.hnn.transformer.EncryptedTokens;
import dev.hnn.transformer.TokenLayout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The client half of the encrypted encoder, over any {@link Transport} (in process, a gRPC stream): pads an
 * embedded sentence to its length bucket, encrypts it with the secret key, opens a session, answers the server's
 * refresh requests (decrypt the masked values, re-encrypt at the top level) and decrypts the logit difference.
 * Holds the keys (not owned: the caller closes them after this).
 */
public final class EncoderClient implements AutoCloseable {
  /** One sentence: the decrypted logit difference and what the session moved. */
  public record Outcome(double logit, int tokens, int bucket, long inputBytes, long outputBytes, SessionStats session) {}

  private final CkksContext keys;
  private final EncoderSpec spec;
  private final RefreshResponder responder;
  private final ProtocolLimits limits;
  private final Duration timeout;
  private final int inputLevel;

  public EncoderClient(CkksContext keys, EncoderSpec spec, ProtocolLimits limits, Duration timeout) {
    this(keys, spec, limits, timeout, keys.maxLevel());
  }

  /**
   * @param inputLevel the level the input is encrypted at: the top level for client-aided refreshes; the
   *     bootstrapper's output level for a non-interactive server, which never computes above it (fewer primes to
   *     send)
   */
  EncoderClient(CkksContext keys, EncoderSpec spec, ProtocolLimits limits, Duration timeout, int inputLevel) {
    Objects.checkIndex(inputLevel, keys.maxLevel() + 1);
    this.inputLevel = inputLevel;
    this.keys = Objects.requireNonNull(keys, "keys");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (!keys.hasSecretKey()) throw new IllegalArgumentException("the client side needs a context with the secret key");
    spec.checkKeys(keys);
    this.responder = new RefreshResponder(keys);
  }

  public EncoderClient(CkksContext keys, EncoderSpec spec) {
    this(keys, spec, EncryptedEncoder.LIMITS, EncryptedEncoder.TIMEOUT);
  }

  public EncoderSpec spec() {
    return spec;
  }

  /** The input ciphertexts of an embedded sentence (n x hidden), serialized as the server receives them. */
  List<byte[]> encryptInput(double[][] embedded, int bucket) {
    if (embedded.length > 0 && embedded[0].length != spec.hidden())
      throw new IllegalArgumentException("the encoder takes " + spec.hidden() + " features per token, got "
          + embedded[0].length);
    TokenLayout layout = TokenLayout.featureMajor(keys.slotCount(), bucket, spec.hidden());
    List<byte[]> sent = new ArrayList<>();
    try (var x = EncryptedTokens.encrypt(keys, layout, embedded, inputLevel)) {
      for (Ciphertext c : x.ciphertexts()) sent.add(c.serialize());
    }
    return sent;
  }

  /**
   * Runs one session over {@code transport}: the server sees the bucket and the token count n, and only ever
   * ciphertexts. Throws {@link dev.hnn.protocol.ProtocolException} if the server refuses or fails.
   */
  public Outcome classify(double[][] embedded, Transport transport) {
    int n = embedded.length;
    int bucket = spec.bucketFor(n);
    List<byte[]> sent = encryptInput(embedded, bucket);
    long inBytes = sent.stream().mapToLong(b -> b.length).sum();
    ClientSession session = new ClientSession(transport, limits, timeout);
    List<byte[]> result = session.run(OpenHeader.of(spec.specId(), keys.keyId(), spec.modelId(), bucket, n), sent,
        (step, masked) -> EncoderServer.answer(masked, responder.respond(masked)));
    if (result.size() != 1)
      throw new ProtocolException(ErrorCode.MALFORMED, "the server answered with " + result.size()
          + " ciphertexts; the encoder's result is one");
    byte[] out = result.get(0);
    double d;
    try (Ciphertext c = Ciphertext.load(keys, out)) {
      d = keys.decryptor().decryptValues(c)[0];
    }
    return new Outcome(d, n, bucket, inBytes, out.length, session.stats());
  }

  @Override
  public void close() {
    responder.close();
  }
}
