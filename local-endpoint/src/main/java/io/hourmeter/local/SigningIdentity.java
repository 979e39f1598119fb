package io.hourmeter.local;

/**
 * Who signed a request, read from the SigV4 {@code Authorization} header
 * ({@code AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...}). The signature itself
 * is not verified: the endpoint only needs to tell callers apart. Immutable.
 */
record SigningIdentity(String accessKeyId, String region, String sessionToken) {

  /** The identity in {@code authorization}, or {@code null} when the header is absent or malformed. */
  static SigningIdentity of(String authorization, String sessionToken) {
    if (authorization == null) {
      return null;
    }
    int start = authorization.indexOf("Credential=");
    if (start < 0) {
      return null;
    }
    start += "Credential=".length();
    int end = authorization.indexOf(',', start);
    String[] scope = authorization.substring(start, end < 0 ? authorization.length() : end).trim().split("/");
    if (scope.length < 4) {
      return null;
    }
    return new SigningIdentity(scope[0], scope[2], sessionToken);
  }
}
