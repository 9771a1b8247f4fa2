package dev.hnn.service;

import com.google.protobuf.ByteString;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.HeException;
import dev.hnn.encoder.EncoderEndpoint;
import dev.hnn.encoder.EncoderSpec;
import dev.hnn.encoder.EncryptedEncoder;
import dev.hnn.inference.HeadServer;
import dev.hnn.protocol.ErrorCode;
import dev.hnn.protocol.ProtocolException;
import dev.hnn.protocol.ServerSession;
import dev.hnn.service.proto.Chunk;
import dev.hnn.service.proto.ClassifyRequest;
import dev.hnn.service.proto.ClassifyResponse;
import dev.hnn.service.proto.GetServiceSpecRequest;
import dev.hnn.service.proto.HnnGrpc;
import dev.hnn.service.proto.KeyChunk;
import dev.hnn.service.proto.KeyInfo;
import dev.hnn.service.proto.KeyInfoRequest;
import dev.hnn.service.proto.KeyRegistration;
import dev.hnn.service.proto.RemoveKeysRequest;
import dev.hnn.service.proto.RemoveKeysResponse;
import dev.hnn.service.proto.ServiceSpec;
import dev.hnn.service.proto.SessionFrame;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The service's calls. Every call that evaluates goes through {@link Evaluations} (bounded) after the per-key rate
 * check; every key set it touches is leased from the {@link KeyCache}. Refusals carry a gRPC status and a message
 * naming the limit or the mismatch, never a value, a key or a secret. Logs hold methods, statuses and abbreviated key
 * ids only.
 */
final class HnnGrpcService extends HnnGrpc.HnnImplBase {
  private static final Logger LOG = Logger.getLogger(HnnGrpcService.class.getName());

  private final ServiceSpec spec;
  private final Offerings.Head head;
  private final Offerings.Encoder encoder;
  private final EncoderSpec encoderSpec;
  private final ServiceLimits limits;
  private final KeyStore store;
  private final KeyCache cache;
  private final Evaluations evaluations;
  private final KeyRateLimiter rates;
  private final ScheduledExecutorService timers;
  private final AtomicInteger sessions = new AtomicInteger();
  private final ByteBudget inFlight;

  HnnGrpcService(ServiceSpec spec, Offerings.Head head, Offerings.Encoder encoder, ServiceLimits limits,
      KeyStore store, KeyCache cache, Evaluations evaluations, ScheduledExecutorService timers) {
    this.spec = spec;
    this.head = head;
    this.encoder = encoder;
    this.encoderSpec = encoder == null ? null : encoder.spec();
    this.limits = limits;
    this.store = store;
    this.cache = cache;
    this.evaluations = evaluations;
    this.rates = new KeyRateLimiter(limits.requestsPerSecondPerKey(), limits.burstPerKey());
    this.timers = timers;
    this.inFlight = new ByteBudget(limits.maxInFlightBytes());
  }

  long inFlightBytes() {
    return inFlight.used();
  }

  int openSessions() {
    return sessions.get();
  }

  /** Checks that registered keys can serve {@code specId} (the key store's validator). */
  static void checkKeys(Offerings.Head head, Offerings.Encoder encoder, String specId, CkksContext keys) {
    if (head != null && head.spec().id().equals(specId)) HeadServer.checkKeys(head.spec(), keys);
    else if (encoder != null && encoder.spec().specId().equals(specId)) encoder.spec().checkKeys(keys);
    else throw new IllegalArgumentException("unknown spec " + specId);
  }

  /** Builds the evaluator of a spec on loaded keys (the key cache's factory). */
  static AutoCloseable open(Offerings.Head head, Offerings.Encoder encoder, String specId, CkksContext keys) {
    if (head != null && head.spec().id().equals(specId)) return new HeadEvaluator(keys, head);
    if (encoder != null && encoder.spec().specId().equals(specId))
      return new EncoderEndpoint(encoder.weights(), encoder.head(), encoder.ranges(), keys, encoder.options());
    throw ServiceException.precondition("this server no longer runs spec " + specId);
  }

  /** The head's server on one key set; owns the context. */
  static final class HeadEvaluator implements AutoCloseable {
    final CkksContext keys;
    final HeadServer server;

