package io.hourmeter.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Delegates to a credentials provider and marks its failures as {@link CredentialsUnavailableException},
 * for {@link ErrorClassification}. Thread-safe when the delegate is.
 */
final class ClassifiedCredentialsProvider implements AwsCredentialsProvider {

  private final AwsCredentialsProvider delegate;

  ClassifiedCredentialsProvider(AwsCredentialsProvider delegate) {
    this.delegate = delegate;
  }

  @Override
  public AwsCredentials resolveCredentials() {
    try {
      return delegate.resolveCredentials();
    } catch (RuntimeException e) {
      throw new CredentialsUnavailableException(e);
    }
  }

  @Override
  public String toString() {
    return "Classified(" + delegate + ")";
  }
}
