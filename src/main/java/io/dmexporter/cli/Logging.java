package io.dmexporter.cli;

import java.util.logging.Level;
import java.util.logging.LogManager;

/** Sets the log level before the first logger exists (slf4j-simple reads it once). */
final class Logging {
  private Logging() {}

  static void configure(String level) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    // gRPC and Netty log through java.util.logging; keep them quiet unless debugging.
    LogManager.getLogManager().reset();
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    java.util.logging.ConsoleHandler handler = new java.util.logging.ConsoleHandler();
    Level jul = level.equals("debug") ? Level.FINE : Level.SEVERE;
    handler.setLevel(jul);
    root.setLevel(jul);
    root.addHandler(handler);
  }
}
