package dev.hnn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.hnn.ckks.CkksContext;
import dev.hnn.encoder.EncoderSpec;
import dev.hnn.inference.HeadClient;
import dev.hnn.service.proto.HnnGrpc;
import dev.hnn.service.proto.KeyChunk;
import dev.hnn.service.proto.KeyRegistration;
import dev.hnn.service.proto.SessionFrame;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets the right status and the server keeps serving: oversized, truncated, foreign or secret keys,
 * wrong key ids and specs, garbage protobuf, and 1,000 fuzzed messages.
 */
class ServiceBadInputTest {
  private static CkksContext headKeys;

  @BeforeAll
  static void keys() {
    headKeys = ServiceFixture.headKeys();
  }

  @AfterAll
  static void close() {
    headKeys.close();
  }

  /** Raw key chunks, as a client that does not follow the rules would send them. */
  private static Status.Code upload(HnnGrpc.HnnStub stub, List<KeyChunk> chunks) throws Exception {
    CompletableFuture<KeyRegistration> done = new CompletableFuture<>();
    StreamObserver<KeyChunk> up = stub.registerKeys(new StreamObserver<>() {
      @Override
      public void onNext(KeyRegistration r) {
        done.complete(r);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
      }
    });
    try {
      for (KeyChunk c : chunks) up.onNext(c);
      up.onCompleted();
    } catch (RuntimeException ignored) {
      // the server may have refused already
    }
    try {
      done.get(60, TimeUnit.SECONDS);
      return Status.Code.OK;
    } catch (java.util.concurrent.ExecutionException e) {
      return Status.fromThrowable(e.getCause()).getCode();
    }
  }

  private static KeyChunk first(String spec, long total, byte[] data) {
    return KeyChunk.newBuilder().setSpecId(spec).setTotalBytes(total).setData(ByteString.copyFrom(data)).build();
  }

  /** {@code data} in key chunks as a well-behaved client cuts them, declaring {@code total}. */
  private static List<KeyChunk> chunks(String spec, long total, byte[] data) {
    List<KeyChunk> r = new ArrayList<>();
    for (int off = 0; off < data.length; off += ServiceLimits.KEY_CHUNK_BYTES) {
      byte[] part = Arrays.copyOfRange(data, off, Math.min(data.length, off + ServiceLimits.KEY_CHUNK_BYTES));
      r.add(off == 0 ? first(spec, total, part) : KeyChunk.newBuilder().setData(ByteString.copyFrom(part)).build());
    }
    return r;
  }

