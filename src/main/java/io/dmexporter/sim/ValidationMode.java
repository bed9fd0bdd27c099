package io.dmexporter.sim;

import java.util.Locale;

/** A task's continuous validation mode ({@code validators.mode}). */
public enum ValidationMode {
  /** Compares whole rows with the downstream. */
  FULL,
  /** Only checks that the rows exist downstream. */
  FAST;

  /** DM's spelling. */
  public String dmName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ValidationMode parse(String s) {
    return DmNames.parse(values(), ValidationMode::dmName, s, "validation mode");
  }
}
