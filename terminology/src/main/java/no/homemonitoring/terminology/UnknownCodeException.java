package no.homemonitoring.terminology;

/** A code that no code system or map of this module knows. The message names system and code. */
public class UnknownCodeException extends IllegalArgumentException {

  public UnknownCodeException(String message) {
    super(message);
  }
}