  private static long storedKeySets(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> KeyStore.isKeyId(p.getFileName().toString())).count();
    }
  }

  @Test
  void badKeyUploadsAreRefusedAndLeaveNothingBehind(@TempDir Path dir) throws Exception {
    ServiceLimits limits = ServiceFixture.testLimits().withMaxKeyBytes(1L << 30);
    try (HnnServer server = ServiceFixture.server(dir, limits)) {
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        HnnGrpc.HnnStub stub = HnnGrpc.newStub(ch);
        String spec = ServiceFixture.HEAD_SPEC.id();
        byte[] pub = headKeys.serializePublic();
        assertEquals(Status.Code.INVALID_ARGUMENT, upload(stub, chunks("no-such-spec", pub.length, pub)));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, upload(stub, List.of(first(spec, 1L << 40, new byte[10]))),
            "a declared size over the quota is refused before anything is stored");
        assertEquals(Status.Code.INVALID_ARGUMENT, upload(stub, chunks(spec, 0, pub)));
        byte[] half = Arrays.copyOf(pub, pub.length / 2);
        assertEquals(Status.Code.INVALID_ARGUMENT, upload(stub, chunks(spec, pub.length, half)),
            "truncated");
        assertEquals(Status.Code.INVALID_ARGUMENT, upload(stub, chunks(spec, 10, pub)), "more than declared");
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        assertEquals(Status.Code.INVALID_ARGUMENT, upload(stub, List.of(first(spec, garbage.length, garbage))));
        byte[] flipped = pub.clone();
        flipped[pub.length / 3] ^= 0x10;
        assertEquals(Status.Code.INVALID_ARGUMENT, upload(stub, chunks(spec, flipped.length, flipped)),
            "a corrupted key set fails its checksum");
        byte[] secret = headKeys.serialize();
        assertEquals(Status.Code.INVALID_ARGUMENT, upload(stub, chunks(spec, secret.length, secret)),
            "a context with the secret key is refused");
        try (CkksContext enc = ServiceFixture.encoderKeys()) {
          byte[] other = enc.serializePublic();
          assertEquals(Status.Code.INVALID_ARGUMENT, upload(stub, chunks(spec, other.length, other)),
              "keys made for another spec");
        }
        assertEquals(0, storedKeySets(dir));
        try (Stream<Path> s = Files.list(dir.resolve(".incoming"))) {
          assertEquals(0, s.count(), "no half-written upload is left");
        }
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void badCallsGetTheirStatusAndTheServerKeepsServing(@TempDir Path dir) throws Exception {
    try (HnnServer server = ServiceFixture.server(dir, ServiceFixture.testLimits());
        HnnClient client = HnnClient.connect("127.0.0.1:" + server.port())) {
      dev.hnn.inference.ServiceSpec head = HnnClient.headSpec(client.spec());
      String keyId = client.registerKeys(head.id(), headKeys.serializePublic()).getKeyId();
      HeadClient hc = new HeadClient(head, headKeys);
      byte[] good = hc.encrypt(ServiceFixture.feature(new Random(3))).toBytes();
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.classify("../../etc/passwd", good)));
      assertEquals(Status.Code.NOT_FOUND, code(() -> client.classify("0".repeat(64), good)));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.classify(keyId, Arrays.copyOf(good, 100))));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.classify(keyId, new byte[0])));
      // Over the message limit: the server's transport refuses it with RESOURCE_EXHAUSTED; a client still sending
      // when the server resets the stream may see its own CANCELLED instead.
      Status.Code big = code(() -> client.classify(keyId, new byte[(int) ServiceLimits.defaults().maxMessageBytes() + 1]));
      assertTrue(big == Status.Code.RESOURCE_EXHAUSTED || big == Status.Code.CANCELLED, big.toString());
      try (CkksContext other = ServiceFixture.headKeys()) {
        byte[] foreign = new HeadClient(head, other).encrypt(ServiceFixture.feature(new Random(4))).toBytes();
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> client.classify(keyId, foreign)),
            "a request made with other keys than the key set named");
      }
      EncoderSpec enc = HnnClient.encoderSpec(client.spec());
      try (CkksContext encKeys = ServiceFixture.encoderKeys();
          dev.hnn.encoder.EncoderClient ec = new dev.hnn.encoder.EncoderClient(encKeys, enc)) {
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> client.encode(keyId, ec,
            ServiceFixture.embedded(ServiceFixture.sentence(1, 4)))), "an encoder session on the head's key set");
      }
      assertTrue(garbageProtobuf(server.port()) != Status.Code.OK);
      double p = client.classify(keyId, hc, ServiceFixture.feature(new Random(3)));
      assertTrue(p >= 0 && p <= 1);
    }
  }

  private static Status.Code code(Runnable r) {
    try {
      r.run();
      return Status.Code.OK;
    } catch (HnnServiceException e) {
      return e.code();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** Bytes that are not a ClassifyRequest, sent to Classify with a marshaller that passes them through. */
  private static Status.Code garbageProtobuf(int port) {
    MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("hnn.v1.Hnn", "Classify"))
        .setRequestMarshaller(new BytesMarshaller()).setResponseMarshaller(new BytesMarshaller()).build();
    ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      byte[] junk = new byte[512];
      new Random(7).nextBytes(junk);
      junk[0] = (byte) 0xff; // an invalid field tag
      ClientCalls.blockingUnaryCall(ch, raw, CallOptions.DEFAULT, junk);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      ch.shutdownNow();
    }
  }

  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * 1,000 fuzzed messages: head requests with flipped, cut or random bytes (in their header, where the checks are),
   * encoder-session frames of random bytes, and key uploads of random bytes. Each is answered (no hang, no crash),
   * and the server then classifies a good request as before.
   */
  @Test
  void aThousandFuzzedMessagesAreAnsweredAndTheServerStillWorks(@TempDir Path dir) throws Exception {
    try (HnnServer server = ServiceFixture.server(dir, ServiceFixture.testLimits().withEvaluations(2, 64));
        HnnClient client = HnnClient.connect("127.0.0.1:" + server.port())) {
      dev.hnn.inference.ServiceSpec head = HnnClient.headSpec(client.spec());
      String keyId = client.registerKeys(head.id(), headKeys.serializePublic()).getKeyId();
      String encId;
      try (CkksContext enc = ServiceFixture.encoderKeys()) {
        encId = client.registerKeys(HnnClient.encoderSpec(client.spec()).specId(), enc.serializePublic()).getKeyId();
      }
      HeadClient hc = new HeadClient(head, headKeys);
      float[] f = ServiceFixture.feature(new Random(11));
      byte[] good = hc.encrypt(f).toBytes();
      Random rnd = new Random(12345);
      Map<Status.Code, Integer> seen = new EnumMap<>(Status.Code.class);
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
          .maxInboundMessageSize(64 << 20).build();
      try {
        HnnGrpc.HnnStub stub = HnnGrpc.newStub(ch);
        for (int i = 0; i < 1000; i++) {
          Status.Code c;
          switch (i % 4) {
            case 0, 1 -> {
              byte[] m = mutate(good, rnd);
              c = code(() -> client.classify(keyId, m));
            }
            case 2 -> c = garbageSession(stub, encId, rnd);
            default -> {
              byte[] junk = new byte[1 + rnd.nextInt(2048)];
              rnd.nextBytes(junk);
              c = upload(stub, List.of(first(ServiceFixture.HEAD_SPEC.id(), junk.length, junk)));
            }
          }
          seen.merge(c, 1, Integer::sum);
          assertNotEquals(Status.Code.UNKNOWN, c, "message " + i);
          assertNotEquals(Status.Code.UNAVAILABLE, c, "message " + i + ": the server went away");
        }
      } finally {
        ch.shutdownNow();
      }
      System.out.println("fuzzed statuses: " + seen);
      assertTrue(seen.getOrDefault(Status.Code.INVALID_ARGUMENT, 0) >= 500, seen.toString());
      assertEquals(0, seen.getOrDefault(Status.Code.INTERNAL, 0), "bad input is the client's fault: " + seen);
      assertEquals(ServiceFixture.CIRCUIT.approximateProbability(ServiceFixture.toDouble(f)),
          client.classify(keyId, hc, f), 2e-3);
      assertEquals(0, server.openSessions());
      assertEquals(0, server.leasedKeySets());
      assertEquals(2, storedKeySets(dir), "no fuzzed upload was stored");
    }
  }

  /** Flips bytes in the first 256, cuts the message short, or replaces it with random bytes. */
  private static byte[] mutate(byte[] good, Random rnd) {
    switch (rnd.nextInt(3)) {
      case 0 -> {
        byte[] m = good.clone();
        int flips = 1 + rnd.nextInt(4);
        for (int k = 0; k < flips; k++) m[rnd.nextInt(Math.min(256, m.length))] ^= (byte) (1 + rnd.nextInt(255));
        return m;
      }
      case 1 -> {
        return Arrays.copyOf(good, rnd.nextInt(good.length));
      }
      default -> {
        byte[] m = new byte[rnd.nextInt(4096)];
        rnd.nextBytes(m);
        return m;
      }
    }
  }

  /** An encoder session whose frames are random bytes: the server answers with an error status. */
  private static Status.Code garbageSession(HnnGrpc.HnnStub stub, String keyId, Random rnd) throws Exception {
    CompletableFuture<Status.Code> done = new CompletableFuture<>();
    StreamObserver<SessionFrame> up = stub.encryptedEncoderSession(new StreamObserver<>() {
      @Override
      public void onNext(SessionFrame f) {
      }

      @Override
      public void onError(Throwable t) {
        done.complete(Status.fromThrowable(t).getCode());
      }

      @Override
      public void onCompleted() {
        done.complete(Status.Code.OK);
      }
    });
    List<byte[]> frames = new ArrayList<>();
    for (int k = 0, n = 1 + rnd.nextInt(3); k < n; k++) {
      byte[] b = new byte[rnd.nextInt(512)];
      rnd.nextBytes(b);
      frames.add(b);
    }
    for (int k = 0; k < frames.size(); k++) {
      SessionFrame.Builder f = SessionFrame.newBuilder().setFrame(ByteString.copyFrom(frames.get(k)));
      if (k == 0) f.setKeyId(keyId);
      up.onNext(f.build());
    }
    up.onCompleted();
    return done.get(60, TimeUnit.SECONDS);
  }
}
