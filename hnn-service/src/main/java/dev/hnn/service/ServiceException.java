package dev.hnn.service;

import io.grpc.Status;

/** A refusal the client can act on: a gRPC status and a message that names no secret and no value. */
final class ServiceException extends RuntimeException {
  private final Status.Code code;

  ServiceException(Status.Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  Status status() {
    return Status.fromCode(code).withDescription(getMessage());
  }

  Status.Code code() {
    return code;
  }

  static ServiceException invalid(String m) {
    return new ServiceException(Status.Code.INVALID_ARGUMENT, m);
  }

  static ServiceException notFound(String m) {
    return new ServiceException(Status.Code.NOT_FOUND, m);
  }

  static ServiceException exhausted(String m) {
    return new ServiceException(Status.Code.RESOURCE_EXHAUSTED, m);
  }

  static ServiceException precondition(String m) {
    return new ServiceException(Status.Code.FAILED_PRECONDITION, m);
  }
}
