package dev.hnn.service;

import com.google.protobuf.ByteString;
import dev.hnn.ckks.CkksParameters;
import dev.hnn.encoder.EncoderClient;
import dev.hnn.encoder.EncoderSpec;
import dev.hnn.inference.HeadClient;
import dev.hnn.protocol.ProtocolException;
import dev.hnn.service.proto.Chunk;
import dev.hnn.service.proto.ClassifyRequest;
import dev.hnn.service.proto.GetServiceSpecRequest;
import dev.hnn.service.proto.HnnGrpc;
import dev.hnn.service.proto.KeyChunk;
import dev.hnn.service.proto.KeyInfoRequest;
import dev.hnn.service.proto.KeyRegistration;
import dev.hnn.service.proto.RemoveKeysRequest;
import dev.hnn.service.proto.ServiceSpec;
import dev.hnn.service.proto.SessionFrame;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Java client of an HNN server. Keys stay here: the client registers the public half of a key set once and then
 * sends ciphertexts made with it; only its secret key can read the answers.
 *
 * <pre>{@code
 * try (HnnClient c = HnnClient.connect("localhost:7443")) {
 *   ServiceSpec spec = c.spec();
 *   dev.hnn.inference.ServiceSpec head = HnnClient.headSpec(spec);
 *   try (CkksContext keys = CkksContext.builder(head.parameters()).rotations(head.rotationSteps()).build()) {
 *     String keyId = c.registerKeys(head.id(), keys.serializePublic()).getKeyId();
 *     double p = c.classify(keyId, new HeadClient(head, keys), features);
 *   }
 * }
 * }</pre>
 */