    HeadEvaluator(CkksContext keys, Offerings.Head head) {
      this.keys = keys;
      this.server = new HeadServer(head.circuit(), head.spec(), keys);
    }

    @Override
    public void close() {
      try {
        server.close();
      } finally {
        keys.close();
      }
    }
  }

  @Override
  public void getServiceSpec(GetServiceSpecRequest request, StreamObserver<ServiceSpec> out) {
    out.onNext(spec);
    out.onCompleted();
  }

  @Override
  public StreamObserver<KeyChunk> registerKeys(StreamObserver<KeyRegistration> out) {
    return new StreamObserver<>() {
      private KeyStore.Upload upload;
      private String specId;
      private boolean failed;

      @Override
      public void onNext(KeyChunk chunk) {
        if (failed) return;
        try {
          if (upload == null) {
            specId = chunk.getSpecId();
            if (!knownSpec(specId))
              throw ServiceException.invalid("unknown spec id '" + printable(specId) + "'; GetServiceSpec lists "
                  + "the ones this server runs");
            upload = store.begin(specId, chunk.getTotalBytes());
          } else if (!chunk.getSpecId().isEmpty() || chunk.getTotalBytes() != 0) {
            throw ServiceException.invalid("only the first key chunk names the spec and the size");
          }
          if (chunk.getData().size() > ServiceLimits.KEY_CHUNK_BYTES)
            throw ServiceException.invalid("key chunks carry at most " + ServiceLimits.KEY_CHUNK_BYTES + " bytes");
          upload.write(chunk.getData().toByteArray());
        } catch (ServiceException e) {
          fail(e.status());
        } catch (IOException | RuntimeException e) {
          LOG.log(Level.WARNING, "key upload failed: " + e.getClass().getSimpleName());
          fail(Status.INTERNAL.withDescription("the key upload could not be stored"));
        }
      }

      private void fail(Status s) {
        failed = true;
        if (upload != null) upload.abort();
        out.onError(s.asRuntimeException());
      }

      @Override
      public void onError(Throwable t) {
        failed = true;
        if (upload != null) upload.abort();
      }

      @Override
      public void onCompleted() {
        if (failed) return;
        if (upload == null) {
          fail(Status.INVALID_ARGUMENT.withDescription("no key chunk arrived"));
          return;
        }
        KeyStore.Upload u = upload;
        try {
          // Validation parses the whole key set (up to GBs): it takes an evaluation slot.
          evaluations.submit(() -> {
            try {
              KeyStore.Registration r = u.finish();
              LOG.info(() -> "registered key set " + KeyCache.abbreviate(r.keyId()) + " for " + specId + ", "
                  + r.bytes() + " bytes" + (r.alreadyRegistered() ? " (already registered)" : ""));
              out.onNext(KeyRegistration.newBuilder().setKeyId(r.keyId()).setBytes(r.bytes())
                  .setAlreadyRegistered(r.alreadyRegistered()).build());
              out.onCompleted();
            } catch (ServiceException e) {
              out.onError(e.status().asRuntimeException());
            } catch (IOException | RuntimeException e) {
              LOG.log(Level.WARNING, "key registration failed: " + e.getClass().getSimpleName());
              out.onError(Status.INTERNAL.withDescription("the key set could not be stored").asRuntimeException());
            }
          });
        } catch (ServiceException e) {
          fail(e.status());
        }
      }
    };
  }

  private boolean knownSpec(String specId) {
    return (head != null && head.spec().id().equals(specId))
        || (encoderSpec != null && encoderSpec.specId().equals(specId));
  }

