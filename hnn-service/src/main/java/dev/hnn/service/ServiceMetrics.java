package dev.hnn.service;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's metrics in Prometheus' text format: calls and their latency by method and status (errors by kind
 * are the non-OK statuses), evaluations running and queued, key sets registered and loaded, open encoder sessions.
 * Nothing about a request's content is recorded: no key id, no size per key, no value.
 */
final class ServiceMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private HttpServer http;

  void gauge(String name, String help, Supplier<Number> value) {
    Gauge.builder(name, () -> value.get().doubleValue()).description(help).register(registry);
  }

  /** Records every call's method, status and latency. */
  ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        long t0 = System.nanoTime();
        String method = call.getMethodDescriptor().getBareMethodName();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            record(method, status.getCode(), System.nanoTime() - t0);
            super.close(status, trailers);
          }
        }, headers);
      }
    };
  }

  void record(String method, Status.Code code, long nanos) {
    Counter.builder("hnn_calls").description("calls by method and status").tag("method", method)
        .tag("status", code.name()).register(registry).increment();
    Timer.builder("hnn_call_latency").description("call latency by method").tag("method", method)
        .publishPercentiles(0.5, 0.99).register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The text exposition (what the HTTP endpoint serves). */
  String scrape() {
    return registry.scrape();
  }

  /** Serves {@code GET /metrics} on {@code host:port} (port 0: any free port). */
  int serve(String host, int port) throws IOException {
    http = HttpServer.create(new InetSocketAddress(host, port), 16);
    http.createContext("/metrics", ex -> {
      try (ex) {
        if (!"GET".equals(ex.getRequestMethod())) {
          ex.sendResponseHeaders(405, -1);
          return;
        }
        byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream o = ex.getResponseBody()) {
          o.write(body);
        }
      }
    });
    http.start();
    return http.getAddress().getPort();
  }

  void stop() {
    if (http != null) http.stop(0);
    registry.close();
  }
}
