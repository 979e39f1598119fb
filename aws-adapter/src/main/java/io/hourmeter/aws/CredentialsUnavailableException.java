package io.hourmeter.aws;

/**
 * Raised in place of whatever a credentials provider threw, so that "no credentials" is told apart from
 * a failed connection to AWS: it happens before anything is sent. Immutable.
 */
final class CredentialsUnavailableException extends RuntimeException {

  CredentialsUnavailableException(RuntimeException cause) {
    super("Unable to load credentials: " + cause.getMessage(), cause);
  }
}