public final class HnnClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final HnnGrpc.HnnBlockingStub blocking;
  private final HnnGrpc.HnnStub async;
  private final long maxMessageBytes;

  private HnnClient(ManagedChannel channel, long maxMessageBytes) {
    this.channel = channel;
    this.maxMessageBytes = maxMessageBytes;
    this.blocking = HnnGrpc.newBlockingStub(channel).withMaxInboundMessageSize((int) maxMessageBytes)
        .withMaxOutboundMessageSize((int) maxMessageBytes);
    this.async = HnnGrpc.newStub(channel).withMaxInboundMessageSize((int) maxMessageBytes)
        .withMaxOutboundMessageSize((int) maxMessageBytes);
  }

  /** A plaintext connection (loopback, or behind a TLS-terminating proxy). */
  public static HnnClient connect(String target) {
    return connect(target, InsecureChannelCredentials.create());
  }

  /** TLS: the server's certificate must chain to {@code trustedCa}; with a client certificate and key, mutual TLS. */
  public static HnnClient connectTls(String target, File trustedCa, File clientCert, File clientKey)
      throws IOException {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(trustedCa);
    if (clientCert != null) b.keyManager(clientCert, clientKey);
    return connect(target, b.build());
  }

  public static HnnClient connect(String target, ChannelCredentials credentials) {
    ManagedChannel ch = Grpc.newChannelBuilder(target, credentials)
        .maxInboundMessageSize((int) ServiceLimits.defaults().maxMessageBytes()).build();
    return new HnnClient(ch, ServiceLimits.defaults().maxMessageBytes());
  }

  /** What the server runs. */
  public ServiceSpec spec() {
    try {
      return blocking.getServiceSpec(GetServiceSpecRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      throw HnnServiceException.of(e);
    }
  }

  /** The head's service spec the server publishes (throws if it runs no head). */
  public static dev.hnn.inference.ServiceSpec headSpec(ServiceSpec spec) {
    if (!spec.hasHead()) throw new IllegalStateException("the server does not run the encrypted head");
    return dev.hnn.inference.ServiceSpec.fromJson(spec.getHead().getSpecJson());
  }

  /** The encoder's spec the server publishes (throws if it runs no encoder). */
  public static EncoderSpec encoderSpec(ServiceSpec spec) {
    if (!spec.hasEncoder()) throw new IllegalStateException("the server does not run the encrypted encoder");
    var e = spec.getEncoder();
    return new EncoderSpec(e.getSpecId(), e.getModelId(), e.getBucketsList().stream().mapToInt(Integer::intValue)
        .toArray(), e.getHidden(), CkksParameters.load(e.getParameters().toByteArray()),
        e.getRotationStepsList().stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * Registers the public half of a key set for {@code specId}, streamed in chunks; registering the same keys again
   * is harmless. Returns the key id the server derived from them.
   */
  public KeyRegistration registerKeys(String specId, byte[] publicContext) {
    CompletableFuture<KeyRegistration> done = new CompletableFuture<>();
    StreamObserver<KeyChunk> up = async.registerKeys(new StreamObserver<>() {
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
        done.completeExceptionally(Status.INTERNAL.withDescription("no registration returned").asRuntimeException());
      }
    });
    try {
      for (int off = 0; off < publicContext.length && !done.isDone(); off += ServiceLimits.KEY_CHUNK_BYTES) {
        int len = Math.min(ServiceLimits.KEY_CHUNK_BYTES, publicContext.length - off);
        KeyChunk.Builder c = KeyChunk.newBuilder().setData(ByteString.copyFrom(publicContext, off, len));
        if (off == 0) c.setSpecId(specId).setTotalBytes(publicContext.length);
        up.onNext(c.build());
      }
      up.onCompleted();
    } catch (RuntimeException e) {
      up.onError(e);
      throw e;
    }
    return await(done);
  }

  /** The key id a server gives these public keys (the SHA-256 of the bytes), computed here. */
  public static String keyIdOf(byte[] publicContext) {
    return KeyStore.keyIdOf(publicContext);
  }

  /**
   * The key id of {@code publicContext} on this server, registering the keys only if the server does not hold them
   * yet (a cheap call first, then the upload).
   */
  public String ensureRegistered(String specId, byte[] publicContext) {
    String keyId = keyIdOf(publicContext);
    if (holdsKeys(keyId)) return keyId;
    return registerKeys(specId, publicContext).getKeyId();
  }

  /** Whether the server holds the key set {@code keyId}. */
  public boolean holdsKeys(String keyId) {
    try {
      return blocking.getKeys(KeyInfoRequest.newBuilder().setKeyId(keyId).build()).getRegistered();
    } catch (StatusRuntimeException e) {
      throw HnnServiceException.of(e);
    }
  }

  /** Removes a key set from the server; false if it held none with this id. */
  public boolean removeKeys(String keyId) {
    try {
      return blocking.removeKeys(RemoveKeysRequest.newBuilder().setKeyId(keyId).build()).getRemoved();
    } catch (StatusRuntimeException e) {
      throw HnnServiceException.of(e);
    }
  }

  /** Sends an encrypted head request (one sentence or a batch) and returns the encrypted response. */
  public byte[] classify(String keyId, byte[] encryptedRequest) {
    try {
      return blocking.classify(ClassifyRequest.newBuilder().setKeyId(keyId)
          .setRequest(ByteString.copyFrom(encryptedRequest)).build()).getResponse().toByteArray();
    } catch (StatusRuntimeException e) {
      throw HnnServiceException.of(e);
    }
  }

  /** One sentence's features through the encrypted head: P(positive), decrypted here. */
  public double classify(String keyId, HeadClient head, float[] features) {
    return head.decrypt(classify(keyId, head.encrypt(features).toBytes()))[0];
  }

  /**
   * A batch of sentences' features (at most the spec's batch capacity) through the encrypted head, streamed in
   * chunks both ways (a batch is hundreds of MB of ciphertexts).
   */
  public double[] classifyBatch(String keyId, HeadClient head, List<float[]> features) {
    return head.decrypt(classifyBatch(keyId, head.encryptBatch(features).toBytes()));
  }

  /** Streams an encrypted batch request and returns the encrypted response. */
  public byte[] classifyBatch(String keyId, byte[] encryptedRequest) {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    StreamObserver<Chunk> up = async.classifyBatch(new StreamObserver<>() {
      private final Chunks.Assembly response = new Chunks.Assembly();

      @Override
      public void onNext(Chunk c) {
        try {
          if (!response.started()) response.begin(c, Integer.MAX_VALUE - 16);
          else response.add(c);
        } catch (ServiceException e) {
          done.completeExceptionally(e.status().asRuntimeException());
        }
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        try {
          done.complete(response.finish());
        } catch (ServiceException e) {
          done.completeExceptionally(e.status().asRuntimeException());
        }
      }
    });
    try {
      Chunks.send(up, keyId, encryptedRequest);
      up.onCompleted();
    } catch (RuntimeException e) {
      up.onError(e);
      throw e;
    }
    return await(done);
  }

  /**
   * One sentence through the server's encrypted encoder: {@code client} encrypts the embedded sentence (n x hidden)
   * and answers the server's refresh requests over one bidirectional stream.
   */
  public EncoderClient.Outcome encode(String keyId, EncoderClient client, double[][] embedded) {
    SessionStream s = openSession(keyId);
    try {
      return client.classify(embedded, s.transport());
    } catch (ProtocolException e) {
      Throwable t = s.failure().get();
      // The server's status says why it ended the stream (unknown key set, busy, ...); else the protocol's error.
      if (t != null && Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) throw HnnServiceException.of(t);
      throw e;
    } catch (RuntimeException e) {
      s.cancel().run();
      throw e;
    } finally {
      s.transport().close();
    }
  }

  /** An open session stream: its transport, a way to cancel the call, and the call's failure once it ended. */
  record SessionStream(StreamTransport transport, Runnable cancel, AtomicReference<Throwable> failure) {}

  /** Opens an encoder session's stream; the first frame sent on it carries {@code keyId}. */
  SessionStream openSession(String keyId) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<StreamTransport> transport = new AtomicReference<>();
    AtomicReference<ClientCallStreamObserver<SessionFrame>> requests = new AtomicReference<>();
    ClientResponseObserver<SessionFrame, SessionFrame> responses = new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<SessionFrame> r) {
        requests.set(r);
        r.disableAutoRequestWithInitial(1);
      }

      @Override
      public void onNext(SessionFrame f) {
        transport.get().deliver(f.getFrame().toByteArray());
      }

      @Override
      public void onError(Throwable t) {
        failure.set(t);
        transport.get().peerGone();
      }

      @Override
      public void onCompleted() {
        transport.get().peerGone();
      }
    };
    boolean[] first = {true};
    Object lock = new Object();
    transport.set(new StreamTransport(frame -> {
      synchronized (lock) {
        SessionFrame.Builder f = SessionFrame.newBuilder().setFrame(ByteString.copyFrom(frame));
        if (first[0]) f.setKeyId(keyId);
        first[0] = false;
        requests.get().onNext(f.build());
      }
    }, n -> requests.get().request(n), () -> {
      synchronized (lock) {
        requests.get().onCompleted();
      }
    }));
    async.encryptedEncoderSession(responses);
    return new SessionStream(transport.get(), () -> requests.get().cancel("the client gave up", null), failure);
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw HnnServiceException.of(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The server's and this client's message limit. */
  public long maxMessageBytes() {
    return maxMessageBytes;
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) channel.shutdownNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.shutdownNow();
    }
  }
}
