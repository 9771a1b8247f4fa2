package dev.hnn.service;

import io.grpc.Status;

/** A call the service refused or failed: the gRPC status code and the server's description. */
public final class HnnServiceException extends RuntimeException {
  private final Status.Code code;

  HnnServiceException(Status status, Throwable cause) {
    super(status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()), cause);
    this.code = status.getCode();
  }

  static HnnServiceException of(Throwable t) {
    return new HnnServiceException(Status.fromThrowable(t), t);
  }

  public Status.Code code() {
    return code;
  }
}