  @Override
  public void getKeys(KeyInfoRequest request, StreamObserver<KeyInfo> out) {
    if (!KeyStore.isKeyId(request.getKeyId())) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("a key id is 64 lowercase hex digits").asRuntimeException());
      return;
    }
    KeyInfo.Builder b = KeyInfo.newBuilder();
    store.find(request.getKeyId()).ifPresent(k -> b.setRegistered(true).setSpecId(k.specId()).setBytes(k.bytes()));
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void removeKeys(RemoveKeysRequest request, StreamObserver<RemoveKeysResponse> out) {
    String id = request.getKeyId();
    if (!KeyStore.isKeyId(id)) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("a key id is 64 lowercase hex digits").asRuntimeException());
      return;
    }
    try {
      boolean removed = store.remove(id);
      cache.retire(id);
      rates.forget(id);
      out.onNext(RemoveKeysResponse.newBuilder().setRemoved(removed).build());
      out.onCompleted();
    } catch (IOException e) {
      out.onError(Status.INTERNAL.withDescription("the key set could not be removed").asRuntimeException());
    }
  }

  @Override
  public void classify(ClassifyRequest request, StreamObserver<ClassifyResponse> out) {
    String keyId = request.getKeyId();
    try {
      if (head == null) throw new ServiceException(Status.Code.UNIMPLEMENTED, "this server does not run the head");
      admit(keyId);
      byte[] body = request.getRequest().toByteArray();
      evaluations.submit(() -> evaluateHead(keyId, body, out, response -> {
        out.onNext(ClassifyResponse.newBuilder().setResponse(ByteString.copyFrom(response)).build());
        out.onCompleted();
      }, () -> { }));
    } catch (ServiceException e) {
      out.onError(e.status().asRuntimeException());
    }
  }

  @Override
  public StreamObserver<Chunk> classifyBatch(StreamObserver<Chunk> out) {
    return new StreamObserver<>() {
      private final Chunks.Assembly request = new Chunks.Assembly();
      private String keyId;
      private long reserved;
      private boolean failed;

      @Override
      public void onNext(Chunk c) {
        if (failed) return;
        try {
          if (!request.started()) {
            if (head == null) throw new ServiceException(Status.Code.UNIMPLEMENTED, "this server does not run the head");
            keyId = c.getKeyId();
            admit(keyId);
            // The budget is taken before the buffer is allocated, and given back whatever happens.
            long declared = c.getTotalBytes();
            if (declared > 0 && declared <= limits.maxInFlightBytes()) {
              inFlight.reserve(declared);
              reserved = declared;
            }
            request.begin(c, limits.maxInFlightBytes());
          } else {
            if (!c.getKeyId().isEmpty() || c.getTotalBytes() != 0)
              throw ServiceException.invalid("only the first chunk names the key set and the size");
            request.add(c);
          }
        } catch (ServiceException e) {
          fail(e.status());
        }
      }

      private void fail(Status s) {
        failed = true;
        release();
        out.onError(s.asRuntimeException());
      }

      private void release() {
        inFlight.release(reserved);
        reserved = 0;
      }

      @Override
      public void onError(Throwable t) {
        failed = true;
        release();
      }

      @Override
      public void onCompleted() {
        if (failed) return;
        try {
          byte[] body = request.finish();
          evaluations.submit(() -> evaluateHead(keyId, body, out, response -> {
            Chunks.send(out, null, response);
            out.onCompleted();
          }, this::release));
        } catch (ServiceException e) {
          fail(e.status());
        }
      }
    };
  }

  /**
   * The head on {@code request} with the key set {@code keyId} (on an evaluation thread): the response goes to
   * {@code answer}, a refusal or failure to {@code out} as its status; {@code done} runs whatever happened.
   */
  private void evaluateHead(String keyId, byte[] request, StreamObserver<?> out,
      java.util.function.Consumer<byte[]> answer, Runnable done) {
    try (KeyCache.Lease lease = cache.acquire(keyId)) {
      byte[] response;
      try {
        response = lease.evaluator(HeadEvaluator.class).server.handle(request);
      } catch (HeException | IllegalArgumentException e) {
        throw ServiceException.invalid("the request is not valid for this key set: " + e.getMessage());
      }
      answer.accept(response);
    } catch (ServiceException e) {
      out.onError(e.status().asRuntimeException());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "head evaluation failed: " + e.getClass().getSimpleName());
      out.onError(Status.INTERNAL.withDescription("the evaluation failed").asRuntimeException());
    } finally {
      done.run();
    }
  }

  /** A well-formed, registered key id within its rate. */
  private void admit(String keyId) {
    if (!KeyStore.isKeyId(keyId)) throw ServiceException.invalid("a key id is 64 lowercase hex digits");
    // A loaded key set is registered: only an unloaded one costs a look on disk (this runs on every call).
    if (!cache.holds(keyId) && store.find(keyId).isEmpty())
      throw ServiceException.notFound("no key set " + KeyCache.abbreviate(keyId) + " is registered here");
    rates.take(keyId);
  }

  @Override
  public StreamObserver<SessionFrame> encryptedEncoderSession(StreamObserver<SessionFrame> responses) {
    ServerCallStreamObserver<SessionFrame> out = (ServerCallStreamObserver<SessionFrame>) responses;
    out.disableAutoRequest();
    Object lock = new Object();
    StreamTransport transport = new StreamTransport(
        frame -> {
          synchronized (lock) {
            out.onNext(SessionFrame.newBuilder().setFrame(ByteString.copyFrom(frame)).build());
          }
        },
        out::request, () -> { });
    out.setOnCancelHandler(transport::peerGone);
    out.request(1);
    return new StreamObserver<>() {
      private boolean started;
      private boolean refused;

      @Override
      public void onNext(SessionFrame f) {
        if (refused) return;
        if (!started) {
          started = true;
          try {
            if (encoder == null)
              throw new ServiceException(Status.Code.UNIMPLEMENTED, "this server does not run the encrypted encoder");
            admit(f.getKeyId());
            String keyId = f.getKeyId();
            evaluations.submit(() -> runSession(keyId, transport, out, lock));
          } catch (ServiceException e) {
            refused = true;
            synchronized (lock) {
              out.onError(e.status().asRuntimeException());
            }
            return;
          }
        } else if (!f.getKeyId().isEmpty()) {
          refused = true;
          transport.peerGone();
          synchronized (lock) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("only the first frame names the key set")
                .asRuntimeException());
          }
          return;
        }
        transport.deliver(f.getFrame().toByteArray());
      }

      @Override
      public void onError(Throwable t) {
        transport.peerGone();
      }

      @Override
      public void onCompleted() {
        transport.peerGone();
      }
    };
  }

  private void runSession(String keyId, StreamTransport transport, ServerCallStreamObserver<SessionFrame> out,
      Object lock) {
    sessions.incrementAndGet();
    // A session that runs longer than allowed is cut: its transport closes and the session fails on its next frame.
    ScheduledFuture<?> cut = timers.schedule(transport::close, limits.maxSessionDuration().toMillis(),
        TimeUnit.MILLISECONDS);
    Status status = Status.OK;
    try (KeyCache.Lease lease = cache.acquire(keyId)) {
      EncoderEndpoint endpoint = lease.evaluator(EncoderEndpoint.class);
      new ServerSession(transport, EncryptedEncoder.LIMITS, limits.sessionTimeout())
          .run(endpoint.driver(EncryptedEncoder.LIMITS));
    } catch (ProtocolException e) {
      // The client was told in an ERROR frame (if it is still there); the call's status says the same.
      status = statusOf(e.code()).withDescription(e.getMessage());
    } catch (ServiceException e) {
      status = e.status();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "encoder session failed: " + e.getClass().getSimpleName());
      status = Status.INTERNAL.withDescription("the evaluation failed");
    } finally {
      cut.cancel(false);
      transport.close();
      sessions.decrementAndGet();
    }
    synchronized (lock) {
      if (transport.peerClosed() && out.isCancelled()) return;
      if (status.isOk()) out.onCompleted();
      else out.onError(status.asRuntimeException());
    }
  }

  static Status statusOf(ErrorCode code) {
    return switch (code) {
      case MALFORMED, UNEXPECTED_MESSAGE, WRONG_SESSION, BAD_SEQUENCE -> Status.INVALID_ARGUMENT;
      case UNSUPPORTED_VERSION, INCOMPATIBLE -> Status.FAILED_PRECONDITION;
      case LIMIT_EXCEEDED -> Status.RESOURCE_EXHAUSTED;
      case TIMEOUT -> Status.DEADLINE_EXCEEDED;
      case CLOSED -> Status.CANCELLED;
      case INTERNAL -> Status.INTERNAL;
    };
  }

  private static String printable(String s) {
    String t = s.length() > 64 ? s.substring(0, 64) : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
