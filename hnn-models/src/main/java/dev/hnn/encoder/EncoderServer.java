package dev.hnn.encoder;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.HeException;
import dev.hnn.protocol.ErrorCode;
import dev.hnn.protocol.OpenHeader;
import dev.hnn.protocol.ProtocolException;
import dev.hnn.protocol.ServerDriver;
import dev.hnn.protocol.SessionId;
import dev.hnn.refresh.BootstrappingRefresher;
import dev.hnn.refresh.ClientAidedRefresher;
import dev.hnn.refresh.Refresher;
import dev.hnn.refresh.RefreshStats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The encrypted encoder as the server of a protocol session ({@link dev.hnn.protocol.ServerSession}): admits a
 * session whose spec, key set and model are its own and whose bucket it serves, loads (and so validates) the input
 * ciphertexts, runs the circuit, asking the client for each refresh through the session, and answers with the logit
 * difference's ciphertext. Holds only public keys.
 *
 * <p>One instance serves one session at a time (it keeps the last run's timings for the in-process caller); a
 * step listener (tests) sees the registers after every step.
 */
final class EncoderServer implements ServerDriver {
  /** Spec id of the encrypted-encoder sessions (version of the circuit's input layout and output). */
  static final String SPEC_ID = "hnn-encoder-1";

  private final CkksContext server;
  private final String modelId;
  private final IntFunction<EncoderCircuit> circuits;
  private final BootstrappingRefresher bootstrapping;
  private final int[] buckets;
  private final long maxRefreshBytes;
  private final EncoderCircuit.StepListener listener;
  private Map<String, Long> timings;
  private List<String> points;
  private RefreshStats refreshStats = RefreshStats.NONE;

  /**
   * @param circuits the circuit of a bucket (built on first use by the caller)
   * @param bootstrapping null: refreshes are round trips to the client; else bootstrapping (non-interactive), a
   *     copy of this refresher for each evaluation
   * @param maxRefreshBytes the most serialized ciphertext bytes one refresh round trip may carry (the protocol's
   *     frame limit, less headroom): larger refreshes are split into several round trips
   */
  EncoderServer(CkksContext server, String modelId, int[] buckets, IntFunction<EncoderCircuit> circuits,
      BootstrappingRefresher bootstrapping, long maxRefreshBytes, EncoderCircuit.StepListener listener) {
    this.bootstrapping = bootstrapping;
    this.listener = listener;
    this.server = Objects.requireNonNull(server, "server context");
    if (server.hasSecretKey()) throw new IllegalArgumentException("the server must hold public keys only");
    this.modelId = Objects.requireNonNull(modelId, "model id");
    this.buckets = buckets.clone();
    this.circuits = Objects.requireNonNull(circuits, "circuits");
    if (maxRefreshBytes < 1) throw new IllegalArgumentException("refresh bytes must be positive");
    this.maxRefreshBytes = maxRefreshBytes;
  }

  @Override
  public void admit(SessionId session, OpenHeader h) {
    if (!SPEC_ID.equals(h.specId()))
      throw new ProtocolException(ErrorCode.INCOMPATIBLE, "unknown spec " + h.specId() + "; this server runs "
          + SPEC_ID);
    if (!server.keyId().equals(h.keyId()))
      throw new ProtocolException(ErrorCode.INCOMPATIBLE, "this server holds no evaluation keys for key set "
          + h.keyId());
    if (!modelId.equals(h.modelId()))
      throw new ProtocolException(ErrorCode.INCOMPATIBLE, "this server runs model " + modelId + ", not "
          + h.modelId());
    if (java.util.Arrays.stream(buckets).noneMatch(b -> b == h.lengthBucket()))
      throw new ProtocolException(ErrorCode.INCOMPATIBLE, "length bucket " + h.lengthBucket() + " is not served; "
          + "buckets " + java.util.Arrays.toString(buckets));
  }

  @Override
  public List<byte[]> evaluate(OpenHeader h, List<byte[]> input, dev.hnn.protocol.Refresher session) {
    EncoderCircuit circuit = circuits.apply(h.lengthBucket());
    int expected = circuit.inputCiphertexts();
    if (input.size() != expected)
      throw new ProtocolException(ErrorCode.MALFORMED, "bucket " + h.lengthBucket() + " takes " + expected
          + " input ciphertexts, got " + input.size());
    Ciphertext[] in = new Ciphertext[input.size()];
    int[] label = {0};
    Refresher refresher = bootstrapping != null ? bootstrapping.withNewStats()
        : new ClientAidedRefresher(server, request -> fresh(request, session.refresh("refresh-" + (++label[0]),
            request)));
    timings = EncoderCircuit.newTimings();
    points = new ArrayList<>();
    try {
      for (int i = 0; i < in.length; i++) {
        try {
          in[i] = Ciphertext.load(server, input.get(i));
        } catch (HeException e) {
          throw new ProtocolException(ErrorCode.MALFORMED, "input ciphertext " + i + " is invalid: "
              + e.getMessage());
        }
      }
      // A circuit's layers build and free their encoded parts per run: sessions of one bucket take turns.
      synchronized (circuit) {
        try (Ciphertext logit = circuit.run(in, h.tokenCount(), refresher, timings, points, listener,
            maxRefreshBytes)) {
          return List.of(logit.serialize());
        }
      }
    } finally {
      refreshStats = refresher.stats();
      for (Ciphertext c : in) if (c != null) c.close();
    }
  }

  /*
   * A refresh request is the refresher's header blob and the masked ciphertexts; the protocol wants as many blobs
   * back as went out, so the client's answer leads with the header it answers (checked here) and then the fresh
   * ciphertexts.
   */

  /** The client's answer to a refresh request: the request's header, then the responder's ciphertexts. */
  static List<byte[]> answer(List<byte[]> request, List<byte[]> response) {
    List<byte[]> r = new ArrayList<>(response.size() + 1);
    r.add(request.get(0));
    r.addAll(response);
    return r;
  }

  /** The fresh ciphertexts of an {@link #answer}, after checking that it answers {@code request}. */
  static List<byte[]> fresh(List<byte[]> request, List<byte[]> answer) {
    if (answer.isEmpty() || !java.util.Arrays.equals(answer.get(0), request.get(0)))
      throw new ProtocolException(ErrorCode.MALFORMED, "the refresh response does not answer the request sent");
    return answer.subList(1, answer.size());
  }

  /** The last run's step timings, refresh points and refresh costs (for the in-process caller). */
  Map<String, Long> timings() {
    return timings;
  }

  List<String> refreshPoints() {
    return points;
  }

  RefreshStats refreshStats() {
    return refreshStats;
  }
}
